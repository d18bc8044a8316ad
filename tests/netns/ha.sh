#!/bin/bash
# Two tunnels to one site (the brief's HA scenario): gw1 and gw4 are joined
# by rvti0 and rvti2, both labelled with the remote site, both holding its
# address spaces with routes. The tool installs one ECMP route per prefix
# (IPv4, and IPv6 through fe80::1 on each tunnel); traffic of both families
# crosses, and keeps crossing when the first tunnel goes down at both ends.
# Then failover inside the site: gw1's rvti0 loses its outbound SA (what a
# key manager does after dead peer detection); packets routed into it are
# carried by rvti2, the state, log and events say so, link-local packets
# and destinations outside rvti2's prefixes are not handed over, nothing
# goes when neither can send, and rvti0 takes its traffic back with a new
# SA; a sibling deleted meanwhile leaves nothing behind.
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

# ---- liveness and failover within the site --------------------------------
check_eq "gw1: both tunnels connected" "rvti0=connected rvti2=connected" "$(states gw1)"
check "-s show prints the state and the failover counter" \
	bash -c "$G1 rvti -s show dev rvti0 | grep -q 'state connected' &&
		 $G1 rvti -s show dev rvti0 | grep -q 'failover: 0 packets'"
mon_start gw1
# Every flow to host4 into rvti0, whatever the ECMP hash says.
$G1 ip route add $HOST4_V4/32 dev rvti0
$G1 ip -6 route add $HOST4_V6/128 via fe80::1 dev rvti0
check "pinned to rvti0: IPv4 crosses" ping_ok host1 $HOST4_V4

rvti_snap gw1
b0=$(snap gw1 rvti0 tun failover) b2=$(snap gw1 rvti2 out 0x14000102 packets)
l0=$(logged 'rvti0: not connected: no usable outbound SA')
check "gw1: rvti0 loses its outbound SA (dead peer detection)" \
	$G1 rvti sa del dev rvti0 dir out spi $SPI_14
check_eq "gw1: rvti0 no-out-sa, rvti2 connected" "rvti0=no-out-sa rvti2=connected" "$(states gw1)"
check_inc "the kernel log says rvti0 is not connected, and why" "$l0" \
	"$(logged 'rvti0: not connected: no usable outbound SA')"
check "the monitor saw the state change" \
	mon_wait gw1 '.event == "tunnel-change" and .dev == "rvti0" and .state == "no-out-sa"' 1
check "IPv4 into rvti0 crosses (rvti2 carries it)" ping_ok host1 $HOST4_V4 10
check "IPv6 into rvti0 crosses (rvti2 carries it)" ping_ok host1 $HOST4_V6 10
check "TCP into rvti0 crosses" tcp_xfer host1 $HOST4_V4
rvti_snap gw1
check_inc "rvti0 counted what it handed over" "$b0" "$(snap gw1 rvti0 tun failover)" 20
check_inc "rvti2's outbound SA carried it" "$b2" "$(snap gw1 rvti2 out 0x14000102 packets)" 20
check "an acquire for rvti0 still went to the key manager" \
	mon_wait gw1 '.event == "acquire" and .dev == "rvti0"' 1

# What only rvti0 may carry is not handed over.
b0=$(snap gw1 rvti0 tun failover) bn=$(snap gw1 rvti0 tun no_tx_sa)
check "link-local traffic of rvti0 is not handed over" \
	ping_fails gw1 fe80::1%rvti0 2
$G1 ip route add 10.99.0.0/16 dev rvti0
check "a destination outside rvti2's prefixes is not handed over" \
	ping_fails host1 10.99.0.1 2
rvti_snap gw1
check_eq "... nothing more handed over" "$b0" "$(snap gw1 rvti0 tun failover)"
check_inc "... both dropped and counted as no-tx-sa" "$bn" "$(snap gw1 rvti0 tun no_tx_sa)" 4

