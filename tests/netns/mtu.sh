#!/bin/bash
# Path MTU behind the tunnel: a router between the gateways has a 1400-byte
# link (as AWS/Azure paths do). ICMP from it shrinks the outer path MTU;
# rvti then answers inner senders with fragmentation-needed / packet-too-big
# carrying the inner MTU, and fragments IPv4 without DF before encryption,
# so the far gateway never has to reassemble outer packets. Then the same
# for ESP in UDP, whose ICMP errors go to the UDP port's socket.
#
#   gw1 [rvti0 10.1.0.1] 192.0.2.1 -- r (mtu 1400 towards gw4) -- 198.51.100.1 gw4 [rvti0] -- h4 10.41.0.10
. "$(dirname "$0")/../lib/guest.sh"

load_rvti
for ns in gw1 r gw4 h4; do ip netns add $ns; ip -n $ns link set lo up; done
ip -n gw1 link add wan type veth peer name to1 netns r
ip -n gw4 link add wan type veth peer name to4 netns r
ip -n h4 link add eth0 type veth peer name lan netns gw4
ip -n gw1 addr add 192.0.2.1/24 dev wan
ip -n r addr add 192.0.2.254/24 dev to1
ip -n r addr add 198.51.100.254/24 dev to4
ip -n gw4 addr add 198.51.100.1/24 dev wan
ip -n gw1 addr add 2001:db8:a::1/64 dev wan nodad
ip -n r addr add 2001:db8:a::fe/64 dev to1 nodad
ip -n r addr add 2001:db8:b::fe/64 dev to4 nodad
ip -n gw4 addr add 2001:db8:b::1/64 dev wan nodad
ip -n r link set to4 mtu 1400
ip -n gw4 link set wan mtu 1400
ip -n gw4 addr add 10.41.0.1/24 dev lan
ip -n h4 addr add 10.41.0.10/24 dev eth0
ip -n gw4 addr add 2001:db8:41::1/64 dev lan nodad
ip -n h4 addr add 2001:db8:41::10/64 dev eth0 nodad
for l in "gw1 wan" "r to1" "r to4" "gw4 wan" "gw4 lan" "h4 eth0"; do set -- $l; ip -n $1 link set $2 up; done
ip -n gw1 route add 198.51.100.0/24 via 192.0.2.254
ip -n gw4 route add 192.0.2.0/24 via 198.51.100.254
ip -n h4 route add default via 10.41.0.1
ip -n h4 -6 route add default via 2001:db8:41::1
for ns in r gw4; do
	ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done

K=0x0102030405060708090a0b0c0d0e0f1011121314
for gw in gw1 gw4; do ip -n $gw link add rvti0 type rvti; done
ip netns exec gw1 rvti tunnel set dev rvti0 local 192.0.2.1 remote 198.51.100.1
ip netns exec gw4 rvti tunnel set dev rvti0 local 198.51.100.1 remote 192.0.2.1
ip netns exec gw1 rvti sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key $K
ip netns exec gw1 rvti sa add dev rvti0 dir in spi 0x2000 aead aes-gcm key $K
ip netns exec gw4 rvti sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key $K
ip netns exec gw4 rvti sa add dev rvti0 dir out spi 0x2000 aead aes-gcm key $K
# Up only now: the kernel's own IPv6 traffic would otherwise meet no SA.
for gw in gw1 gw4; do ip -n $gw link set rvti0 up; done
ip -n gw1 addr add 10.1.0.1/32 dev rvti0
ip -n gw1 addr add 2001:db8:1::1/128 dev rvti0 nodad
ip -n gw1 route add 10.41.0.0/16 dev rvti0
ip -n gw1 route add 2001:db8:41::/48 dev rvti0
ip -n gw4 route add 10.1.0.0/16 dev rvti0
ip -n gw4 route add 2001:db8:1::/48 dev rvti0
G1="ip netns exec gw1"

