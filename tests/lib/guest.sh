# Helpers for test scripts that run inside the UML test kernel.
# Every check prints one TAP line: "ok - NAME" or "not ok - NAME".
# shellcheck shell=bash

RVTI_REPO=${RVTI_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
RVTI=$RVTI_REPO/userspace/rvti
# Where rvti.ko and rvti_kunit.ko are: kmod/ (UML), or the KASAN runner's
# build for its kernel.
RVTI_KMOD=${RVTI_KMOD:-$RVTI_REPO/kmod}
GENL="python3 $RVTI_REPO/tests/lib/genl.py"
export PATH=$RVTI_REPO/userspace:$PATH
_failed=0
_out=$(mktemp /tmp/rvti-check.XXXXXX)

# Starting a process costs a good part of a second in the test kernel, and
# a sleep is a process: waits use these shell-only helpers.
# nap SECONDS: sleep without a process (read times out on a FIFO that
# nobody writes to).
_nap_fifo=$(mktemp -u /tmp/rvti-nap.XXXXXX)
mkfifo "$_nap_fifo" && exec 8<>"$_nap_fifo" && rm -f "$_nap_fifo"
nap() { read -r -t "$1" -u 8 _ 2>/dev/null; return 0; }
# file_has FILE ERE: a line of FILE matches ERE (bash's =~).
file_has() {
	local l
	[ -r "$1" ] || return 1
	while IFS= read -r l || [ -n "$l" ]; do
		[[ $l =~ $2 ]] && return 0
	done <"$1"
	return 1
}
# wait_until SECONDS CMD...: run CMD every 50 ms until it succeeds: for a
# state to be reached, instead of a fixed sleep. Fails after SECONDS.
wait_until() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		nap 0.05
	done
}

pass() { echo "ok - $*"; }
fail() { echo "not ok - $*"; _failed=1; }
finish() { rm -f "$_out"; exit "$_failed"; }

# check NAME CMD...: CMD must succeed.
check() {
	local name=$1
	shift
	if "$@" >"$_out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/#   /' "$_out"
		return 1
	fi
}

# check_fails NAME REGEX CMD...: CMD must fail and print something that
# matches REGEX (the kernel's extack message or the tool's usage error).
check_fails() {
	local name=$1 re=$2
	shift 2
	if "$@" >"$_out" 2>&1; then
		fail "$name (command succeeded)"
		sed 's/^/#   /' "$_out"
	elif ! grep -Eq -- "$re" "$_out"; then
		fail "$name (message does not match /$re/)"
		sed 's/^/#   /' "$_out"
	else
		pass "$name"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		echo "#   expected: $2"
		echo "#   actual:   $3"
	fi
}

# load_rvti [PARAM=VALUE...]
load_rvti() {
	insmod "$RVTI_KMOD/rvti.ko" "$@" || { fail "insmod rvti.ko $*"; finish; }
}