# An outbound SA whose sequence numbers ran out is as good as none: the
# packet that finds them spent is dropped (seq_exhausted), the next ones
# are handed over.
K0=$(suite_key gcm128)
check "gw1: rvti0 gets an outbound SA with one sequence number left" \
	$G1 rvti sa add dev rvti0 dir out spi 0x14000301 $(rvti_alg_args gcm128 "$K0") seq 0xfffffffe
check_eq "gw1: rvti0 connected with it" "rvti0=connected rvti2=connected" "$(states gw1)"
ping_fails host1 $HOST4_V4 2
check_eq "gw1: after two packets (the last number, then none): rvti0 no-out-sa" \
	"rvti0=no-out-sa rvti2=connected" "$(states gw1)"
rvti_snap gw1
b0=$(snap gw1 rvti0 tun failover)
check "IPv4 into rvti0 crosses again (rvti2 carries it)" ping_ok host1 $HOST4_V4 5
rvti_snap gw1
check_eq "the spent SA numbered nothing more: seq_exhausted 1" 1 \
	"$(snap gw1 rvti0 out 0x14000301 seq_exhausted)"
check_inc "rvti0 handed the rest over" "$b0" "$(snap gw1 rvti0 tun failover)" 5
check "gw1: the spent SA deleted" $G1 rvti sa del dev rvti0 dir out spi 0x14000301

# Neither can send: dropped, counted, nothing leaves in the clear.
check "gw1: rvti2 loses its outbound SA too" \
	$G1 rvti sa del dev rvti2 dir out spi 0x14000102
bn=$(snap gw1 rvti0 tun no_tx_sa)
check "with no tunnel of the site able to send, host4 is unreachable" \
	ping_fails host1 $HOST4_V4 2
rvti_snap gw1
check_inc "... and rvti0 counted the drops" "$bn" "$(snap gw1 rvti0 tun no_tx_sa)" 2

# rvti0 comes back (a new SA pair, as after a new IKE_SA): it takes its
# traffic again at once, and says so.
K0=$(suite_key gcm128) l0=$(logged 'rvti0: connected')
check "gw4: rvti0's new inbound SA" \
	$G4 rvti sa add dev rvti0 dir in spi 0x14000201 $(rvti_alg_args gcm128 "$K0")
check "gw1: rvti0's new outbound SA" \
	$G1 rvti sa add dev rvti0 dir out spi 0x14000201 $(rvti_alg_args gcm128 "$K0")
check_eq "gw1: rvti0 connected again" "rvti0=connected rvti2=no-out-sa" "$(states gw1)"
check_inc "the kernel log says rvti0 is connected" "$l0" "$(logged 'rvti0: connected')"
rvti_snap gw1
b0=$(snap gw1 rvti0 tun failover)
check "IPv4 crosses through rvti0 itself" ping_ok host1 $HOST4_V4 5
rvti_snap gw1
check_inc "... on its new SA" 0 "$(snap gw1 rvti0 out 0x14000201 packets)" 5
check_eq "... handing nothing over" "$b0" "$(snap gw1 rvti0 tun failover)"
check "the monitor saw rvti0 connected" \
	mon_wait gw1 '.event == "tunnel-change" and .dev == "rvti0" and .state == "connected"' 1
mon_stop gw1

# A sibling deleted while rvti0 could fail over to it leaves nothing behind.
check "gw1: rvti2 deleted" $G1 ip link del rvti2
check "gw1: rvti0 loses its outbound SA again" \
	$G1 rvti sa del dev rvti0 dir out spi 0x14000201
check "with no sibling left, nothing crosses" ping_fails host1 $HOST4_V4 2
check_eq "gw1: rvti0 no-out-sa" "rvti0=no-out-sa" "$(states gw1)"
$G1 ip link set rvti0 down
check_eq "gw1: rvti0 down" "rvti0=down" "$(states gw1)"

topo_down
finish
