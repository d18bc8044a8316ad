#!/bin/bash
# NAT traversal: ESP in UDP 4500 (RFC 3948) between rvti and the kernel's
# XFRM (SAs with `encap espinudp 4500 4500`), and between two rvti
# gateways:
#   host1 - gw1 [rvti0] == outer veth == [ipsec0 or rvti0] gw4 - host4
# Each gateway has a UDP socket on port 4500 with UDP_ENCAP_ESPINUDP, as an
# IKE daemon has: the kernel takes the UDP header off the ESP arriving
# there and hands it to the ESP handlers, rvti's first. Over outer IPv4
# and IPv6 (there with the UDP checksum computed in software, the outer
# veth's checksum offload off, so a wrong one would be dropped): ping both
# ways, TCP, rvti's SA counters equal XFRM's, the SAs read back with their
# ports, and a capture shows every packet of the tunnel in UDP 4500, none
# as bare ESP. An SA takes only its kind of packet: bare ESP for an SA
# with ports, or ESP in UDP for one without, is dropped and counted
# (encap_mismatch), both ways round. IKE packets (non-ESP marker) and
# keepalives to port 4500 stay the socket's and the kernel's. The path MTU
# check leaves room for the 8-byte UDP header. Ports other than 4500 (as a
# NAT gives) are used as each SA says.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

# encap_sock NS: a process holding UDP sockets on ports 4500 and 31000
# (IPv4 and IPv6; 31000 plays a NAT's public port) with
# UDP_ENCAP_ESPINUDP; every datagram it reads (IKE) goes as a hex line
# into $TOPO_TMP/NS.udp.
_ENCAP_PY='
import select, socket, sys
out = open(sys.argv[1], "a", buffering=1)
socks = []
for port in (4500, 31000):
    for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        if fam == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((addr, port))
        s.setsockopt(socket.IPPROTO_UDP, 100, 2)  # UDP_ENCAP_ESPINUDP
        socks.append(s)
print("ready", file=out)
while True:
    for s in select.select(socks, [], [])[0]:
        print(s.recv(4096).hex(), file=out)
'
declare -A _encap_pid=()
encap_sock() {
	: >"$TOPO_TMP/$1.udp"
	ip netns exec "$1" python3 -c "$_ENCAP_PY" "$TOPO_TMP/$1.udp" &
	_encap_pid[$1]=$!
	wait_until 30 file_has "$TOPO_TMP/$1.udp" ready
}

# udp_send NS DST HEX: one UDP datagram to DST:4500.
udp_send() {
	ip netns exec "$1" python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex(sys.argv[2]), (sys.argv[1], 4500))' "$2" "$3"
}

# encap_count NAME SRC DST SPI [SPORT DPORT]: ESP packets in UDP (4500 to
# 4500) SRC > DST with SPI in the stopped capture; bare_count: the same as
# bare ESP.
encap_count() {
	tcpdump -tnr "$(cap_file "$1")" 2>/dev/null |
		grep -c "^IP6\? $2\.${5:-4500} > $3\.${6:-4500}: UDP-encap: ESP(spi=$(printf '0x%08x' $(($4))),"
}
bare_count() {
	tcpdump -tnr "$(cap_file "$1")" 2>/dev/null |
		grep -c "^IP6\? $2 > $3: ESP(spi=$(printf '0x%08x' $(($4))),"
}

mismatch() { snap gw1 rvti0 in "$SPI_41" encap_mismatch; }

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "gw1: a UDP_ENCAP socket on port 4500" encap_sock gw1
check "gw4: a UDP_ENCAP socket on port 4500" encap_sock gw4
check "capture on gw4's outer veth" cap_start wire gw4 wan0 "esp or udp port 4500 or udp port 31000"

