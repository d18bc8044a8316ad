#!/bin/bash
# The demo's payload, inside the test kernel: the product brief's
# VNet-to-VNet scenario. Two sites, each a host behind a gateway; the
# gateways are joined by one route-based rvti tunnel, and each knows the
# other site's address space as the tunnel's prefixes, with routes.
#
#   h1 10.1.0.10 -- gw1 [rvti0] 192.0.2.1 ==ESP== 192.0.2.2 [rvti0] gw4 -- h4 10.41.0.10
#      (VNet1 10.1.0.0/16)                                        (VNet4 10.41.0.0/16)
#
# Every step that matters is checked: "ok - WHAT" or "not ok - WHAT". The
# exit status is 0 only when every check passed; the last line says which.
. "$(dirname "$0")/lib/guest.sh"
. "$(dirname "$0")/lib/demo.sh"

load_rvti
for ns in h1 gw1 gw4 h4; do ip netns add $ns; ip -n $ns link set lo up; done
ip -n h1 link add eth0 type veth peer name lan netns gw1
ip -n h4 link add eth0 type veth peer name lan netns gw4
ip -n gw1 link add wan type veth peer name wan netns gw4
ip -n h1 addr add 10.1.0.10/24 dev eth0
ip -n h4 addr add 10.41.0.10/24 dev eth0
ip -n gw1 addr add 10.1.0.1/24 dev lan
ip -n gw4 addr add 10.41.0.1/24 dev lan
ip -n gw1 addr add 192.0.2.1/24 dev wan
ip -n gw4 addr add 192.0.2.2/24 dev wan
for l in "h1 eth0" "h4 eth0" "gw1 lan" "gw4 lan" "gw1 wan" "gw4 wan"; do
	set -- $l; ip -n $1 link set $2 up
done
ip -n h1 route add default via 10.1.0.1
ip -n h4 route add default via 10.41.0.1
for gw in gw1 gw4; do ip netns exec $gw sysctl -qw net.ipv4.ip_forward=1; done

# AES-256-GCM keys with their 4-byte salt, one per direction. Keys are read
# from files so that they never show in the process list.
od -An -tx1 -N36 /dev/urandom | tr -d ' \n' >/tmp/1to4.key
od -An -tx1 -N36 /dev/urandom | tr -d ' \n' >/tmp/4to1.key
KEY1=@/tmp/1to4.key
KEY4=@/tmp/4to1.key
G1="ip netns exec gw1"
G4="ip netns exec gw4"

say "gateway 1 (VNet1 10.1.0.0/16): a tunnel to gateway 4, whose site is VNet4 10.41.0.0/16"
step "gw1: tunnel created" $G1 ip link add rvti0 type rvti
step "gw1: outer endpoints set" $G1 rvti tunnel set dev rvti0 local 192.0.2.1 remote 192.0.2.2
step "gw1: outbound SA added" $G1 rvti sa add dev rvti0 dir out spi 0x1004 aead 'rfc4106(gcm(aes))' key "$KEY1" icv 128
step "gw1: inbound SA added" $G1 rvti sa add dev rvti0 dir in spi 0x4001 aead 'rfc4106(gcm(aes))' key "$KEY4" icv 128
step "gw1: tunnel up" $G1 ip link set rvti0 up
step "gw1: VNet4's address space as the tunnel's prefix, with its route" \
	$G1 rvti prefix add dev rvti0 10.41.0.0/16 route

say "gateway 4 (VNet4 10.41.0.0/16): the same, mirrored"
step "gw4: tunnel created" $G4 ip link add rvti0 type rvti
step "gw4: outer endpoints set" $G4 rvti tunnel set dev rvti0 local 192.0.2.2 remote 192.0.2.1
step "gw4: outbound SA added" $G4 rvti sa add dev rvti0 dir out spi 0x4001 aead 'rfc4106(gcm(aes))' key "$KEY4" icv 128
step "gw4: inbound SA added" $G4 rvti sa add dev rvti0 dir in spi 0x1004 aead 'rfc4106(gcm(aes))' key "$KEY1" icv 128
step "gw4: tunnel up" $G4 ip link set rvti0 up
step "gw4: VNet1's address space as the tunnel's prefix, with its route" \
	$G4 rvti prefix add dev rvti0 10.1.0.0/16 route

