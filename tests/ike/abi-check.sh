#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Does the configured strongSwan tree (tests/ike/strongswan-src.sh) see
# charon's structures as Debian's charon does?
#
#   tests/ike/abi-check.sh [TREE]
#
# kernel-rvti is compiled against TREE's headers and config.h. Debian's
# kernel-netlink plugin implements the same kernel_ipsec_t and reads the
# same structures (kernel_ipsec_add_sa_t & co, daemon_t's kernel, library_t's
# settings and watcher, lifetime_cfg_t...). Rebuilt from TREE with Debian's
# flags (configure took them from dpkg-buildflags), its code and read-only
# data must be byte for byte those of the installed plugin: every struct
# offset and size it uses is then the same as in Debian's build. Any
# difference fails, and says which section differs.
set -euo pipefail

tree=${1:-$(ls -d /var/cache/rvti/strongswan-*/ 2>/dev/null | head -1)}
tree=${tree%/}
installed=/usr/lib/ipsec/plugins/libstrongswan-kernel-netlink.so
die() { echo "abi-check: $*" >&2; exit 1; }

[ -e "$tree/.rvti-configured" ] ||
	die "no configured strongSwan tree (${tree:-none}): run tests/ike/strongswan-src.sh"
[ -e "$installed" ] || die "$installed missing: is libstrongswan installed?"
debver=$(cat "$tree/.rvti-configured")
inst=$(dpkg-query -W -f '${Version}' libstrongswan)
[ "$debver" = "$inst" ] ||
	die "tree is strongSwan $debver, installed libstrongswan is $inst"

make -s -C "$tree/src/libcharon/plugins/kernel_netlink" \
	libstrongswan-kernel-netlink.la >/dev/null 2>&1 ||
	die "building kernel-netlink in $tree failed"
built=$tree/src/libcharon/plugins/kernel_netlink/.libs/libstrongswan-kernel-netlink.so

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
for s in .text .rodata .data.rel.ro .dynsym; do
	objcopy -O binary --only-section=$s "$built" "$tmp/a"
	objcopy -O binary --only-section=$s "$installed" "$tmp/b"
	if cmp -s "$tmp/a" "$tmp/b"; then
		echo "ok - kernel-netlink $s: rebuilt = Debian's ($(stat -c %s "$tmp/a") bytes)"
	else
		echo "not ok - kernel-netlink $s: rebuilt differs from Debian's"
		bad=1
	fi
done
[ $bad = 0 ] && echo "ok - strongSwan $debver: the tree's view of charon's structures is Debian's"
exit $bad
