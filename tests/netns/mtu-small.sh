#!/bin/bash
# Small outer path MTUs (review issue #6, items 1, 5, 10, 11): inner MTUs
# below IPv4's 576 and IPv6's 1280.
#
#   h1 -- gw1 [rvti0] -- r (small MTU towards gw4) -- gw4 [rvti0] -- h4
#
# IPv6 outer over a 1280-byte hop: the inner MTU (1206) is below IPv6's
# minimum, so IPv6 packets of up to 1280 bytes must still pass, in outer
# fragments (RFC 2473 section 7.1), and larger ones get packet-too-big 1280.
# IPv4 outer over a 600-byte hop: the inner MTU is 546. DF senders are told
# 546 (not 576, which would black-hole 547..576); packets without DF are
# fragmented to 546 before encryption, once (a fragment is never fragmented
# again: this used to recurse until the stack overflowed); IPv4 options not
# meant for every fragment stay in the first. With an outer MTU too small
# for any packet (68, CBC with HMAC-SHA-512: negative room) packets are
# dropped and counted, not sent.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
for ns in h1 gw1 r gw4 h4; do ns_add $ns forward || fail "namespace $ns"; done
ip -batch - <<EOF
link add eth0 netns h1 type veth peer name lan netns gw1
link add wan netns gw1 type veth peer name to1 netns r
link add wan netns gw4 type veth peer name to4 netns r
link add eth0 netns h4 type veth peer name lan netns gw4
EOF
ip -n h1 -batch - <<EOF
addr add 10.1.0.10/24 dev eth0
addr add 2001:db8:1::10/64 dev eth0 nodad
link set eth0 up
route add default via 10.1.0.1
route add default via 2001:db8:1::1
EOF
ip -n gw1 -batch - <<EOF
addr add 10.1.0.1/24 dev lan
addr add 2001:db8:1::1/64 dev lan nodad
addr add 192.0.2.1/24 dev wan
addr add 2001:db8:a::1/64 dev wan nodad
link set lan up
link set wan up
route add 198.51.100.0/24 via 192.0.2.254
route add 2001:db8:b::/64 via 2001:db8:a::fe
EOF
ip -n r -batch - <<EOF
addr add 192.0.2.254/24 dev to1
addr add 198.51.100.254/24 dev to4
addr add 2001:db8:a::fe/64 dev to1 nodad
addr add 2001:db8:b::fe/64 dev to4 nodad
link set to1 up
link set to4 mtu 1280
link set to4 up
EOF
ip -n gw4 -batch - <<EOF
addr add 10.41.0.1/24 dev lan
addr add 2001:db8:41::1/64 dev lan nodad
addr add 198.51.100.1/24 dev wan
addr add 2001:db8:b::1/64 dev wan nodad
link set wan mtu 1280
link set lan up
link set wan up
route add 192.0.2.0/24 via 198.51.100.254
route add 2001:db8:a::/64 via 2001:db8:b::fe
EOF
ip -n h4 -batch - <<EOF
addr add 10.41.0.10/24 dev eth0
addr add 2001:db8:41::10/64 dev eth0 nodad
link set eth0 up
route add default via 10.41.0.1
route add default via 2001:db8:41::1
EOF

K14=0x$(randhex 20) K41=0x$(randhex 20)
setup() {
	local ns=$1 l=$2 r=$3 out=$4 in=$5 kout=$6 kin=$7 site=$8 site6=$9
	ip netns exec "$ns" bash -ec "
		ip link add rvti0 type rvti
		rvti tunnel set dev rvti0 local $l remote $r
		rvti sa add dev rvti0 dir out spi $out aead aes-gcm key $kout
		rvti sa add dev rvti0 dir in spi $in aead aes-gcm key $kin
		ip link set rvti0 up
		ip route add $site dev rvti0
		ip route add $site6 dev rvti0"
}
check "tunnel gw1 = gw4 over IPv6 (outer path MTU 1280)" bash -c "
	$(declare -f setup); setup gw1 2001:db8:a::1 2001:db8:b::1 0x1004 0x4001 $K14 $K41 10.41.0.0/16 2001:db8:41::/48 &&
	setup gw4 2001:db8:b::1 2001:db8:a::1 0x4001 0x1004 $K41 $K14 10.1.0.0/16 2001:db8:1::/48"

H1="ip netns exec h1"
reasm4() { awk '/^Ip: [0-9]/ { print $(NF-4) }' "$(ns_net gw4 snmp)"; }
reasm6() { awk '$1 == "Ip6ReasmOKs" { print $2 }' "$(ns_net gw4 snmp6)"; }

# ---- IPv6 outer, 1280-byte hop ---------------------------------------------
# The first large packet teaches gw1 the outer path MTU (ICMPv6 from r).
$H1 ping -6 -c 2 -i 0.3 -W 1 -s 1232 2001:db8:41::10 >/dev/null 2>&1
b=$(reasm6)
check "IPv6 outer 1280: an IPv6 packet of 1208 bytes (inner MTU 1206) passes" \
	$H1 ping -6 -c 3 -i 0.2 -W 2 -s 1160 2001:db8:41::10
