#!/usr/bin/env bash
# `make bench`: rvti against plain routing, an xfrm interface and WireGuard
# in one run of the non-debug UML kernel (tests/kernel/build.sh bench), the
# same topology as the tests: host1 - gw1 ==outer== gw4 - host4.
#   tests/bench/run.sh [ROUNDS [SECONDS [MODES...]]]
# Defaults: 3 rounds of 3-second measurements of every mode. Prints a table
# of medians and the ratios rvti/XFRM and rvti/WireGuard, and writes the
# same as JSON ($RVTI_BENCH_JSON, or a dated file under /var/tmp; the path
# is printed). RVTI_BENCH_BASE=REV adds rvti as of git revision REV
# (modes base-*), measured in the same run. Nothing here asserts a time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/kernel/lib.sh"

rounds=${1:-3}
secs=${2:-3}
shift 2 2>/dev/null || shift $#

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 jq iproute2 \
	iputils-ping iperf3 wireguard-tools kmod

# RVTI_BENCH_KERNEL=debug measures in the debug test kernel instead, with
# what its debugging can switch off at boot switched off (kmemleak, slub
# debugging, debug objects, lockdep's proofs; lock tracking, refcount
# trackers and the rest stay): a stopgap until the bench kernel is built,
# whose absolute figures are low and whose ratios are only indicative.
variant=${RVTI_BENCH_KERNEL:-bench}
[ "$variant" = debug ] && export RVTI_UML_CMDLINE="${RVTI_UML_CMDLINE:-} kmemleak=off slub_debug=- no_debug_objects lockdep.prove_locking=0"
tree=$(RVTI_UML_VARIANT=$variant "$repo/tests/kernel/build.sh" "$variant" | tail -1) ||
	{ echo "not ok - build the UML $variant kernel" >&2; exit 1; }
log "$variant kernel: $tree"

# The module for the bench kernel, built from a copy so that the objects
# in kmod/ (built for the debug kernel) stay; under /var/tmp, which the
# guest sees (it mounts its own /tmp).
ko=$(mktemp -d /var/tmp/rvti-bench-ko.XXXXXX)
trap 'rm -rf "$ko"' EXIT
rvti_build_module "$tree" "$ko" ARCH=um ||
	{ tail -30 "$ko/build.log" >&2; echo "not ok - build rvti.ko for the bench kernel" >&2; exit 1; }
# RVTI_BENCH_BASE=REV: also rvti as of git revision REV, as the modes
# base-gcm128, base-chacha and base-null, to measure a change in one run.
if [ -n "${RVTI_BENCH_BASE:-}" ]; then
	RVTI_BUILD_REV=$RVTI_BENCH_BASE rvti_build_module "$tree" "$ko/base" ARCH=um ||
		{ tail -30 "$ko/base/build.log" >&2; echo "not ok - build rvti.ko of $RVTI_BENCH_BASE for the bench kernel" >&2; exit 1; }
	[ $# -gt 0 ] || set -- plain xfrm-gcm128 rvti-gcm128 base-gcm128 wg xfrm-chacha \
		rvti-chacha base-chacha xfrm-null rvti-null base-null
fi
make -C "$repo/userspace" >/dev/null || { echo "not ok - build the rvti tool" >&2; exit 1; }

json=${RVTI_BENCH_JSON:-/var/tmp/rvti-bench-$(date -u +%Y%m%dT%H%M%SZ).json}
raw=$(mktemp /tmp/rvti-bench-out.XXXXXX)
start=$(date +%s)
RVTI_UML_VARIANT=$variant RVTI_UML_TIMEOUT=${RVTI_UML_TIMEOUT:-1800} \
	"$repo/tests/kernel/run.sh" "$here/guest.sh" \
	"$(IFS=,; echo "$ko,$rounds,$secs,$*")" | tee "$raw" |
	grep -E '^(not )?ok - |^# micro' >&2
rc=${PIPESTATUS[0]}
elapsed=$(( $(date +%s) - start ))

python3 "$here/report.py" "$raw" "$json" "$tree" "$rounds" "$secs" "$elapsed"
rm -f "$raw"
echo "JSON: $json"
exit "$rc"