# learns_mtu TAG SIZE MTU: a ping with DF and SIZE bytes of payload from
# 10.1.0.1 to h4 is answered with "fragmentation needed" and the inner MTU
# MTU (the first probe may be lost at the router, whose ICMP teaches gw1
# the path MTU; later ones are answered by rvti), and a packet of exactly
# MTU bytes then passes.
learns_mtu() {
	$G1 ping -c 4 -i 0.3 -W 1 -M do -s "$2" -I 10.1.0.1 10.41.0.10 >/tmp/ping.out 2>&1
	sed 's/^/# /' /tmp/ping.out
	check "$1: the sender learns the inner MTU $3" grep -Eq "mtu ?= ?$3" /tmp/ping.out
	check "$1: a packet of exactly that MTU passes" \
		$G1 ping -c 2 -W 2 -M do -s $(($3 - 28)) -I 10.1.0.1 10.41.0.10
}

check "small packets pass" $G1 ping -c 2 -W 2 -I 10.1.0.1 10.41.0.10
# 1350 bytes of ICMP payload: 1378 inner bytes fit the device MTU (1379) but
# not the 1400-byte hop after ESP. The inner MTU: 1400 - 20 - 8 - 8 - 16, to
# 4 bytes, - 2 = 1346.
learns_mtu "IPv4 with DF" 1350 1346
check_eq "the inner route learned the MTU" 1346 \
	"$($G1 ip route get 10.41.0.10 from 10.1.0.1 | grep -o 'mtu [0-9]*' | cut -d' ' -f2)"

reasm() { ip netns exec gw4 awk '/^Ip: [0-9]/ { print $(NF-4) }' /proc/net/snmp; }
before=$(reasm)
check "IPv4 without DF: large packets pass" \
	$G1 ping -c 3 -i 0.3 -W 2 -M dont -s 1350 -I 10.1.0.1 10.41.0.10
check_eq "they were fragmented before encryption: gw4 reassembled no outer packet" \
	"$before" "$(reasm)"

$G1 ping -6 -c 4 -i 0.3 -W 1 -s 1350 -I 2001:db8:1::1 2001:db8:41::10 >/tmp/ping6.out 2>&1
sed 's/^/# /' /tmp/ping6.out
check "IPv6: the sender learns the inner MTU from packet-too-big" \
	grep -Eq 'mtu ?= ?1346' /tmp/ping6.out
check "IPv6: a packet of that MTU passes" \
	$G1 ping -6 -c 2 -W 2 -s $((1346 - 48)) -I 2001:db8:1::1 2001:db8:41::10
check_eq "no packet was dropped for lack of an SA" 0 \
	"$($G1 rvti -j show | jq '.[0].stats.no_tx_sa')"

# The same over an IPv6 outer path: ICMPv6 packet-too-big from the router
# shrinks it, the inner MTU is 1400 - 40 - 8 - 8 - 16, to 4 bytes, - 2.
ip -n gw1 -6 route add 2001:db8:b::/64 via 2001:db8:a::fe
ip -n gw4 -6 route add 2001:db8:a::/64 via 2001:db8:b::fe
check "switch the tunnel to IPv6 outer" bash -c "
	$G1 rvti tunnel set dev rvti0 local 2001:db8:a::1 remote 2001:db8:b::1 &&
	ip netns exec gw4 rvti tunnel set dev rvti0 local 2001:db8:b::1 remote 2001:db8:a::1"
check "IPv6 outer: small packets pass" $G1 ping -c 2 -W 2 -I 10.1.0.1 10.41.0.10
# 1310 + 28 = 1338 bytes: below the MTU learned over IPv4, above the new one.
learns_mtu "IPv6 outer" 1310 1326
check "back to IPv4 outer" bash -c "
	$G1 rvti tunnel set dev rvti0 local 192.0.2.1 remote 198.51.100.1 &&
	ip netns exec gw4 rvti tunnel set dev rvti0 local 198.51.100.1 remote 192.0.2.1"

