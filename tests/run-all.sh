#!/usr/bin/env bash
# `make check`: every test of rvti. Each stage prints TAP lines ("ok - ..."
# / "not ok - ..."); the last line of the run is "N passed, N failed".
#   tests/run-all.sh [STAGE...]   stages: tool headers checkpatch kunit netns demo kasan
# RVTI_SKIP_KASAN=1 skips the kasan stage (KUnit and chosen netns scripts in
# the x86_64 KASAN kernel under qemu, tests/kasan/) for quick iterations.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/kernel/lib.sh"

stages=${*:-tool headers checkpatch kunit netns demo kasan}
log=$(mktemp /tmp/rvti-check.XXXXXX)
trap 'rm -f "$log"' EXIT

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 python3-cryptography jq \
	iproute2 iputils-ping tcpdump iperf3 util-linux kmod

stage() { echo "# === $* ===" >&2; }
tap() { tee -a "$log"; }

debian_kdir() {
	rvti_need_pkgs linux-headers-amd64
	local v
	v=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 | grep -o 'linux-headers-[^ ,]*')
	echo "/usr/src/$v"
}

# Build the module from a copy of the sources so that the in-tree objects
# (built for the test kernel) are not overwritten.
build_against() {
	local name=$1 kdir=$2 arch=$3 out tmp
	tmp=$(mktemp -d /tmp/rvti-build.XXXXXX)
	cp -r "$repo/kmod" "$repo/uapi" "$repo/Kbuild" "$tmp/"
	if out=$(make -C "$kdir" ${arch:+ARCH=$arch} M="$tmp" W=1 modules 2>&1) &&
	   ! grep -Eq 'warning:|error:' <<<"$out"; then
		echo "ok - build against $name (W=1, no warnings)"
	else
		echo "not ok - build against $name (W=1, no warnings)"
		grep -E 'warning:|error:' <<<"$out" | head -30 | sed 's/^/#   /'
	fi
	rm -rf "$tmp"
}

uml_ready() {
	[ -n "${uml_tree:-}" ] && return 0
	stage "UML test kernel"
	uml_tree=$("$here/kernel/build.sh" | tail -1) || {
		echo "not ok - build the UML test kernel" | tap
		return 1
	}
	local out
	if ! out=$(make -C "$repo" ARCH=um KDIR="$uml_tree" UBSAN_SANITIZE=y kmod W=1 2>&1); then
		echo "not ok - build rvti.ko against the UML test kernel" | tap
		echo "$out" | tail -30 | sed 's/^/#   /'
		return 1
	fi
	if grep -Eq 'warning:' <<<"$out"; then
		echo "not ok - build rvti.ko against the UML test kernel (W=1, no warnings)" | tap
		grep -E 'warning:' <<<"$out" | sed 's/^/#   /'
	else
		echo "ok - build rvti.ko against the UML test kernel (W=1, no warnings)" | tap
	fi
	make -C "$repo/userspace" >/dev/null || {
		echo "not ok - build the rvti tool" | tap
		return 1
	}
}

for s in $stages; do
	case $s in
	tool)
		stage "tool unit tests"
		make -C "$repo/userspace" -s check 2>&1 | tap ||
			echo "not ok - tool unit tests: make check failed" | tap
		;;
	headers)
		stage "build against Debian's headers"
		build_against "Debian linux-headers-amd64 ($(basename "$(debian_kdir)"))" \
			"$(debian_kdir)" "" | tap
		;;
	checkpatch)
		stage "checkpatch --strict"
		uml_ready || continue
		if out=$(perl "$uml_tree/scripts/checkpatch.pl" --no-tree --strict \
			--terse -f $(cd "$repo" && git ls-files -- 'kmod/*.[ch]' \
			'uapi/*.h' | sed "s|^|$repo/|") 2>&1) && ! grep -Eq 'ERROR|WARNING|CHECK' <<<"$out"; then
			echo "ok - checkpatch --strict on kmod/ and uapi/" | tap
		else
			echo "not ok - checkpatch --strict on kmod/ and uapi/" | tap
			grep -E 'ERROR|WARNING|CHECK' <<<"$out" | head -40 | sed 's/^/#   /'
		fi
		;;
	kunit)
		uml_ready || continue
		stage "KUnit in the test kernel"
		"$here/kernel/run.sh" "$here/kunit.sh" 2>&1 | tap ||
			echo "not ok - kunit: the test kernel run failed" | tap
		;;
	netns)
		uml_ready || continue
		for t in "$here"/netns/*.sh; do
			stage "netns: $(basename "$t")"
			name=$(basename "$t" .sh)
			"$here/kernel/run.sh" "$t" 2>&1 |
				sed "s/^ok - /ok - $name: /; s/^not ok - /not ok - $name: /" | tap ||
				echo "not ok - $name: the test kernel run failed" | tap
		done
		;;
	demo)
		# `make demo`'s payload: its checks, and its exit status.
		uml_ready || continue
		stage "make demo"
		{ "$here/kernel/run.sh" "$here/demo-guest.sh" 2>&1 ||
			echo "not ok - the demo exited non-zero"; } |
			grep -E '^(not )?ok - |^demo: ' |
			sed "s/^ok - /ok - demo: /; s/^not ok - /not ok - demo: /" | tap
		;;
	kasan)
		if [ -n "${RVTI_SKIP_KASAN:-}" ]; then
			echo "# kasan: skipped (RVTI_SKIP_KASAN)" >&2
			continue
		fi
		stage "KASAN kernel (x86_64, SMP, qemu)"
		"$here/kasan/stage.sh" 2>&1 | tap ||
			echo "not ok - kasan: the KASAN kernel run failed" | tap
		;;
	*)
		echo "unknown stage $s" >&2
		exit 2
		;;
	esac
done

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "# failed:"
	grep '^not ok - ' "$log" | sed 's/^/#   /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
