#!/bin/bash
# Two tunnels to one site (the brief's HA scenario): gw1 and gw4 are joined
# by rvti0 and rvti2, both labelled with the remote site, both holding its
# address spaces with routes. The tool installs one ECMP route per prefix
# (IPv4, and IPv6 through fe80::1 on each tunnel); traffic of both families
# crosses, and keeps crossing when the first tunnel goes down at both ends.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
topo_up || { fail "topology"; topo_down; finish; }
tunnel_up rvti rvti 4 gcm128 >/dev/null 2>&1 || { fail "tunnel"; topo_down; finish; }
K1=$(suite_key gcm128) K4=$(suite_key gcm128)
gw_rvti_up gw1 rvti2 $GW1_OUT4 $GW4_OUT4 gcm128 0x14000102 "$K1" 0x41000102 "$K4" -- >/dev/null 2>&1 ||
	fail "second tunnel on gw1"
gw_rvti_up gw4 rvti2 $GW4_OUT4 $GW1_OUT4 gcm128 0x41000102 "$K4" 0x14000102 "$K1" -- >/dev/null 2>&1 ||
	fail "second tunnel on gw4"
# The routes tunnel_up added by hand make way for rvti's.
$G1 ip route del $SITE4_V4
$G1 ip -6 route del $SITE4_V6
$G4 ip route del $SITE1_V4
$G4 ip -6 route del $SITE1_V6

check "gw1: both tunnels lead to VNet4, with its address spaces and routes" $G1 rvti -b - <<EOF
tunnel set dev rvti0 site vnet4
tunnel set dev rvti2 site vnet4
prefix add dev rvti0 $SITE4_V4 route
prefix add dev rvti2 $SITE4_V4 route
prefix add dev rvti0 $SITE4_V6 route
prefix add dev rvti2 $SITE4_V6 route
EOF
check "gw4: the same towards VNet1" $G4 rvti -b - <<EOF
tunnel set dev rvti0 site vnet1
tunnel set dev rvti2 site vnet1
prefix add dev rvti0 $SITE1_V4 route
prefix add dev rvti2 $SITE1_V4 route
prefix add dev rvti0 $SITE1_V6 route
prefix add dev rvti2 $SITE1_V6 route
EOF

nexthops() {
	ip netns exec "$1" ip "$2" -j route show proto 86 "$3" |
		jq -r '[.[] | .nexthops // [{dev: .dev}] | .[] | .dev + (if (.flags // []) | index("dead") then "(dead)" else "" end)] | join(" ")'
}
check_eq "gw1: IPv4 ECMP route" "rvti0 rvti2" "$(nexthops gw1 -4 $SITE4_V4)"
check_eq "gw1: IPv6 ECMP route" "rvti0 rvti2" "$(nexthops gw1 -6 $SITE4_V6)"
check_eq "gw4: IPv4 ECMP route" "rvti0 rvti2" "$(nexthops gw4 -4 $SITE1_V4)"

check "IPv4 across the ECMP route" ping_ok host1 $HOST4_V4
check "IPv6 across the ECMP route (fe80::1 nexthops)" ping_ok host1 $HOST4_V6
check "TCP across" tcp_xfer host1 $HOST4_V4

# The first tunnel dies at both ends: its nexthops go dead, traffic stays.
rvti_snap gw1
before=$(snap gw1 rvti2 out 0x14000102 packets)
$G1 ip link set rvti0 down
$G4 ip link set rvti0 down
check_eq "rvti0 down: gw1's IPv4 nexthop is dead" "rvti0(dead) rvti2" "$(nexthops gw1 -4 $SITE4_V4)"
check "IPv4 still crosses (through rvti2)" ping_ok host1 $HOST4_V4
check "IPv6 still crosses (through rvti2)" ping_ok host1 $HOST4_V6
rvti_snap gw1
check_inc "rvti2 carried it" "$before" "$(snap gw1 rvti2 out 0x14000102 packets)" 6
$G1 ip link set rvti0 up
$G4 ip link set rvti0 up
check_eq "rvti0 up: both nexthops alive again" "rvti0 rvti2" "$(nexthops gw1 -4 $SITE4_V4)"
check "the show of gw1 names the site and both tunnels' prefixes" \
	bash -c "$G1 rvti show | grep -c 'site vnet4' | grep -qx 2"

topo_down
finish
