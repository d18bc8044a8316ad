#!/usr/bin/env bash
# `make demo-ike`: the VNet-to-VNet scenario keyed by IKEv2. Installs
# Debian's strongSwan and prepares its sources (tests/ike/strongswan-src.sh,
# once per machine), builds the kernel-rvti charon plugin and installs it
# where Debian's charon looks, builds the module and the tool, then runs
# tests/demo-ike-guest.sh in the UML test kernel. Exits 0 only when every
# step of the demo happened as described; the last line says which.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/kernel/lib.sh"

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 jq \
	iproute2 iputils-ping iperf3 kmod util-linux
tree=$("$here/kernel/build.sh" | tail -1)
make -C "$repo" -s ARCH=um KDIR="$tree" UBSAN_SANITIZE=y kmod >/dev/null
make -C "$repo/userspace" -s >/dev/null
ss=$("$here/ike/strongswan-src.sh" | tail -1)
make -C "$repo/userspace/charon" -s STRONGSWAN_SRC="$ss" install >/dev/null
rc=0
"$here/kernel/run.sh" "$here/demo-ike-guest.sh" || rc=$?
echo
if [ "$rc" = 0 ]; then
	echo "make demo-ike: succeeded"
else
	echo "make demo-ike: FAILED (exit $rc)"
fi
exit "$rc"