declare -a done_tags=() done_o1=() done_o4=() done_14=() done_41=()
for run in "gcm128 4" "chacha20poly1305 6 esn" "gcm128 4 rvti" "cbc-sha256 6 rvti"; do
	set -- $run
	suite=$1 fam=$2 esn="" peer=xfrm
	[ "${3:-}" = esn ] && esn=esn
	[ "${3:-}" = rvti ] && peer=rvti
	tag="$suite outer IPv$fam${esn:+ esn}, gw4 $peer"
	if [ "$fam" = 6 ]; then
		# The UDP checksum in software: a wrong one is dropped by gw4.
		ip netns exec gw1 ethtool -K wan0 tx off >/dev/null
		h4=$HOST4_V6 h1=$HOST1_V4
	else
		ip netns exec gw1 ethtool -K wan0 tx on >/dev/null
		h4=$HOST4_V4 h1=$HOST1_V6
	fi
	if ! TUN_ENCAP1=1 TUN_ENCAP4=1 check "$tag: gw1 rvti, gw4 $peer, ESP in UDP 4500" \
		tunnel_up rvti $peer $fam "$suite" $esn; then
		tunnel_down
		continue
	fi
	done_tags+=("$tag") done_14+=("$SPI_14") done_41+=("$SPI_41")
	done_o1+=("$OUT1") done_o4+=("$OUT4")
	tunnel_traffic "$tag" "$h4" "$h1"
	nap 0.2
	rvti_snap gw1 gw4
	o1=$(snap gw1 rvti0 out "$SPI_14" packets)
	i1=$(snap gw1 rvti0 in "$SPI_41" packets)
	check_inc "$tag: rvti's outbound SA counts packets" 0 "$o1" 6
	check_inc "$tag: rvti's inbound SA counts packets" 0 "$i1" 6
	if [ $peer = xfrm ]; then
		xfrm_snap gw4
		check_eq "$tag: XFRM's inbound state got every packet rvti sent" \
			"$o1" "${XSNAP[$((SPI_14))]:-none}"
		check_eq "$tag: rvti received every packet XFRM sent" \
			"${XSNAP[$((SPI_41))]:-none}" "$i1"
	else
		check_eq "$tag: gw4's inbound SA got every packet gw1 sent" \
			"$o1" "$(snap gw4 rvti0 in "$SPI_14" packets)"
	fi
	check_eq "$tag: the SAs read back with their ports (out | in)" \
		'{"type":"espinudp","sport":4500,"dport":4500} | {"type":"espinudp","sport":4500,"dport":4500}' \
		"$(snap gw1 rvti0 out "$SPI_14" encap) | $(snap gw1 rvti0 in "$SPI_41" encap)"
	check_eq "$tag: no rvti drops (in SA: replayed outside_window icv_fail malformed encap_mismatch | tunnel)" \
		"0 0 0 0 0 | 0 0 0" "$(sa_drops gw1 rvti0 "$SPI_41") $(mismatch) | $(tun_drops gw1 rvti0)"
	tunnel_down
done

# Other ports than 4500, as behind a NAT: gw1's rvti SAs send from 4500 to
# gw4's 31000 (the NAT's port for gw4), gw4's XFRM SAs from 4500 to 4500;
# then both rvti, gw1 sending from 31000 and gw4 to it.
ports_tags=() ports_args=()
for run in "xfrm 4500:31000 4500:4500" "rvti 31000:4500 4500:31000"; do
	set -- $run
	tag="ports: gw1 rvti $2, gw4 $1 $3"
	if TUN_ENCAP1=$2 TUN_ENCAP4=$3 check "$tag: tunnel up" tunnel_up rvti $1 4 gcm128; then
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		check "$tag: ping host4 -> host1" ping_ok host4 $HOST1_V4 3
		check "$tag: TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
		rvti_snap gw1
		check_eq "$tag: gw1's SAs read back with the ports (out | in)" \
			"{\"type\":\"espinudp\",\"sport\":${2%:*},\"dport\":${2#*:}} | {\"type\":\"espinudp\",\"sport\":${2#*:},\"dport\":${2%:*}}" \
			"$(snap gw1 rvti0 out "$SPI_14" encap) | $(snap gw1 rvti0 in "$SPI_41" encap)"
		ports_tags+=("$tag") ports_args+=("$SPI_14 ${2%:*} ${2#*:} $SPI_41 $3")
	fi
	tunnel_down
done

