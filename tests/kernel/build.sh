#!/usr/bin/env bash
# Build (once per machine) the User-Mode Linux test kernel from Debian's
# linux-source-6.1, the patches in patches/ and a config fragment beside
# this script:
#   tests/kernel/build.sh [debug|bench]
# "debug" (the default, or $RVTI_UML_VARIANT) is the test kernel of
# `make check` (uml.config); "bench" is the non-debug kernel of `make bench`
# (uml.config without its debug section, plus bench.config). The tree is
# cached outside the repo, keyed by variant, source version and the hash of
# fragment and patches, so later runs cost nothing. The build runs niced.
# Prints the tree's path on stdout as its last line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
variant=${1:-${RVTI_UML_VARIANT:-debug}}

rvti_need_pkgs linux-source-6.1 bc flex bison libelf-dev libssl-dev make gcc patch xz-utils

srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
tree=$(rvti_uml_tree "$variant")
if [ -f "$tree/.rvti-built" ]; then
	echo "$tree"
	exit 0
fi

log "building UML $variant kernel $srcver into $tree (first run on this machine)"
start=$(date +%s)
rm -rf "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$tree.tmp" --strip-components=1
rvti_uml_fragment "$variant" >"$tree.tmp/.rvti-fragment"
cd "$tree.tmp"
for p in "$here"/patches/*.patch; do
	[ -e "$p" ] || continue
	patch -p1 -s <"$p"
done
make ARCH=um SUBARCH=x86_64 defconfig >/dev/null
ARCH=um scripts/kconfig/merge_config.sh -m .config .rvti-fragment >/dev/null
make ARCH=um SUBARCH=x86_64 olddefconfig >/dev/null
# merge_config warns rather than fails; a symbol we asked for that did not
# stick means a test would silently run on the wrong kernel.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=y | CONFIG_*=m)
		grep -qx "$line" .config && continue
		;;
	CONFIG_*=n)
		grep -q "^${line%=n}=[ym]\$" .config || continue
		;;
	*) continue ;;
	esac
	echo "config: $line did not stick" >&2
	missing=1
done <.rvti-fragment
[ "$missing" = 0 ] || { echo "config fragment not satisfied" >&2; exit 1; }
nice -n "${RVTI_BUILD_NICE:-10}" make ARCH=um SUBARCH=x86_64 -j"$(nproc)" linux modules modules_prepare >build.log 2>&1 ||
	{ tail -50 build.log >&2; exit 1; }
cd /
rm -rf "$tree"
mv "$tree.tmp" "$tree"
echo "$(( $(date +%s) - start ))" >"$tree/.rvti-build-seconds"
touch "$tree/.rvti-built"
log "UML $variant kernel built in $(cat "$tree/.rvti-build-seconds") s"
echo "$tree"
