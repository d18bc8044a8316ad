# Helpers of the demos' payloads (tests/demo-guest.sh, tests/demo-ike-guest.sh):
# every step is shown with its output and counted as a check. Source after
# guest.sh.
# shellcheck shell=bash

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# run CMD...: show the command and its output, indented.
run() {
	echo "\$ $*"
	"$@" 2>&1 | sed 's/^/  /'
	return "${PIPESTATUS[0]}"
}
nchecks=0
# step WHAT CMD...: run (shown) and check that it succeeded; fails as CMD did.
step() {
	local what=$1
	shift
	nchecks=$((nchecks + 1))
	if run "$@"; then pass "$what"; else fail "$what"; return 1; fi
}
# refused WHAT REGEX CMD...: the command must fail with a message matching REGEX.
refused() {
	local what=$1 re=$2 out
	shift 2
	nchecks=$((nchecks + 1))
	echo "\$ $*"
	out=$("$@" 2>&1) && { echo "$out" | sed 's/^/  /'; fail "$what (it was accepted)"; return; }
	echo "$out" | sed 's/^/  /'
	if grep -Eq -- "$re" <<<"$out"; then pass "$what"; else fail "$what (unexpected message)"; fi
}
# expect WHAT EXPECTED ACTUAL
expect() {
	nchecks=$((nchecks + 1))
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected $2, got $3)"; fi
}
