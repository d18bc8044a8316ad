#!/bin/bash
# Offloads: rvti0 advertises scatter-gather, checksum and GSO, so TCP from a
# local socket and TCP forwarded from a host (veth hands GSO packets on)
# reaches rvti_xmit() as packets of up to 64 KB, which rvti segments before
# encryption. Checked, each with every byte compared (SHA-256 of what was
# sent and of what arrived):
# - ethtool shows the offloads on, and they can be switched off;
# - a capture on rvti0 sees packets longer than its MTU (so GSO is really in
#   use), the outer wire none longer than the outer MTU and no fragment;
# - TCP local and forwarded, inner IPv4 and IPv6, outer IPv4 and IPv6;
#   UDP with UDP_SEGMENT (GSO_UDP_L4): every datagram arrives intact;
# - the SA counters agree (every segment is one ESP packet), no drop;
# - offloads off: same transfers, nothing longer than the MTU on rvti0;
# - against XFRM (rvti gw1 -> XFRM gw4): the segments decrypt there;
# - outer path MTU below what the tunnel MTU assumes: TCP still delivers
#   every byte (ICMP per segment lowers the MSS).
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

XF="python3 $(cd "$(dirname "$0")/../lib" && pwd)/xfer.py"
BYTES=${RVTI_OFFLOAD_BYTES:-2000000}
_port=6000

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }

# tcp_checked TAG SENDER_NS DST RECEIVER_NS: BYTES through the tunnel,
# compared byte for byte.
tcp_checked() {
	local tag=$1 sns=$2 dst=$3 rns=$4 port=$((++_port)) rpid sent got
	ip netns exec "$rns" $XF tcp-recv "$port" >"$TOPO_TMP/recv.$port" 2>&1 &
	rpid=$!
	wait_until 30 file_has "$TOPO_TMP/recv.$port" listening
	sent=$(ip netns exec "$sns" timeout 120 $XF tcp-send "$dst" "$port" "$BYTES" 2>&1)
	{ sleep 60; kill "$rpid" 2>/dev/null; } &
	local guard=$!
	wait "$rpid"
	kill "$guard" 2>/dev/null
	got=$(sed -n 2p "$TOPO_TMP/recv.$port")
	check_eq "$tag: all $BYTES bytes arrive unchanged (bytes sha256)" "$sent" "$got"
}

# udp_checked TAG SENDER_NS DST RECEIVER_NS [SEGS]: 500 datagrams of 1000
# bytes in UDP_SEGMENT sends of SEGS (10; 1: plain sends), every one intact.
udp_checked() {
	local tag=$1 sns=$2 dst=$3 rns=$4 segs=${5:-10} port=$((++_port)) rpid what="UDP GSO"
	[ "$segs" = 1 ] && what="UDP"
	ip netns exec "$rns" $XF udp-recv "$port" 500 20 >"$TOPO_TMP/recv.$port" 2>&1 &
	rpid=$!
	wait_until 30 file_has "$TOPO_TMP/recv.$port" listening
	ip netns exec "$sns" $XF udp-gso-send "$dst" "$port" 1000 "$segs" $((500 / segs))
	wait "$rpid"
	check_eq "$tag: $what, 500 datagrams arrive intact (good bad)" "500 0" \
		"$(sed -n 2p "$TOPO_TMP/recv.$port")"
}

# sizes NAME: "PACKETS MAX OVER" of a stopped capture, OVER: longer than $2.
sizes() { $XF pcap-sizes "$(cap_file "$1")" "$2"; }

# gso_seen TAG NAME: the capture on rvti0 holds packets longer than its MTU.
gso_seen() {
	local n max over
	read -r n max over <<<"$(sizes "$2" "$TOPO_TUN_MTU")"
	if [ "${over:-0}" -gt 0 ]; then
		pass "$1: rvti0 was handed GSO packets ($over of $n longer than MTU $TOPO_TUN_MTU, up to $max bytes)"
	else
		fail "$1: rvti0 was handed no packet longer than its MTU ($n packets, largest ${max:-?})"
	fi
}

# outer_ok TAG NAME: the outer capture (Ethernet) has nothing over 1514
# bytes and no fragment.
outer_ok() {
	local n max over frags
	read -r n max over <<<"$(sizes "$2" 1514)"
	frags=$(tcpdump -nr "$(cap_file "$2")" 'ip[6:2] & 0x3fff != 0 or ip6[6] == 44' 2>/dev/null | wc -l)
	check_eq "$1: outer packets fit the wire, none fragmented ($n packets, largest $max; over 1514 | fragments)" \
		"0 | 0" "$over | $frags"
}

# counters_ok TAG: what gw1's outbound SA sent, gw4's inbound SA received;
# no drops, no transmit error on gw1's rvti0.
counters_ok() {
	local o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
	nap 0.2
	rvti_snap gw1 gw4
	check_eq "$1: gw4's inbound SA received every ESP packet gw1's outbound SA sent" \
		"${SNAP[$o.packets]:-x}" "${SNAP[$i.packets]:-y}"
	check_eq "$1: no drops (gw4 inbound SA | tunnels)" "0 0 0 0 | 0 0 0 | 0 0 0" \
		"${SNAP[$i.drops]:-} | ${SNAP[gw1.rvti0.tun.drops]:-} | ${SNAP[gw4.rvti0.tun.drops]:-}"
	check_eq "$1: gw1 rvti0 transmit errors and drops" "0 0" \
		"$(ip -n gw1 -j -s link show rvti0 | jq -r '.[0].stats64.tx | "\(.errors) \(.dropped)"')"
}

