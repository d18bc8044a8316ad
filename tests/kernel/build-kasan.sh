#!/usr/bin/env bash
# Build (once per machine) the x86_64 KASAN test kernel from Debian's
# linux-source-6.1: tinyconfig + kasan.config (and
# kasan-patches/*.patch). SMP and preemptible, with generic KASAN, lockdep,
# PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak and UBSAN everywhere; booted under
# qemu by run-kasan.sh. Cached outside the repo, keyed by source version and
# the hash of fragment and patches, like build.sh's UML kernel. Prints the
# tree's path on stdout as its last line.
#   tests/kernel/build-kasan.sh [kasan|bench]
# "bench" (or $RVTI_X86_VARIANT=bench) builds the same kernel without its
# debug section, plus x86-bench.config: the SMP kernel of `make bench-smp`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
variant=${1:-${RVTI_X86_VARIANT:-kasan}}

rvti_need_pkgs linux-source-6.1 bc flex bison libelf-dev libssl-dev make gcc patch xz-utils cpio

tree=$(rvti_kasan_tree "$variant")
if [ -f "$tree/.rvti-built" ]; then
	echo "$tree"
	exit 0
fi
# One build at a time: a second caller waits for the first one's result
# instead of starting over in the same directory.
mkdir -p "$(dirname "$tree")"
exec 9>"$tree.lock"
if ! flock -n 9; then
	log "waiting for the x86_64 $variant kernel being built by another process"
	flock 9
fi
if [ -f "$tree/.rvti-built" ]; then
	echo "$tree"
	exit 0
fi

log "building x86_64 $variant kernel $(dpkg-query -W -f '${Version}' linux-source-6.1) into $tree (first run on this machine)"
start=$(date +%s)
rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tree.tmp" --strip-components=1
rvti_kasan_fragment "$variant" >"$tree.tmp/.rvti-fragment"
cd "$tree.tmp"
for p in "$here"/kasan-patches/*.patch; do
	[ -e "$p" ] || continue
	patch -p1 -s <"$p"
done
make tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config .rvti-fragment >/dev/null
make olddefconfig >/dev/null
rvti_check_config .rvti-fragment .config ||
	{ echo "config fragment not satisfied" >&2; exit 1; }
# The machine's cores are shared: build at lower priority (RVTI_BUILD_NICE).
nice -n "${RVTI_BUILD_NICE:-5}" make -j"$(nproc)" bzImage modules modules_prepare >build.log 2>&1 ||
	{ tail -50 build.log >&2; exit 1; }
cd /
rm -rf "$tree"
mv "$tree.tmp" "$tree"
echo "$(( $(date +%s) - start ))" >"$tree/.rvti-build-seconds"
touch "$tree/.rvti-built"
log "x86_64 $variant kernel built in $(cat "$tree/.rvti-build-seconds") s"
echo "$tree"