# Outer header settings, as seen on the wire at the router: the ESP packet
# of the ping (84 bytes inside, 154 on the wire), not a smaller one the
# tunnel carried meanwhile (an IPv6 router solicitation of the tunnel's
# own, 118 bytes on the wire, once failed the ECN check).
outer_hdr() {
	ip netns exec r timeout 5 tcpdump -c 1 -nvi to1 'esp and greater 140' 2>/dev/null >/tmp/cap &
	sleep 1
	$G1 ping -c 1 -W 1 "$@" -I 10.1.0.1 10.41.0.10 >/dev/null 2>&1
	wait
	head -1 /tmp/cap
}
check "tunnel set ttl 33 df set" $G1 rvti tunnel set dev rvti0 ttl 33 df set
hdr=$(outer_hdr)
echo "# $hdr"
check "outer TTL 33" grep -q 'ttl 33,' <<<"$hdr"
check "outer DF set" grep -q 'flags \[DF\]' <<<"$hdr"
check_eq "ttl and df read back" "33 set" "$($G1 rvti -j show | jq -r '.[0] | "\(.ttl) \(.df)"')"
check "tunnel set ttl inherit df clear" $G1 rvti tunnel set dev rvti0 ttl inherit df clear
hdr=$(outer_hdr)
echo "# $hdr"
check "outer TTL back to the route default (64)" grep -q 'ttl 64,' <<<"$hdr"
check "outer DF clear although ping sets DF" grep -q 'flags \[none\]' <<<"$hdr"
hdr=$(outer_hdr -Q 0xba)
echo "# $hdr"
check "outer DSCP copied from the inner packet (EF), ECN ECT(0) kept" grep -q 'tos 0xba,' <<<"$hdr"
hdr=$(outer_hdr -Q 0xbb)
echo "# $hdr"
check "inner ECN CE becomes ECT(0) outside (RFC 6040)" grep -q 'tos 0xba,' <<<"$hdr"
# ESP in UDP (RFC 3948): ICMP about the outer packets quotes UDP to port
# 4500, not ESP, so it goes to the port's socket (rvti's own here, as an IKE
# daemon's would be), whose PMTU update is that of the route to the peer,
# which rvti reads. The hop shrinks to 1380; the inner MTU is 1380 - 20 -
# 8 (UDP) - 8 - 8 - 16, to 4 bytes, - 2 = 1318 (over IPv6: 1298).
ip -n r link set to4 mtu 1380
ip -n gw4 link set wan mtu 1380
espinudp() {
	local gw spi_out spi_in
	for gw in gw1 gw4; do
		if [ $gw = gw1 ]; then spi_out=0x1000 spi_in=0x2000; else spi_out=0x2000 spi_in=0x1000; fi
		ip netns exec $gw rvti tunnel set dev rvti0 encap-port 4500 || return
		ip netns exec $gw rvti sa flush dev rvti0 || return
		ip netns exec $gw rvti sa add dev rvti0 dir out spi $spi_out aead aes-gcm key $K \
			encap espinudp 4500 4500 || return
		ip netns exec $gw rvti sa add dev rvti0 dir in spi $spi_in aead aes-gcm key $K \
			encap espinudp 4500 4500 || return
	done
}
check "ESP in UDP: encap-port 4500 and SAs in UDP on both" espinudp
check "ESP in UDP: outer DF copied from the inner packet again" \
	$G1 rvti tunnel set dev rvti0 df copy
check "ESP in UDP: small packets pass" $G1 ping -c 2 -W 2 -I 10.1.0.1 10.41.0.10
# 1292 + 28 = 1320: below the 1326 the inner route learned over IPv6 outer.
learns_mtu "ESP in UDP (ICMP about UDP)" 1292 1318
check "ESP in UDP over IPv6 outer" bash -c "
	$G1 rvti tunnel set dev rvti0 local 2001:db8:a::1 remote 2001:db8:b::1 &&
	ip netns exec gw4 rvti tunnel set dev rvti0 local 2001:db8:b::1 remote 2001:db8:a::1"
# 1280 + 28 = 1308: between the 1318 just learned and IPv6 outer's 1298.
learns_mtu "ESP in UDP, IPv6 outer (ICMPv6 about UDP)" 1280 1298
check_eq "ESP in UDP: no packet was dropped for lack of an SA" 0 \
	"$($G1 rvti -j show | jq '.[0].stats.no_tx_sa')"

check_fails "df mode out of range (kernel policy)" 'maximum|range|Invalid|invalid' \
	$G1 python3 "$RVTI_REPO/tests/lib/genl.py" set ifname=str:rvti0 10=hex:03

for ns in gw1 r gw4 h4; do ip netns del $ns; done
rmmod rvti
finish
