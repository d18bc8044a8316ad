#!/usr/bin/env bash
# Boot the UML test kernel and run one script inside it as the payload:
#   tests/kernel/run.sh SCRIPT [ARGS...]
# The payload's output is passed through. The exit status is the payload's,
# and the run fails on any kernel report in the console or dmesg (lockdep,
# RCU, UBSAN, kmemleak, debug objects, WARNING, BUG, oops) or when the
# kernel did not power off cleanly. $RVTI_UML_CMDLINE adds kernel
# parameters (tests/bench/run.sh).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$here/lib.sh"

payload=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
tree=$(rvti_uml_tree)
[ -x "$tree/linux" ] || { echo "test kernel missing: run tests/kernel/build.sh" >&2; exit 1; }

res=$(mktemp -d /tmp/rvti-uml.XXXXXX)
chmod 755 "$res"
# UML keeps its memory image and pid file under these; keep them private.
umldir=$(mktemp -d /tmp/rvti-umid.XXXXXX)

TMPDIR=$umldir timeout "${RVTI_UML_TIMEOUT:-900}" "$tree/linux" \
	mem=1G umid=rvti uml_dir="$umldir" \
	root=/dev/root rootfstype=hostfs rootflags=/ ro \
	con=null con0=null,fd:1 \
	init="$here/guest-init.sh" \
	rvti_repo="$repo" rvti_results="$res" rvti_payload="$payload" \
	rvti_args="$*" ${RVTI_UML_CMDLINE:-} \
	>"$res/console.log" 2>&1 </dev/null
boot_rc=$?

[ -f "$res/output.log" ] && cat "$res/output.log"

rc=0
if [ -f "$res/rc" ] && [ "$(cat "$res/rc")" != 0 ] &&
   ! grep -q '^not ok - ' "$res/output.log" 2>/dev/null; then
	# A payload that failed without saying which check: still a failure.
	echo "not ok - $(basename "$payload"): exited $(cat "$res/rc") without a failing check"
fi
if [ -f "$res/rc" ] && ! grep -Eq '^(not )?ok - ' "$res/output.log" 2>/dev/null; then
	echo "not ok - $(basename "$payload"): ran no check"
	echo 1 >"$res/rc"
fi
if [ ! -f "$res/rc" ]; then
	echo "not ok - kernel: the guest did not finish (exit $boot_rc); console tail:"
	tail -40 "$res/console.log" | sed 's/^/# /'
	rc=1
else
	rc=$(cat "$res/rc")
fi

# Kernel reports anywhere fail the run, whatever the payload said.
pat='BUG:|WARNING:|UBSAN:|Oops|Kernel panic|unreferenced object|ODEBUG:|kmemleak: .*suspected|refcount_t:|list_(add|del) corruption|general protection|unregister_netdevice: waiting|INFO: task .* blocked|possible recursive locking|circular locking|suspicious RCU'
reports=$(cat "$res/console.log" "$res/dmesg.log" "$res/kmemleak.log" 2>/dev/null | grep -E "$pat" | sort -u)
if [ -n "$reports" ]; then
	echo "not ok - kernel: reports in the debug kernel's log"
	echo "$reports" | head -20 | sed 's/^/# /'
	grep -E -A25 "$pat" "$res/console.log" "$res/kmemleak.log" 2>/dev/null | head -80 | sed 's/^/# /'
	[ "$rc" = 0 ] && rc=1
else
	echo "ok - kernel: no lockdep, RCU, UBSAN, kmemleak, debug-objects or WARNING reports"
fi

if [ -n "${RVTI_KEEP_RESULTS:-}" ]; then
	echo "# results kept in $res" >&2
else
	rm -rf "$res"
fi
rm -rf "$umldir"
exit "$rc"