# The other kind of packet than the SA's: dropped and counted by rvti.
ip netns exec gw1 ethtool -K wan0 tx on >/dev/null
if TUN_ENCAP1=1 check "mismatch: gw1's SAs in UDP, gw4's XFRM SAs bare ESP" \
	tunnel_up rvti xfrm 4 gcm128; then
	ping_fails host4 $HOST1_V4 3
	rvti_snap gw1
	check_inc "mismatch: bare ESP for an SA in UDP is dropped and counted" 0 "$(mismatch)" 3
	check_eq "mismatch: none of it went through the SA" 0 "$(snap gw1 rvti0 in "$SPI_41" packets)"
fi
tunnel_down
if TUN_ENCAP4=1 check "mismatch: gw1's SAs bare ESP, gw4's XFRM SAs in UDP" \
	tunnel_up rvti xfrm 4 gcm128; then
	ping_fails host4 $HOST1_V4 3
	rvti_snap gw1
	check_inc "mismatch: ESP in UDP for a bare-ESP SA is dropped and counted" 0 "$(mismatch)" 3
	check_eq "mismatch: none of it went through the SA" 0 "$(snap gw1 rvti0 in "$SPI_41" packets)"
fi
tunnel_down

# IKE (non-ESP marker: four zero bytes) and a keepalive (one 0xff byte) to
# gw1's port 4500, while gw1 has an rvti SA in UDP: IKE reaches the socket,
# the keepalive is the kernel's to drop; neither reaches rvti.
if TUN_ENCAP1=1 TUN_ENCAP4=1 tunnel_up rvti xfrm 4 gcm128; then
	udp_send gw4 $GW1_OUT4 ff
	udp_send gw4 $GW1_OUT4 00000000c0ffee
	check "IKE: a non-ESP-marker datagram reaches the port 4500 socket" \
		wait_until 10 file_has "$TOPO_TMP/gw1.udp" '^00000000c0ffee$'
	check "IKE: a keepalive does not" not grep -qx ff "$TOPO_TMP/gw1.udp"
	rvti_snap gw1
	check_eq "IKE: rvti counted neither (in SA: drops, mismatch | tunnel)" \
		"0 0 0 0 0 | 0 0 0" "$(sa_drops gw1 rvti0 "$SPI_41") $(mismatch) | $(tun_drops gw1 rvti0)"

	# Path MTU 1400 towards gw4: the inner MTU leaves room for UDP too:
	# 1400 - 20 - 8 - 8 - 8 - 16, to 4 bytes, - 2 = 1338 (1346 without).
	ip -n gw1 route add $GW4_OUT4/32 dev wan0 mtu 1400
	ip netns exec host1 ping -c 2 -i 0.3 -W 1 -M do -s $((1339 - 28)) $HOST4_V4 >"$TOPO_TMP/ping.out" 2>&1
	sed 's/^/# /' "$TOPO_TMP/ping.out"
	check "MTU: the sender learns the inner MTU 1338 (UDP header counted)" \
		grep -Eq 'mtu ?= ?1338' "$TOPO_TMP/ping.out"
	check "MTU: a packet of exactly that MTU passes" \
		ping_ok host1 $HOST4_V4 2 -M do -s $((1338 - 28))
	ip -n gw1 route del $GW4_OUT4/32 dev wan0
else
	fail "IKE: the tunnel did not come up"
fi
tunnel_down

cap_stop wire
for i in "${!done_tags[@]}"; do
	check_inc "${done_tags[$i]}: ESP in UDP 4500 gw1 -> gw4 with SPI ${done_14[$i]}" 0 \
		"$(encap_count wire "${done_o1[$i]}" "${done_o4[$i]}" "${done_14[$i]}")" 6
	check_inc "${done_tags[$i]}: ESP in UDP 4500 gw4 -> gw1 with SPI ${done_41[$i]}" 0 \
		"$(encap_count wire "${done_o4[$i]}" "${done_o1[$i]}" "${done_41[$i]}")" 6
	check_eq "${done_tags[$i]}: no bare ESP with these SPIs" "0 0" \
		"$(bare_count wire "${done_o1[$i]}" "${done_o4[$i]}" "${done_14[$i]}") $(bare_count wire "${done_o4[$i]}" "${done_o1[$i]}" "${done_41[$i]}")"
