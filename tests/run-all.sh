#!/usr/bin/env bash
# `make check`: every test of rvti. Each stage prints TAP lines ("ok - ..."
# / "not ok - ..."); the last line of the run is "N passed, N failed".
#   tests/run-all.sh [STAGE...]   stages: tool headers checkpatch kunit netns demo ike kasan
#
# The stages that boot the UML test kernel (kunit, netns, demo) do not run
# their guests on the spot: each guest run is one host process, so they
# queue them (guest_job), as do tool and headers, and the queue runs after
# the last stage (or at a stage that calls guests_run first; a stage that
# needs the CPUs to itself should), RVTI_JOBS jobs at a time (default:
# the number of CPUs), the longest first (durations of the previous run are
# kept in $(rvti_cache_dir)/check-durations). Every run's output is printed
# in one block, in queue order, when the queue is done. Each stage's time
# is printed as a "# time:" line.
#
# kasan (the last stage; alone: `make check-kasan`): KUnit and chosen
# netns scripts, the fuzzers shortened, in the x86_64 SMP KASAN kernel
# under qemu (tests/kasan/); it runs the queued guests first so that it
# has the CPUs to itself. Its kernel is built on the first run (about 15
# minutes on 2 cores). RVTI_SKIP_KASAN=1 skips it for quick iterations.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/kernel/lib.sh"

stages=${*:-tool headers checkpatch kunit netns demo ike kasan}
work=$(mktemp -d /tmp/rvti-check.XXXXXX)
log=$work/log
trap 'rm -rf "$work"' EXIT
jobs_max=${RVTI_JOBS:-$(nproc)}
durations=$(rvti_cache_dir)/check-durations
t_start=$EPOCHREALTIME

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 python3-cryptography jq ethtool \
	iproute2 iputils-ping tcpdump iperf3 util-linux kmod nftables

stage() { echo "# === $* ===" >&2; }
tap() { tee -a "$log"; }

