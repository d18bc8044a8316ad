#!/bin/bash
# What a new process costs in the UML test kernel (tests/kernel/patches/
# 0004-*: every shell command of a test is one):
#   tests/kernel/run.sh tests/kernel/repro/um-fork-exec.sh [N]
# Prints milliseconds per process for N runs (default 100) of each of:
# a subshell (fork only), /bin/true (fork+exec, dynamically linked),
# `ip link show lo`, `ip netns exec NS true` and `python3 -c pass`
# (N/10 runs). A measurement, not a check: compare two kernels with it.
. "$RVTI_REPO/tests/lib/guest.sh"
n=${1:-100}
per() {
	local name=$1 count=$2 i s e
	shift 2
	s=$EPOCHREALTIME
	for ((i = 0; i < count; i++)); do "$@" >/dev/null 2>&1; done
	e=$EPOCHREALTIME
	printf '# %-24s %6.1f ms per process (%d runs)\n' "$name" \
		"$(bc -l <<<"($e - $s) * 1000 / $count")" "$count"
}
subshell() { : "$(echo)"; }
ip netns add fx || { fail "netns"; finish; }
per "fork (subshell)" "$n" subshell
per "fork+exec /bin/true" "$n" /bin/true
per "ip link show lo" "$n" ip link show lo
per "ip netns exec fx true" "$n" ip netns exec fx true
per "python3 -c pass" $((n / 10)) python3 -c pass
ip netns del fx
pass "measured $n runs of each"
finish
