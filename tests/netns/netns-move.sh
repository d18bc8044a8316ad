#!/bin/bash
# A tunnel device created in the gateway's namespace and moved into another
# one (as with WireGuard or xfrm interfaces): inner traffic lives in the new
# namespace, the outer ESP is still routed and received in the namespace of
# creation, whose veth is the only way out.
. "$(dirname "$0")/../lib/guest.sh"

load_rvti
for ns in out1 out4 in1; do ip netns add $ns; ip -n $ns link set lo up; done
ip -n out1 link add wan type veth peer name wan netns out4
ip -n out1 addr add 203.0.113.1/24 dev wan
ip -n out4 addr add 203.0.113.4/24 dev wan
ip -n out1 link set wan up
ip -n out4 link set wan up

K=0x0102030405060708090a0b0c0d0e0f1011121314
check "create rvti0 in out1 and move it into in1" \
	bash -c "ip -n out1 link add rvti0 type rvti && ip -n out1 link set rvti0 netns in1"
check "configure it from in1" \
	bash -c "ip netns exec in1 rvti tunnel set dev rvti0 local 203.0.113.1 remote 203.0.113.4 &&
		 ip netns exec in1 rvti sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key $K &&
		 ip netns exec in1 rvti sa add dev rvti0 dir in spi 0x2000 aead aes-gcm key $K"
ip -n in1 addr add 10.1.0.1/32 dev rvti0
ip -n in1 link set rvti0 up
ip -n in1 route add 10.41.0.0/16 dev rvti0

ip -n out4 link add rvti0 type rvti
ip netns exec out4 rvti tunnel set dev rvti0 local 203.0.113.4 remote 203.0.113.1
ip netns exec out4 rvti sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key $K
ip netns exec out4 rvti sa add dev rvti0 dir out spi 0x2000 aead aes-gcm key $K
ip -n out4 addr add 10.41.0.1/32 dev rvti0
ip -n out4 link set rvti0 up
ip -n out4 route add 10.1.0.0/16 dev rvti0

check_eq "in1 has no route to the outer network" "" \
	"$(ip -n in1 route get 203.0.113.4 2>/dev/null)"
check "ping from in1 through the moved device" \
	ip netns exec in1 ping -c 3 -i 0.3 -W 2 -I 10.1.0.1 10.41.0.1
check_eq "the ESP was received in out1, the namespace of creation" true \
	"$(ip netns exec in1 rvti -j show | jq '.[0].sas[] | select(.dir == "in") | .stats.packets >= 3')"
check "the inbound SPI belongs to out1's table: a second device there, to the same peer, cannot take it" \
	bash -c "ip -n out1 link add rvti1 type rvti &&
		 ip netns exec out1 rvti tunnel set dev rvti1 local 203.0.113.1 remote 203.0.113.4 &&
		 ip netns exec out1 rvti sa add dev rvti1 dir in spi 0x2000 aead aes-gcm key $K 2>&1 |
		 grep -q 'another rvti tunnel with the same outer addresses'"
# The netns goes in a work item: wait (at most 30 s) for the device to go.
rvti0_gone() { ! ip -n in1 link show rvti0 2>/dev/null; }
check "deleting out1 removes the moved device" \
	eval 'ip netns del out1 && wait_until 30 rvti0_gone'

for ns in out4 in1; do ip netns del $ns; done
rmmod rvti
finish