check "IPv6 outer 1280: an IPv6 packet of 1280 bytes passes" \
	$H1 ping -6 -c 3 -i 0.2 -W 2 -s 1232 2001:db8:41::10
check_inc "... in outer fragments, which gw4 reassembled" "$b" "$(reasm6)" 6
$H1 ping -6 -c 3 -i 0.3 -W 1 -s 1300 2001:db8:41::10 >"$TOPO_TMP/p6" 2>&1
sed 's/^/#   /' "$TOPO_TMP/p6"
check "IPv6 outer 1280: a 1348-byte IPv6 packet gets packet-too-big 1280" \
	grep -Eq 'mtu ?= ?1280' "$TOPO_TMP/p6"
check "IPv6 outer 1280: then the sender's 1280-byte fragments pass" \
	$H1 ping -6 -c 2 -i 0.2 -W 2 -s 1300 2001:db8:41::10

# ---- IPv4 outer, 600-byte hop ----------------------------------------------
check "switch to IPv4 outer, hop MTU 600" bash -c "
	ip netns exec gw1 rvti tunnel set dev rvti0 local 192.0.2.1 remote 198.51.100.1 &&
	ip netns exec gw4 rvti tunnel set dev rvti0 local 198.51.100.1 remote 192.0.2.1 &&
	ip -n r link set to4 mtu 600 && ip -n gw4 link set wan mtu 600"
# DF probes: the first is lost at r, whose ICMP teaches gw1 the path MTU
# 600; the next are answered by rvti with the inner MTU
# 600 - 20 - 8 - 8 - 16 = 548, to 4 bytes, - 2 = 546.
$H1 ping -c 4 -i 0.3 -W 1 -M do -s 560 10.41.0.10 >"$TOPO_TMP/p4" 2>&1
sed 's/^/#   /' "$TOPO_TMP/p4"
check "IPv4 DF: the sender is told the real inner MTU 546 (not 576)" \
	grep -Eq 'mtu ?= ?546' "$TOPO_TMP/p4"
b=$(reasm4)
check "IPv4 without DF, 588 bytes (between 546 and 576): fragmented once, delivered" \
	$H1 ping -c 3 -i 0.2 -W 2 -M dont -s 560 10.41.0.10
check "IPv4 without DF, 1428 bytes: delivered" \
	$H1 ping -c 3 -i 0.2 -W 2 -M dont -s 1400 10.41.0.10
check "IPv4 with the sender's own choice (it locked 552 and clears DF): delivered" \
	$H1 ping -c 3 -i 0.2 -W 2 -s 1000 10.41.0.10
check_eq "... fragmented before encryption: gw4 reassembled no outer packet" "$b" "$(reasm4)"
b=$(reasm4)
check "IPv6 inner over the 600-byte IPv4 path: a 1248-byte packet passes" \
	$H1 ping -6 -c 3 -i 0.2 -W 2 -s 1200 2001:db8:41::10
check_inc "... in outer fragments, which gw4 reassembled" "$b" "$(reasm4)" 3

# Record route is not copied into every fragment (RFC 791): fragments
# after the first carry no-operations in its place.
ip netns exec h4 timeout 10 tcpdump -c 4 -nvi eth0 \
	'icmp or (ip[6:2] & 0x1fff != 0)' >"$TOPO_TMP/rr" 2>/dev/null &
cap=$!
sleep 1
$H1 ping -c 1 -W 2 -M dont -R -s 1000 10.41.0.10 >/dev/null 2>&1
wait $cap
sed 's/^/#   /' "$TOPO_TMP/rr"
check "IPv4 options: the first fragment keeps record route" grep -q 'offset 0,.*RR' "$TOPO_TMP/rr"
check "IPv4 options: later fragments (also those rvti cut) have none" \
	bash -c "grep -q 'offset [1-9]' '$TOPO_TMP/rr' && ! grep -q 'offset [1-9].*RR' '$TOPO_TMP/rr'"

# ---- an outer MTU too small for anything -----------------------------------
check "outer route MTU 68" ip -n gw1 route change 198.51.100.0/24 via 192.0.2.254 mtu lock 68
# shellcheck disable=SC2046
check "outbound SA with CBC and HMAC-SHA-512 (76 bytes of overhead)" \
	ip netns exec gw1 rvti sa add dev rvti0 dir out spi 0x1005 $(rvti_alg_args cbc-sha512 "$(suite_key cbc-sha512)")
txerr() { ip -n gw1 -s -j link show rvti0 | jq '.[0].stats64.tx.errors'; }
wire() { awk '/^Ip: [0-9]/ { print $4 }' "$(ns_net r snmp)"; }
e=$(txerr) w=$(wire)
check "no packet fits: ping fails" not $H1 ping -c 2 -i 0.2 -W 1 -M dont 10.41.0.10
check_delta "... both dropped and counted as transmit errors" "$e" "$(txerr)" 2
check_delta "... and no IPv4 packet reached the router" "$w" "$(wire)" 0

topo_down
rmmod rvti
finish