feature() { ip netns exec gw1 ethtool -k rvti0 | sed -n "s/^$1: \([a-z]*\).*/\1/p"; }

# 1. rvti <-> rvti, outer IPv4.
if check "rvti tunnel gw1 = gw4, outer IPv4, gcm128" tunnel_up rvti rvti 4 gcm128; then
	check_eq "ethtool: scatter-gather tx-checksumming tcp-segmentation-offload generic-segmentation-offload" \
		"on on on on" \
		"$(feature scatter-gather) $(feature tx-checksumming) $(feature tcp-segmentation-offload) $(feature generic-segmentation-offload)"

	cap_start rv gw1 rvti0 "tcp"
	cap_start wan gw1 wan0
	tcp_checked "local TCP gw1 -> host4, IPv4" gw1 "$HOST4_V4" host4
	tcp_checked "forwarded TCP host1 -> host4, IPv4" host1 "$HOST4_V4" host4
	tcp_checked "forwarded TCP host1 -> host4, IPv6" host1 "$HOST4_V6" host4
	tcp_checked "local TCP gw1 -> host4, IPv6" gw1 "$HOST4_V6" host4
	cap_stop rv
	cap_stop wan
	gso_seen "TCP" rv
	outer_ok "TCP" wan
	udp_checked "local, IPv4" gw1 "$HOST4_V4" host4
	udp_checked "local, IPv6" gw1 "$HOST4_V6" host4
	counters_ok "offloads on"

	check "ethtool -K rvti0 sg off tx off tso off gso off" \
		ip netns exec gw1 ethtool -K rvti0 sg off tx off tso off gso off
	check_eq "ethtool: all four off" "off off off off" \
		"$(feature scatter-gather) $(feature tx-checksumming) $(feature tcp-segmentation-offload) $(feature generic-segmentation-offload)"
	cap_start rv gw1 rvti0 "tcp"
	tcp_checked "offloads off: local TCP gw1 -> host4" gw1 "$HOST4_V4" host4
	tcp_checked "offloads off: forwarded TCP host1 -> host4" host1 "$HOST4_V4" host4
	cap_stop rv
	read -r n max over <<<"$(sizes rv "$TOPO_TUN_MTU")"
	check_eq "offloads off: nothing longer than the MTU on rvti0 ($n packets, largest $max)" 0 "$over"
	# The kernel refuses UDP_SEGMENT without checksum offload (EIO).
	check_fails "offloads off: UDP_SEGMENT refused by the stack" "Input/output error" \
		ip netns exec gw1 $XF udp-gso-send "$HOST4_V4" 9 1000 10 1
	udp_checked "offloads off, IPv4" gw1 "$HOST4_V4" host4 1
	counters_ok "offloads off"
fi
tunnel_down

# 2. Outer IPv6.
if check "rvti tunnel gw1 = gw4, outer IPv6, chacha20poly1305" tunnel_up rvti rvti 6 chacha20poly1305; then
	cap_start rv gw1 rvti0 "tcp"
	tcp_checked "outer IPv6: local TCP gw1 -> host4" gw1 "$HOST4_V4" host4
	tcp_checked "outer IPv6: forwarded TCP host1 -> host4, IPv6" host1 "$HOST4_V6" host4
	cap_stop rv
	gso_seen "outer IPv6" rv
	udp_checked "outer IPv6" gw1 "$HOST4_V6" host4
	counters_ok "outer IPv6"
fi
tunnel_down

# 3. The segments decrypt in XFRM.
if check "tunnel rvti gw1 -> XFRM gw4, outer IPv4, gcm128" tunnel_up rvti xfrm 4 gcm128; then
	cap_start rv gw1 rvti0 "tcp"
	tcp_checked "to XFRM: local TCP gw1 -> host4" gw1 "$HOST4_V4" host4
	tcp_checked "to XFRM: forwarded TCP host1 -> host4, IPv6" host1 "$HOST4_V6" host4
	cap_stop rv
	gso_seen "to XFRM" rv
	udp_checked "to XFRM" gw1 "$HOST4_V4" host4
	check_eq "to XFRM: no XFRM input error on gw4" "" \
		"$(ip netns exec gw4 awk '$1 ~ /^XfrmIn/ && $2 != 0' /proc/net/xfrm_stat)"
fi
tunnel_down

# 4. An outer path MTU smaller than the tunnel MTU: every segment that does
# not fit is answered with "fragmentation needed" and TCP adapts.
if check "rvti tunnel gw1 = gw4, outer IPv4, outer MTU 1280" tunnel_up rvti rvti 4 gcm128; then
	ip -n gw1 link set wan0 mtu 1280
	ip -n gw4 link set wan0 mtu 1280
	cap_start wan gw1 wan0
	tcp_checked "outer MTU 1280: local TCP gw1 -> host4" gw1 "$HOST4_V4" host4
	tcp_checked "outer MTU 1280: forwarded TCP host1 -> host4" host1 "$HOST4_V4" host4
	tcp_checked "outer MTU 1280: forwarded TCP host1 -> host4, IPv6" host1 "$HOST4_V6" host4
	cap_stop wan
	read -r n max over <<<"$(sizes wan 1294)"
	check_eq "outer MTU 1280: nothing longer on the wire ($n packets, largest $max)" 0 "$over"
fi
tunnel_down

topo_down
check "rmmod rvti" rmmod rvti
finish
