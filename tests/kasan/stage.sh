#!/usr/bin/env bash
# `make check-kasan`, the `kasan` stage of tests/run-all.sh: build (once,
# cached) the x86_64 KASAN kernel, rvti.ko against it (W=1, no warnings)
# and the tool, then run tests/kasan/check.sh in one boot of it under qemu
# (TCG, 2 CPUs). TAP lines on stdout; the stage's time at the end.
#   tests/kasan/stage.sh [SCRIPT...]   (default: check.sh's list)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/kernel/lib.sh"

start=$(date +%s)
tree=$("$repo/tests/kernel/build-kasan.sh" | tail -1) || {
	echo "not ok - kasan: build the KASAN test kernel"
	exit 1
}
kmod=$(mktemp -d /tmp/rvti-kasan-kmod.XXXXXX)
trap 'rm -rf "$kmod"' EXIT
if ! rvti_build_module "$tree" "$kmod" W=1; then
	echo "not ok - kasan: build rvti.ko against the KASAN kernel"
	tail -30 "$kmod/build.log" | sed 's/^/#   /'
	exit 1
fi
if grep -Eq 'warning:|error:' "$kmod/build.log"; then
	echo "not ok - kasan: build rvti.ko against the KASAN kernel (W=1, no warnings)"
	grep -E 'warning:|error:' "$kmod/build.log" | head -30 | sed 's/^/#   /'
else
	echo "ok - kasan: build rvti.ko against the KASAN kernel (W=1, no warnings)"
fi
make -C "$repo/userspace" >/dev/null || { echo "not ok - kasan: build the rvti tool"; exit 1; }

RVTI_KASAN_KMOD=$kmod "$repo/tests/kernel/run-kasan.sh" "$here/check.sh" "$@" |
	sed 's/^ok - KASAN kernel: /ok - kasan: KASAN kernel: /; s/^not ok - KASAN kernel: /not ok - kasan: KASAN kernel: /'
rc=${PIPESTATUS[0]}
echo "# kasan stage: $(( $(date +%s) - start )) s (kernel build included when not cached)"
exit "$rc"
