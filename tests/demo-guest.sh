#!/bin/bash
# The demo's payload, inside the test kernel. Two sites, each a host behind
# a gateway; the gateways are joined by one route-based rvti tunnel.
#
#   h1 10.1.0.10 -- gw1 [rvti0] 192.0.2.1 ==ESP== 192.0.2.2 [rvti0] gw4 -- h4 10.41.0.10
#      (VNet1 10.1.0.0/16)                                        (VNet4 10.41.0.0/16)
. "$(dirname "$0")/lib/guest.sh"
set -e
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { echo "$ $*"; "$@"; }

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

say "gateway 1 (VNet1 10.1.0.0/16): a tunnel to gateway 4"
G1="ip netns exec gw1"
run $G1 ip link add rvti0 type rvti
run $G1 rvti tunnel set dev rvti0 local 192.0.2.1 remote 192.0.2.2
run $G1 rvti sa add dev rvti0 dir out spi 0x1004 aead 'rfc4106(gcm(aes))' key "$KEY1" icv 128
run $G1 rvti sa add dev rvti0 dir in spi 0x4001 aead 'rfc4106(gcm(aes))' key "$KEY4" icv 128
run $G1 ip link set rvti0 up
run $G1 ip route add 10.41.0.0/16 dev rvti0

say "gateway 4 (VNet4 10.41.0.0/16): the same, mirrored"
G4="ip netns exec gw4"
run $G4 ip link add rvti0 type rvti
run $G4 rvti tunnel set dev rvti0 local 192.0.2.2 remote 192.0.2.1
run $G4 rvti sa add dev rvti0 dir out spi 0x4001 aead 'rfc4106(gcm(aes))' key "$KEY4" icv 128
run $G4 rvti sa add dev rvti0 dir in spi 0x1004 aead 'rfc4106(gcm(aes))' key "$KEY1" icv 128
run $G4 ip link set rvti0 up
run $G4 ip route add 10.1.0.0/16 dev rvti0

say "host 10.1.0.10 pings host 10.41.0.10 across the tunnel"
run ip netns exec h1 ping -c 3 -i 0.3 10.41.0.10

say "a TCP transfer from VNet1 to VNet4 (iperf3, 4 MB)"
ip netns exec h4 iperf3 -s -D -1 >/dev/null
sleep 0.5
ip netns exec h1 iperf3 -c 10.41.0.10 -n 4M | grep -E 'sender|receiver'

say "the tunnel on gateway 1, with counters"
run $G1 rvti -s show
say "the same as JSON"
run $G1 rvti -j -p show dev rvti0

ip netns exec h4 pkill iperf3 2>/dev/null || true
for ns in h1 gw1 gw4 h4; do ip netns del $ns; done
rmmod rvti
echo
echo "demo finished"
