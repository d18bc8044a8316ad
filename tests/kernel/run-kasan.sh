#!/usr/bin/env bash
# Boot the x86_64 KASAN test kernel (tests/kernel/build-kasan.sh) under
# qemu-system-x86_64 (TCG, 2 CPUs) and run one script inside it as the
# payload, like run.sh does with the UML kernel:
#   tests/kernel/run-kasan.sh SCRIPT [ARGS...]
# The host's root is the guest's, read-only over virtio 9p; /tmp and /run
# are tmpfs; a second 9p share holds the results and the modules, built
# for this kernel from a copy of kmod/ (or taken from $RVTI_KASAN_KMOD, a
# directory with rvti.ko and rvti_kunit.ko built by an earlier run). The
# exit status is the payload's, and the run fails on any kernel report
# (KASAN, lockdep, RCU, UBSAN, kmemleak, sleeping in atomic context, ...)
# or when the kernel did not power off. Prints the boot time to stderr.
# RVTI_KASAN_TIMEOUT (seconds, default 3600), RVTI_KASAN_CPUS (2) and
# RVTI_KASAN_MEM (2G) tune the guest, RVTI_KASAN_CPU its CPU model (qemu's
# default unless set: -cpu max gives TCG's AES-NI, PCLMULQDQ, AVX2);
# RVTI_KEEP_RESULTS=1 keeps its logs.
# RVTI_X86_VARIANT=bench boots the non-debug SMP kernel of `make bench-smp`
# (build-kasan.sh bench) the same way.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

payload=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
variant=${RVTI_X86_VARIANT:-kasan}
what="KASAN kernel"
[ "$variant" = kasan ] || what="x86_64 $variant kernel"
tree=$(rvti_kasan_tree "$variant")
[ -f "$tree/.rvti-built" ] ||
	{ echo "$what missing: run tests/kernel/build-kasan.sh $variant" >&2; exit 1; }
rvti_need_pkgs qemu-system-x86

res=$(mktemp -d /tmp/rvti-kasan.XXXXXX)
chmod 755 "$res"
if [ -n "${RVTI_KASAN_KMOD:-}" ] && [ -f "$RVTI_KASAN_KMOD/rvti.ko" ]; then
	mkdir -p "$res/kmod" && cp "$RVTI_KASAN_KMOD"/*.ko "$res/kmod/"
	# Another revision's module, for the benchmark's base modes.
	if [ -f "$RVTI_KASAN_KMOD/base/rvti.ko" ]; then
		mkdir -p "$res/kmod/base" && cp "$RVTI_KASAN_KMOD/base/rvti.ko" "$res/kmod/base/"
	fi
elif ! rvti_build_module "$tree" "$res/kmod" W=1; then
	echo "not ok - build rvti.ko against the $what"
	tail -30 "$res/kmod/build.log" | sed 's/^/#   /'
	rm -rf "$res"
	exit 1
fi

start=$(date +%s)
# -no-reboot with panic=-1: a panic ends qemu instead of looping. The
# console (first serial port) goes to console.log. rcu stall timeout: TCG
# with KASAN is slow, but a real stall still shows as a hung test.
timeout "${RVTI_KASAN_TIMEOUT:-3600}" qemu-system-x86_64 \
	-accel tcg ${RVTI_KASAN_CPU:+-cpu "$RVTI_KASAN_CPU"} \
	-smp "${RVTI_KASAN_CPUS:-2}" -m "${RVTI_KASAN_MEM:-2G}" \
	-nographic -no-reboot -nic none \
	-kernel "$tree/arch/x86/boot/bzImage" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$res",mount_tag=results,security_model=none,multidevs=remap \
	-append "console=ttyS0 loglevel=5 panic=-1 root=root rootfstype=9p \
rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro \
init=$here/guest-init.sh rcupdate.rcu_cpu_stall_timeout=60 \
rvti_repo=$repo rvti_results=9p rvti_kmod=/run/results/kmod \
rvti_payload=$payload rvti_args=\"$*\"" \
	>"$res/console.log" 2>&1 </dev/null
boot_rc=$?
end=$(date +%s)
if [ -f "$res/booted" ]; then
	log "$what: booted to the payload in $(( $(stat -c %Y "$res/booted") - start )) s (guest uptime $(cut -d' ' -f1 "$res/booted") s), whole run $((end - start)) s"
fi

rvti_guest_verdict "$res" "$payload" "$boot_rc" "$what"
rc=$?

if [ -n "${RVTI_KEEP_RESULTS:-}" ]; then
	echo "# results kept in $res" >&2
else
	rm -rf "$res"
fi
exit "$rc"