say "the routes rvti installed (route protocol 86)"
expect "gw1 routes VNet4 into the tunnel" "10.41.0.0/16 dev rvti0 scope link" \
	"$($G1 ip route show proto 86 | sed 's/ *$//')"
expect "gw4 routes VNet1 into the tunnel" "10.1.0.0/16 dev rvti0 scope link" \
	"$($G4 ip route show proto 86 | sed 's/ *$//')"
$G1 ip route show proto 86 | sed 's/^/  gw1: /'
$G4 ip route show proto 86 | sed 's/^/  gw4: /'

say "host 10.1.0.10 pings host 10.41.0.10 across the tunnel"
step "ping from VNet1 to VNet4" ip netns exec h1 ping -c 3 -i 0.3 -W 2 10.41.0.10

say "a TCP transfer from VNet1 to VNet4 (iperf3, 4 MB)"
ip netns exec h4 iperf3 -s -D -1 -I /tmp/iperf3.pid >/dev/null
for _ in $(seq 50); do
	ip netns exec h4 ss -ltn 2>/dev/null | grep -q ':5201 ' && break
	sleep 0.1
done
nchecks=$((nchecks + 1))
if xfer=$(ip netns exec h1 timeout 60 iperf3 -c 10.41.0.10 -n 4M 2>&1); then
	grep -E 'sender|receiver' <<<"$xfer" | sed 's/^/  /'
	pass "TCP transfer of 4 MB from VNet1 to VNet4"
else
	sed 's/^/  /' <<<"$xfer"
	fail "TCP transfer of 4 MB from VNet1 to VNet4"
fi

say "status of both gateways: connected or not, SAs with data in and out, drops"
run $G1 ip -br link show dev rvti0
run $G4 ip -br link show dev rvti0
run $G1 rvti -s show
run $G4 rvti -s show
expect "both gateways: the connection is connected" "connected connected" \
	"$($G1 rvti -j show dev rvti0 | jq -r '.[0].state') $($G4 rvti -j show dev rvti0 | jq -r '.[0].state')"
sa_packets() { $1 rvti -j show dev rvti0 | jq ".[0].sas[] | select(.dir == \"$2\") | .stats.packets"; }
nchecks=$((nchecks + 1))
if [ "$(sa_packets "$G1" out)" -gt 0 ] && [ "$(sa_packets "$G1" in)" -gt 0 ] &&
   [ "$(sa_packets "$G4" out)" -gt 0 ] && [ "$(sa_packets "$G4" in)" -gt 0 ]; then
	pass "data went in and out on both gateways"
else
	fail "data went in and out on both gateways"
fi

say "an operator mistake: a second tunnel on gateway 1 given part of VNet4"
step "gw1: a second tunnel, to another site" $G1 ip link add rvti1 type rvti
refused "the overlapping address space is refused, naming rvti0's 10.41.0.0/16" \
	'it overlaps 10.41.0.0/16 of tunnel rvti0' \
	$G1 rvti prefix add dev rvti1 10.41.128.0/17 route
expect "nothing changed: rvti1 has no prefix" "" "$($G1 rvti prefix list dev rvti1)"

say "a packet from outside VNet4's address space arrives at gateway 1"
echo "  gw4 sends from 10.77.0.1, an address outside 10.41.0.0/16, through the tunnel:"
$G4 ip addr add 10.77.0.1/32 dev lo
drops() { $G1 rvti -j show dev rvti0 | jq '.[0].stats.selector_in'; }
before=$(drops)
refused "no answer from outside the site's address space" '0 received|100% packet loss' \
	$G4 ping -c 2 -i 0.3 -W 1 -I 10.77.0.1 10.1.0.10
expect "gw1 dropped both and counted them (selector-in)" 2 $(($(drops) - before))
run $G1 rvti -s show dev rvti0

kill "$(cat /tmp/iperf3.pid 2>/dev/null)" 2>/dev/null
for ns in h1 gw1 gw4 h4; do ip netns del $ns; done
rmmod rvti

echo
if [ "$_failed" = 0 ]; then
	echo "demo: all $nchecks checks passed"
else
	echo "demo: FAILED (see the \"not ok\" lines above)"
fi
finish
