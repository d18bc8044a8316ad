#!/bin/bash
# ICMP errors about outer ESP packets (review issue #6, item 4): only an
# error that quotes one of rvti's outbound SAs between its tunnel's
# addresses may change the outer route's path MTU. Errors quoting an SPI
# nobody uses, an inbound SPI, or rvti's SPI towards another address are
# not rvti's (XFRM, next in the chain, has no state for them either), so
# the outer route keeps its MTU.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "rvti tunnel gw1 = gw4, outer IPv4" tunnel_up rvti rvti 4 gcm128 ||
	{ tunnel_down; topo_down; finish; }

# route_mtu NS DST: the MTU `ip route get` reports (empty: the device's).
route_mtu() { ip -n "$1" route get "$2" | grep -o 'mtu [0-9]*' | cut -d' ' -f2; }

# forged NAME SRC DST QSRC QDST SPI MTU ROUTE EXPECTED: an ICMP error from
# gw4's namespace to gw1; afterwards gw1's route to ROUTE has MTU EXPECTED.
forged() {
	local name=$1 route=$8 want=$9
	check "$name: send the ICMP error" icmp_err gw4 "${@:2:6}"
	nap 0.2
	check_eq "$name: gw1's route to $route has MTU '${want:-(device)}'" "$want" "$(route_mtu gw1 "$route")"
}
forged "IPv4, an SPI nobody uses" $GW4_OUT4 $GW1_OUT4 $GW1_OUT4 $GW4_OUT4 0x0badbad0 1000 $GW4_OUT4 ""
forged "IPv4, rvti's inbound SPI" $GW4_OUT4 $GW1_OUT4 $GW1_OUT4 $GW4_OUT4 "$SPI_41" 1000 $GW4_OUT4 ""
forged "IPv4, rvti's outbound SPI towards another address" $GW4_OUT4 $GW1_OUT4 \
	$GW1_OUT4 192.0.2.99 "$SPI_14" 1000 192.0.2.99 ""
forged "IPv4, rvti's outbound SPI between its tunnel's addresses" $GW4_OUT4 $GW1_OUT4 \
	$GW1_OUT4 $GW4_OUT4 "$SPI_14" 1000 $GW4_OUT4 1000
check "IPv4: traffic still passes" ping_ok host1 $HOST4_V4 2

tunnel_down
check "rvti tunnel gw1 = gw4, outer IPv6" tunnel_up rvti rvti 6 gcm128 ||
	{ tunnel_down; topo_down; finish; }
forged "IPv6, an SPI nobody uses" $GW4_OUT6 $GW1_OUT6 $GW1_OUT6 $GW4_OUT6 0x0badbad0 1300 $GW4_OUT6 ""
forged "IPv6, rvti's inbound SPI" $GW4_OUT6 $GW1_OUT6 $GW1_OUT6 $GW4_OUT6 "$SPI_41" 1300 $GW4_OUT6 ""
forged "IPv6, rvti's outbound SPI towards another address" $GW4_OUT6 $GW1_OUT6 \
	$GW1_OUT6 2001:db8:ffff::99 "$SPI_14" 1300 2001:db8:ffff::99 ""
forged "IPv6, rvti's outbound SPI between its tunnel's addresses" $GW4_OUT6 $GW1_OUT6 \
	$GW1_OUT6 $GW4_OUT6 "$SPI_14" 1300 $GW4_OUT6 1300
check "IPv6: traffic still passes" ping_ok host1 $HOST4_V4 2

tunnel_down
topo_down
rmmod rvti
finish
