#!/usr/bin/env bash
# `make demo`: the VNet-to-VNet scenario of the product brief in the UML
# test kernel. Builds what it needs on first use (the test kernel takes
# about 7 minutes once per machine), then shows two sites joined by an
# rvti tunnel: configuration with address spaces and routes, a ping and a
# TCP transfer across, counters, an overlapping address space refused and
# a packet from outside the site's space dropped. Exits 0 only when all of
# it happened as described; the last line says which.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
. "$here/kernel/lib.sh"

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 jq \
	iproute2 iputils-ping iperf3 kmod
tree=$("$here/kernel/build.sh" | tail -1)
make -C "$repo" -s ARCH=um KDIR="$tree" UBSAN_SANITIZE=y kmod >/dev/null
make -C "$repo/userspace" -s >/dev/null
rc=0
"$here/kernel/run.sh" "$here/demo-guest.sh" || rc=$?
echo
if [ "$rc" = 0 ]; then
	echo "make demo: succeeded"
else
	echo "make demo: FAILED (exit $rc)"
fi
exit "$rc"
