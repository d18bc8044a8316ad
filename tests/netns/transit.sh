#!/bin/bash
# Transit through a hub (the brief's multi-site hub): three sites, each a
# spoke with one rvti tunnel to the hub. A packet that comes in through one
# hub tunnel and leaves through another is forwarded only when both have
# transit on; otherwise it is dropped and counted on the outgoing tunnel.
#
#   s1 10.1.0.1 ==t1==\
#   s2 10.2.0.1 ==t2=== hub (forwarding)
#   s3 10.3.0.1 ==t3==/
# Outer: hub wanN 192.0.2.(4N+1)/30 -- spoke wan0 192.0.2.(4N+2)/30.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
ns_add hub forward || { fail "hub namespace"; finish; }
HUB="ip netns exec hub"
for n in 1 2 3; do
	ns_add s$n || { fail "spoke $n"; topo_down; finish; }
	hub_out=192.0.2.$((4 * n + 1)) spoke_out=192.0.2.$((4 * n + 2))
	ip -n hub link add wan$n type veth peer name wan0 netns s$n
	ip -n hub addr add $hub_out/30 dev wan$n
	ip -n hub link set wan$n up
	ip -n s$n addr add $spoke_out/30 dev wan0
	ip -n s$n link set wan0 up
	ip -n s$n addr add 10.$n.0.1/16 dev lo
	k1=$(suite_key gcm128) k2=$(suite_key gcm128)
	gw_rvti_up hub t$n $hub_out $spoke_out gcm128 $((0x100 + n)) "$k1" $((0x200 + n)) "$k2" \
		-- 10.$n.0.0/16 >/dev/null 2>&1 || fail "hub tunnel t$n"
	# Every other site is behind the hub.
	gw_rvti_up s$n rvti0 $spoke_out $hub_out gcm128 $((0x200 + n)) "$k2" $((0x100 + n)) "$k1" \
		-- 10.0.0.0/8 >/dev/null 2>&1 || fail "spoke tunnel $n"
done

transit_drops() { $HUB rvti -j show dev "$1" | jq '.[0].stats.transit'; }
spoke_ping() { ip netns exec "s$1" ping -c 2 -i 0.02 -W 1 -q -I "10.$1.0.1" "10.$2.0.1" >/dev/null 2>&1; }

# The hub's own address, which the spokes route into their tunnel.
ip -n hub addr add 10.0.0.1/32 dev lo
check "the hub reaches every site" bash -c \
	"for n in 1 2 3; do $HUB ping -c 1 -W 2 -q -I 10.0.0.1 10.\$n.0.1 >/dev/null || exit 1; done"
check_eq "transit is off by default" "false false false" \
	"$($HUB rvti -j show | jq -r '[.[] | .transit] | join(" ")')"

b2=$(transit_drops t2)
check "off/off: site 1 does not reach site 2" not spoke_ping 1 2
check_delta "off/off: dropped and counted on the outgoing tunnel t2" "$b2" "$(transit_drops t2)" 2

check "transit on for t1" $HUB rvti tunnel set dev t1 transit on
b2=$(transit_drops t2) b1=$(transit_drops t1)
check "on/off: site 1 does not reach site 2" not spoke_ping 1 2
check_delta "on/off: counted on t2" "$b2" "$(transit_drops t2)" 2
check_delta "on/off: nothing counted on t1 (nothing left through it)" "$b1" "$(transit_drops t1)" 0

check "transit on for t2" $HUB rvti tunnel set dev t2 transit on
b2=$(transit_drops t2)
check "on/on: site 1 reaches site 2" spoke_ping 1 2
check "on/on: site 2 reaches site 1" spoke_ping 2 1
check_delta "on/on: no transit drop" "$b2" "$(transit_drops t2)" 0

b3=$(transit_drops t3)
check "on/off: site 1 does not reach site 3" not spoke_ping 1 3
check_delta "on/off: counted on t3" "$b3" "$(transit_drops t3)" 2
b1=$(transit_drops t1)
check "off/on: site 3 does not reach site 1" not spoke_ping 3 1
check_delta "off/on: counted on the outgoing t1" "$b1" "$(transit_drops t1)" 2

check "transit off again for t2" $HUB rvti tunnel set dev t2 transit off
check "site 1 no longer reaches site 2" not spoke_ping 1 2
check "the hub still reaches site 2 (local traffic is no transit)" \
	$HUB ping -c 1 -W 2 -q -I 10.0.0.1 10.2.0.1
check "-s show names the transit counter" bash -c "$HUB rvti -s show dev t2 | grep -Eq 'transit [1-9]'"

topo_down
finish