# Microseconds from an $EPOCHREALTIME; seconds (one decimal) between two.
usecs() { local t=${1/[.,]/}; echo $((10#$t)); }
secs_between() {
	local d=$(($(usecs "$2") - $(usecs "$1")))
	printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}
since() { secs_between "$1" "$EPOCHREALTIME"; }
stage_time() { echo "# time: $1 $2 s"; }

# guest_job STAGE NAME CMD...: queue one guest run (or host-only work that
# can overlap with them); CMD prints its TAP lines on stdout.
njobs=0
declare -a job_stage=() job_name=() job_cmd=()
guest_job() {
	job_stage[njobs]=$1
	job_name[njobs]=$2
	shift 2
	job_cmd[njobs]=$(printf '%q ' "$@")
	njobs=$((njobs + 1))
}

# guests_run: run the queue (RVTI_JOBS at a time, longest first), then
# print every run's output grouped by stage, each run's and each stage's
# wall time.
guests_run() {
	[ "$njobs" -gt 0 ] || return 0
	local i t started key
	local -A last_t=()
	while read -r key t; do
		last_t[$key]=$t
	done < <(cat "$durations" 2>/dev/null)
	# Longest first (a run not timed before counts as long).
	local order
	order=$(for ((i = 0; i < njobs; i++)); do
		key=${job_name[i]// /_}
		echo "${last_t[$key]:-9999} $i"
	done | sort -k1,1nr -k2,2n | cut -d' ' -f2)
	started=$EPOCHREALTIME
	for i in $order; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
			wait -n
		done
		(
			echo "$EPOCHREALTIME" >"$work/job$i.start"
			eval "${job_cmd[i]}" >"$work/job$i.out" 2>&1
			echo "$EPOCHREALTIME" >"$work/job$i.end"
		) &
	done
	wait
	echo "# time: guests $(since "$started") s ($njobs runs, $jobs_max at a time)"
	# Output in queue order, one block per run; a stage's wall time runs
	# from its first start to its last end.
	local st="" first last js je
	for ((i = 0; i <= njobs; i++)); do
		if [ -n "$st" ] && { [ "$i" = "$njobs" ] || [ "${job_stage[i]}" != "$st" ]; }; then
			stage_time "$st" "$(secs_between "$first" "$last")"
			st=""
		fi
		[ "$i" = "$njobs" ] && break
		read -r js <"$work/job$i.start"
		read -r je <"$work/job$i.end"
		if [ -z "$st" ]; then
			st=${job_stage[i]} first=$js last=$je
		fi
		[ "$(usecs "$js")" -lt "$(usecs "$first")" ] && first=$js
		[ "$(usecs "$je")" -gt "$(usecs "$last")" ] && last=$je
		t=$(secs_between "$js" "$je")
		stage "$st: ${job_name[i]} ($t s)"
		tap <"$work/job$i.out"
		stage_time "$st/${job_name[i]}" "$t"
		last_t[${job_name[i]// /_}]=$t
	done
	# Durations for the next run's order (those not run this time kept).
	for key in "${!last_t[@]}"; do
		echo "$key ${last_t[$key]}"
	done >"$work/durations" && cp "$work/durations" "$durations" 2>/dev/null
	njobs=0
	job_stage=() job_name=() job_cmd=()
}

# The queued runs.
run_tool() {
	make -C "$repo/userspace" -s check 2>&1 ||
		echo "not ok - tool unit tests: make check failed"
}
run_kunit() {
	"$here/kernel/run.sh" "$here/kunit.sh" 2>&1 ||
		echo "not ok - kunit: the test kernel run failed"
}
# run_guest NAME SCRIPT ARGS...: one payload, its TAP lines prefixed NAME.
run_guest() {
	local name=$1
	shift
	"$here/kernel/run.sh" "$@" 2>&1 |
		sed "s/^ok - /ok - $name: /; s/^not ok - /not ok - $name: /" ||
		echo "not ok - $name: the test kernel run failed"
}
run_demo() {
	# `make demo`'s payload: its checks, and its exit status.
	{ "$here/kernel/run.sh" "$here/demo-guest.sh" 2>&1 ||
		echo "not ok - the demo exited non-zero"; } |
		grep -E '^(not )?ok - |^demo: ' |
		sed "s/^ok - /ok - demo: /; s/^not ok - /not ok - demo: /"
}

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
	t_stage=$EPOCHREALTIME
	case $s in
	tool)
		# Host-only work joins the queue too: it fills the gaps between
		# the guests.
		guest_job tool "tool unit tests" run_tool
		continue
		;;
	headers)
		kdir=$(debian_kdir)
		guest_job headers "build against Debian's headers" build_against \
			"Debian linux-headers-amd64 ($(basename "$kdir"))" "$kdir" ""
		continue
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
		guest_job kunit kunit run_kunit
		continue
		;;
	netns)
		uml_ready || continue
		for t in "$here"/netns/*.sh; do
			guest_job netns "$(basename "$t" .sh)" run_guest "$(basename "$t" .sh)" "$t"
		done
		continue
		;;
	demo)
		uml_ready || continue
		guest_job demo demo run_demo
		continue
		;;
	ike)
		# strongSwan with the kernel-rvti plugin: strongSwan, its
		# sources, the plugin and the ABI check now (tests/ike/check.sh),
		# then psk.sh and nat.sh (gw1 behind a NAT router) against XFRM
		# and with rvti on both sides, ha.sh (two tunnels to one site,
		# dead peer detection and failover), mobike.sh (gw1 moves to
		# another address) and the payload of `make demo-ike`, in the
		# queue.
		uml_ready || continue
		stage "IKEv2: strongSwan and the kernel-rvti plugin"
		if "$here/ike/check.sh" 2>&1 | tap; then
			guest_job ike ike-xfrm run_guest ike-xfrm "$here/ike/psk.sh" peer=xfrm
			guest_job ike ike-rvti run_guest ike-rvti "$here/ike/psk.sh" peer=rvti GCM CHACHA
			guest_job ike ike-nat-xfrm run_guest ike-nat-xfrm "$here/ike/nat.sh" peer=xfrm
			guest_job ike ike-nat-rvti run_guest ike-nat-rvti "$here/ike/nat.sh" peer=rvti
			guest_job ike ike-ha run_guest ike-ha "$here/ike/ha.sh"
			guest_job ike ike-mobike-xfrm run_guest ike-mobike-xfrm "$here/ike/mobike.sh" peer=xfrm
			guest_job ike ike-mobike-rvti run_guest ike-mobike-rvti "$here/ike/mobike.sh" peer=rvti
			guest_job ike demo-ike run_guest demo-ike "$here/demo-ike-guest.sh"
		fi
		;;
	kasan)
		if [ -n "${RVTI_SKIP_KASAN:-}" ]; then
			echo "# kasan: skipped (RVTI_SKIP_KASAN)" >&2
			continue
		fi
		guests_run
		stage "KASAN kernel (x86_64, SMP, qemu)"
		"$here/kasan/stage.sh" 2>&1 | tap ||
			echo "not ok - kasan: the KASAN kernel run failed" | tap
		;;
	*)
		echo "unknown stage $s" >&2
		exit 2
		;;
	esac
	stage_time "$s" "$(since "$t_stage")"
done
guests_run
echo "# time: total $(since "$t_start") s"

passed=$(grep -c '^ok - ' "$log")
failed=$(grep -c '^not ok - ' "$log")
if [ "$failed" -gt 0 ]; then
	echo "# failed:"
	grep '^not ok - ' "$log" | sed 's/^/#   /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
