#!/bin/bash
# MOBIKE (RFC 4555) with kernel-rvti on gw1: gw1 loses the outer address
# its IKE_SA and CHILD_SA run on (a branch whose uplink address changes),
# charon moves them to its other address with an UPDATE_SA_ADDRESSES
# exchange, and gw1's rvti42 takes the new local address while its SAs
# stay (same SPIs, no new CHILD_SA) and traffic flows again. The peer gw4
# is stock charon with an XFRM interface (peer=xfrm, the default: its
# states move to the new address) or kernel-rvti (peer=rvti: its rvti42
# takes the new remote).
#   host1 - gw1 [rvti42] 192.0.2.1, then 192.0.2.11 == 192.0.2.2 gw4 - host4
#
# Run: tests/kernel/run.sh tests/ike/mobike.sh [peer=rvti]
# Needs tests/ike/strongswan-src.sh and make -C userspace/charon install.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/strongswan.sh"

PSK='Sh0rt-example-key'
GW1_NEW=192.0.2.11
ike_peer_arg "$@"

# endpoints NS: "LOCAL REMOTE" of NS's rvti42.
endpoints() {
	ip netns exec "$1" rvti -j show dev rvti42 | jq -r '.[0] | "\(.local) \(.remote)"'
}
# wait_endpoints NS EXPECTED: until endpoints NS says EXPECTED (30 s).
wait_endpoints() { wait_eq "$2" 30 endpoints "$1"; }
# spis NS: NS's SAs, "dir:spi" (rvti42) or "src>dst:spi" (XFRM), sorted.
spis() {
	if [ "$1" = gw4 ] && [ $peer = xfrm ]; then
		ip -n gw4 xfrm state |
			awk '$1 == "src" { a = $2 ">" $4 } $1 == "proto" { print a ":" $4 }' |
			sort | paste -sd ' '
	else
		ip netns exec "$1" rvti -j sa list dev rvti42 |
			jq -r '[.[] | (.sas // [.])[] | "\(.dir):\(.spi)"] | sort | join(" ")'
	fi
}

cleanup() {
	charon_stop_all
	topo_down
}

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { cleanup; finish; }
# The second address must outlive the first: a secondary address goes
# with its primary unless promoted.
check "gw1: a second outer address $GW1_NEW" bash -c "
	ip netns exec gw1 sysctl -qw net.ipv4.conf.wan0.promote_secondaries=1 &&
	ip -n gw1 addr add $GW1_NEW/24 dev wan0"
# IPv4 only outside: MOBIKE would otherwise as well move to the outer
# IPv6 addresses gw4 announces (rvti follows there too, but the test is
# about the address gw1 moves to).
check "no outer IPv6 on gw1 and gw4" bash -c "
	ip netns exec gw1 sysctl -qw net.ipv6.conf.wan0.disable_ipv6=1 &&
	ip netns exec gw4 sysctl -qw net.ipv6.conf.wan0.disable_ipv6=1"
check "gw1: rvti42 $GW1_OUT4 -> $GW4_OUT4, routes to site 4" \
	ike_gw_rvti gw1 42 $GW1_OUT4 $GW4_OUT4 $SITE4_V4 $SITE4_V6
check "gw1: strongswan.conf (kernel-rvti)" ss_conf gw1 rvti
if [ $peer = xfrm ]; then
	check "gw4: xfrm interface ipsec0 (if_id 42) and routes" \
		ike_gw_xfrm gw4 42 $SITE1_V4 $SITE1_V6
	check "gw4: strongswan.conf (kernel-netlink)" ss_conf gw4 netlink
else
	check "gw4: rvti42 $GW4_OUT4 -> $GW1_OUT4, routes to site 1" \
		ike_gw_rvti gw4 42 $GW4_OUT4 $GW1_OUT4 $SITE1_V4 $SITE1_V6
	check "gw4: strongswan.conf (kernel-rvti)" ss_conf gw4 rvti
fi
IFID=42
IKE_PROPOSALS=aes128gcm16-prfsha256-ecp256
# gw1 may use any of its addresses; gw4 takes gw1 from wherever it comes,
# by its identity. MOBIKE is on by default in IKEv2.
LOCAL_ID=$GW1_OUT4 swanctl_conf gw1 %any $GW4_OUT4 aes256gcm16-ecp256
REMOTE_ID=$GW1_OUT4 swanctl_conf gw4 $GW4_OUT4 %any aes256gcm16-ecp256

if ! { check "charon on gw1 (kernel-rvti)" charon_start gw1 &&
       check "charon on gw4 ($peer)" charon_start gw4 &&
       check "swanctl --load-all on gw1" swanctl_in gw1 --load-all &&
       check "swanctl --load-all on gw4" swanctl_in gw4 --load-all &&
       check "gw1 initiates" swanctl_in gw1 --initiate --child vnet --timeout 60; }; then
	ss_log gw1
	cleanup
	finish
fi
check "ping host1 -> host4 through the tunnel" ping_ok host1 $HOST4_V4 3
check "... and over IPv6 inside" ping_ok host1 $HOST4_V6 3
check "the IKE_SA negotiated MOBIKE" grep -q 'MOBIKE' "$(ss_dir gw1)/charon.log"
s1=$(spis gw1) s4=$(spis gw4)
echo "# SAs: gw1 $s1, gw4 $s4"

# gw1's uplink address goes away.
check "gw1: $GW1_OUT4 removed" ip -n gw1 addr del $GW1_OUT4/24 dev wan0
check "gw1: rvti42 moved to $GW1_NEW (kernel-rvti, from charon's update)" \
	wait_endpoints gw1 "$GW1_NEW $GW4_OUT4"
check "gw1: charon moved the SAs by an address update (MOBIKE)" \
	grep -q "kernel-rvti: SA .* moved from .*$GW1_OUT4.* rvti42's endpoints follow" \
	"$(ss_dir gw1)/charon.log"
if [ $peer = rvti ]; then
	check "gw4: rvti42's remote followed to $GW1_NEW" \
		wait_endpoints gw4 "$GW4_OUT4 $GW1_NEW"
	check_eq "gw4: the same SAs, not new ones" "$s4" "$(spis gw4)"
else
	check_eq "gw4: the same XFRM states, moved to $GW1_NEW" \
		"${s4//$GW1_OUT4/$GW1_NEW}" "$(spis gw4)"
fi
check_eq "gw1: the same SAs, not new ones" "$s1" "$(spis gw1)"
a1=$(out_packets gw1 rvti42) a4=$( [ $peer = rvti ] && out_packets gw4 rvti42)
check "ping host1 -> host4 again" ping_ok host1 $HOST4_V4 5
check "... IPv6 inside" ping_ok host1 $HOST4_V6 3
check "... TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
check_inc "gw1: its outbound SA carried it" "$a1" "$(out_packets gw1 rvti42)" 5
[ $peer = rvti ] &&
	check_inc "gw4: its outbound SA carried the replies" "$a4" "$(out_packets gw4 rvti42)" 5
check "gw4: the replies go to $GW1_NEW" bash -c "
	ip netns exec gw1 timeout 5 tcpdump -c 1 -ni wan0 'esp and src $GW4_OUT4 and dst $GW1_NEW' \
		>/dev/null 2>&1 &
	sleep 1; ip netns exec host1 ping -c 2 -i 0.2 -W 1 -q $HOST4_V4 >/dev/null; wait \$!"

cleanup
finish