done
for i in "${!ports_tags[@]}"; do
	set -- ${ports_args[$i]}
	p4=$5
	check_inc "${ports_tags[$i]}: gw1 -> gw4 in UDP $2 > $3" 0 \
		"$(encap_count wire $GW1_OUT4 $GW4_OUT4 "$1" "$2" "$3")" 6
	check_inc "${ports_tags[$i]}: gw4 -> gw1 in UDP ${p4%:*} > ${p4#*:}" 0 \
		"$(encap_count wire $GW4_OUT4 $GW1_OUT4 "$4" "${p4%:*}" "${p4#*:}")" 6
done
for ns in "${!_encap_pid[@]}"; do kill "${_encap_pid[$ns]}" 2>/dev/null; done
wait "${_encap_pid[@]}" 2>/dev/null

# Static keys, no IKE daemon: rvti holds the port itself (encap-port).
# udp_bound NS PORT: a UDP socket of NS is bound to PORT (IPv4 and IPv6).
udp_bound() {
	local hex
	hex=$(printf ':%04X ' "$2")
	grep -q "$hex" "$(ns_net "$1" udp)" && grep -q "$hex" "$(ns_net "$1" udp6)"
}
check "encap-port: no socket on port 4500 is left" not udp_bound gw1 4500
for fam in 4 6; do
	tag="encap-port, outer IPv$fam, rvti <-> rvti"
	if TUN_ENCAP1=1 TUN_ENCAP4=1 check "$tag: tunnel up" tunnel_up rvti rvti $fam gcm128; then
		check_fails "$tag: without a port held, ESP in UDP meets a closed port" \
			'100% packet loss' ping_ok host1 $HOST4_V4 2
		check "$tag: rvti tunnel set ... encap-port 4500 on both" bash -c "
			ip netns exec gw1 rvti tunnel set dev rvti0 encap-port 4500 &&
			ip netns exec gw4 rvti tunnel set dev rvti0 encap-port 4500"
		check "$tag: gw1 has UDP sockets on port 4500" udp_bound gw1 4500
		check_eq "$tag: the tunnel shows it" 4500 \
			"$(ip netns exec gw1 rvti -j show dev rvti0 | jq '.[0].encap_port')"
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		check "$tag: ping host4 -> host1 over IPv6 inside" ping_ok host4 $HOST1_V6 3
		check "$tag: TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
		rvti_snap gw1
		check_eq "$tag: no rvti drops (in SA | tunnel)" "0 0 0 0 0 | 0 0 0" \
			"$(sa_drops gw1 rvti0 "$SPI_41") $(mismatch) | $(tun_drops gw1 rvti0)"
		check "$tag: encap-port none releases it" \
			ip netns exec gw1 rvti tunnel set dev rvti0 encap-port none
		check "$tag: the port is free again" not udp_bound gw1 4500
		check_eq "$tag: the tunnel shows none" null \
			"$(ip netns exec gw1 rvti -j show dev rvti0 | jq '.[0].encap_port')"
	fi
	tunnel_down
done

# A NAT's new mapping (RFC 3948 section 3.2), static keys: gw4's public
# port moves from 4500 to 4501 (its tunnel now sends from and listens on
# 4501). gw1 takes the authentic packets from the new port and announces
# it (new-mapping, once for a burst); until its key manager (here: the
# operator) moves gw1's SAs, gw1's packets still go to 4500, where nobody
# listens any more. `rvti sa set` moves them and traffic flows again.
for fam in 4 6; do
	tag="mapping, outer IPv$fam"
	if TUN_ENCAP1=1 TUN_ENCAP4=1 check "$tag: tunnel up (rvti <-> rvti, ESP in UDP 4500)" \
		tunnel_up rvti rvti $fam gcm128; then
		ip netns exec gw1 rvti tunnel set dev rvti0 encap-port 4500
		ip netns exec gw4 rvti tunnel set dev rvti0 encap-port 4500
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 2
		mon_start gw1
		check "$tag: gw4 moves to port 4501 (its socket and SAs)" bash -ec "
			ip netns exec gw4 rvti tunnel set dev rvti0 encap-port 4501
			ip netns exec gw4 rvti sa set dev rvti0 dir out spi $SPI_41 encap espinudp 4501 4500
			ip netns exec gw4 rvti sa set dev rvti0 dir in spi $SPI_14 encap espinudp 4500 4501"
		check_eq "$tag: gw4's SAs read back with the new ports" "4501 4500 | 4500 4501" \
			"$(sa_encap gw4 rvti0 out) | $(sa_encap gw4 rvti0 in)"
		check_fails "$tag: until gw1 follows, its packets go to the old port" \
			'100% packet loss' ping_ok host4 $HOST1_V4 3
		check "$tag: gw1 announced the new mapping" mon_wait gw1 \
			".event == \"new-mapping\" and .dir == \"in\" and .spi == $((SPI_41)) and .encap.sport == 4501 and .encap.dport == 4500" 1
		check_eq "$tag: once for the burst" 1 "$(mon_count gw1 '.event == "new-mapping"')"
		check "$tag: gw1 follows (rvti sa set)" bash -ec "
			ip netns exec gw1 rvti sa set dev rvti0 dir out spi $SPI_14 encap espinudp 4500 4501
			ip netns exec gw1 rvti sa set dev rvti0 dir in spi $SPI_41 encap espinudp 4501 4500"
		check "$tag: ping host4 -> host1" ping_ok host4 $HOST1_V4 3
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		check "$tag: TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
		check_eq "$tag: no further announcement" 1 "$(mon_count gw1 '.event == "new-mapping"')"
		mon_stop gw1
		check_fails "$tag: an SA that is not there" 'no SA with this direction and SPI' \
			ip netns exec gw1 rvti sa set dev rvti0 dir out spi 0x12345 encap espinudp 1 2
		ip netns exec gw1 rvti sa add dev rvti0 dir in spi 0x4242 \
			$(rvti_alg_args gcm128 "$(suite_key gcm128)")
		check_fails "$tag: bare ESP has no ports to set" 'does not travel in UDP' \
			ip netns exec gw1 rvti sa set dev rvti0 dir in spi 0x4242 encap espinudp 1 2
	fi
	tunnel_down
done

# Shared by two tunnels, closed with the last; a port someone else holds
# is refused with the reason.
check "encap-port: two tunnels share port 4500" ip netns exec gw1 bash -ec "
	ip link add rvti0 type rvti
	ip link add rvti1 type rvti
	rvti tunnel set dev rvti0 encap-port 4500
	rvti tunnel set dev rvti1 encap-port 4500
	rvti tunnel set dev rvti1 encap-port 4500"
check "encap-port: bound" udp_bound gw1 4500
ip -n gw1 link del rvti0
check "encap-port: still bound with one of them left" udp_bound gw1 4500
ip -n gw1 link del rvti1
check "encap-port: free after the last" not udp_bound gw1 4500
check "encap-port: a UDP_ENCAP socket of a daemon on 4500" encap_sock gw1
ip -n gw1 link add rvti0 type rvti
check_fails "encap-port: a port in use is refused, saying why" \
	'in use.*IKE daemon' ip netns exec gw1 rvti tunnel set dev rvti0 encap-port 4500
check_eq "encap-port: the refused tunnel holds none" null \
	"$(ip netns exec gw1 rvti -j show dev rvti0 | jq '.[0].encap_port')"
kill "${_encap_pid[gw1]}" 2>/dev/null
wait "${_encap_pid[gw1]}" 2>/dev/null
check "encap-port: free once the daemon is gone, rvti takes it" \
	ip netns exec gw1 rvti tunnel set dev rvti0 encap-port 31000
# The namespace of creation goes away with a port held by a tunnel that
# moved out of it (and by one that stayed): the ports close with them.
check "encap-port: tunnels of a namespace that goes, one moved out" bash -ec "
	ip netns add natt-tmp
	ip -n natt-tmp link add rvti5 type rvti
	ip -n natt-tmp link add rvti6 type rvti
	ip netns exec natt-tmp rvti tunnel set dev rvti5 encap-port 4500
	ip netns exec natt-tmp rvti tunnel set dev rvti6 encap-port 4501
	ip -n natt-tmp link set rvti6 netns gw4
	ip netns del natt-tmp"
check "encap-port: the moved tunnel went with its namespace of creation" \
	wait_until 30 not ip -n gw4 link show rvti6
check "encap-port: rmmod with the port held" rmmod rvti
check "encap-port: the port is free after rmmod" not udp_bound gw1 31000
topo_down
finish
