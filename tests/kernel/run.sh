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

# The fuzzers' settings (RVTI_FUZZ_SEED, RVTI_FUZZ_*_COUNT) reach the
# payload through the kernel command line, which becomes init's environment.
fuzz_env=$(env | grep -E '^RVTI_FUZZ_[A-Z_]+=[0-9]+$' | tr '\n' ' ')

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
	rvti_args="\"$*\"" $fuzz_env ${RVTI_UML_CMDLINE:-} \
	>"$res/console.log" 2>&1 </dev/null
boot_rc=$?

rvti_guest_verdict "$res" "$payload" "$boot_rc"
rc=$?

if [ -n "${RVTI_KEEP_RESULTS:-}" ]; then
	echo "# results kept in $res" >&2
else
	rm -rf "$res"
fi
rm -rf "$umldir"
exit "$rc"
