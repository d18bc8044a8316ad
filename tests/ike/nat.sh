#!/bin/bash
# IKEv2 through a real NAT: gw1 (charon with kernel-rvti, tunnel rvti42)
# sits behind a router that translates its address and ports (nftables
# snat to 192.0.2.254, ports 31000-31099), as a site router behind a
# provider's NAT does; gw4 is public (stock charon with an XFRM interface,
# or peer=rvti: kernel-rvti with rvti42, whose remote is the NAT's public
# address):
#   host1 - gw1 [rvti42] 198.51.100.1 == nat 198.51.100.254 | 192.0.2.254
#         == 192.0.2.2 [ipsec0 or rvti42] gw4 - host4
# Both charons detect the NAT and move to UDP 4500; the CHILD_SA's ESP
# travels in UDP, on gw4's side to and from the NAT's port. The SAs read
# back with the ports charon gave them (gw1: 4500 both ways; gw4 with
# peer=rvti: the NAT's port as the peer's), traffic flows both ways, both
# inner families, and nothing is dropped for a wrong kind of packet.
#
# Run: tests/kernel/run.sh tests/ike/nat.sh [peer=rvti]
# Needs tests/ike/strongswan-src.sh and make -C userspace/charon install.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/strongswan.sh"

IFID=42
PSK='Sh0rt-example-key'
GW1_PRIV=198.51.100.1
NAT_IN=198.51.100.254
NAT_OUT=192.0.2.254

ike_peer_arg "$@"

# in_sa_received NS: "true 0" when NS's inbound rvti SA got packets and
# dropped none for the wrong kind (bare ESP or ESP in UDP).
in_sa_received() {
	ip netns exec "$1" rvti -j sa list dev rvti$IFID |
		jq -r '[.[] | (.sas // [.])[] | select(.dir == "in")][0] | "\(.stats.packets > 0) \(.stats.encap_mismatch)"'
}

# gw4_port: the port gw4's charon sees gw1 at (the NAT's).
gw4_port() {
	swanctl_in gw4 --list-sas | sed -n "s/.*remote .*$NAT_OUT\[\([0-9]*\)\].*/\1/p" | head -1
}

cleanup() {
	charon_stop_all
	topo_down
}

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { cleanup; finish; }
# The NAT router between gw1 and gw4: gw1's outer link moves behind it.
check "nat: a router translating gw1 ($GW1_PRIV) to $NAT_OUT, ports 31000-31099" bash -ec "
	ip -n gw1 link del wan0
	ip netns add nat
	ip -n nat link set lo up
	ip netns exec nat sysctl -qw net.ipv4.ip_forward=1
	ip link add wan0 netns gw1 type veth peer name in0 netns nat
	ip link add out0 netns nat type veth peer name wan0 netns gw4
	ip -n gw1 addr add $GW1_PRIV/24 dev wan0
	ip -n gw1 link set wan0 up
	ip -n gw1 route add default via $NAT_IN
	ip -n nat addr add $NAT_IN/24 dev in0
	ip -n nat addr add $NAT_OUT/24 dev out0
	ip -n nat link set in0 up
	ip -n nat link set out0 up
	ip -n gw4 addr add $GW4_OUT4/24 dev wan0
	ip -n gw4 link set wan0 up
	ip netns exec nat nft -f - <<-EOF
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname \"out0\" ip saddr $GW1_PRIV meta l4proto udp snat to $NAT_OUT:31000-31099
			oifname \"out0\" ip saddr $GW1_PRIV snat to $NAT_OUT
		}
	}
	EOF"
_topo_ns="$_topo_ns nat"
check "nat: gw1 reaches gw4 through it" ping_ok gw1 $GW4_OUT4 2

check "gw1: rvti$IFID ($GW1_PRIV -> $GW4_OUT4) and routes" \
	ike_gw_rvti gw1 $IFID $GW1_PRIV $GW4_OUT4 $SITE4_V4 $SITE4_V6
if [ $peer = xfrm ]; then
	check "gw4: xfrm interface ipsec0 (if_id $IFID) and routes" \
		ike_gw_xfrm gw4 $IFID $SITE1_V4 $SITE1_V6
	check "gw4: strongswan.conf (kernel-netlink)" ss_conf gw4 netlink
else
	# The peer as gw4 sees it: the NAT's public address.
	check "gw4: rvti$IFID ($GW4_OUT4 -> $NAT_OUT) and routes" \
		ike_gw_rvti gw4 $IFID $GW4_OUT4 $NAT_OUT $SITE1_V4 $SITE1_V6
	check "gw4: strongswan.conf (kernel-rvti)" ss_conf gw4 rvti
fi
check "gw1: strongswan.conf (kernel-rvti)" ss_conf gw1 rvti
IKE_PROPOSALS=aes128gcm16-prfsha256-ecp256
swanctl_conf gw1 $GW1_PRIV $GW4_OUT4 aes256gcm16-ecp256
# gw4 accepts gw1 from wherever the NAT puts it, by its identity.
REMOTE_ID=$GW1_PRIV swanctl_conf gw4 $GW4_OUT4 %any aes256gcm16-ecp256

if check "charon on gw1 (kernel-rvti)" charon_start gw1 &&
   check "charon on gw4 ($peer)" charon_start gw4 &&
   check "swanctl --load-all on gw1" swanctl_in gw1 --load-all &&
   check "swanctl --load-all on gw4" swanctl_in gw4 --load-all &&
   check "gw1 initiates the CHILD_SA through the NAT" \
	swanctl_in gw1 --initiate --child vnet --timeout 60; then
	sas=$(swanctl_in gw1 --list-sas)
	echo "$sas" | sed 's/^/#   /'
	# Without `encap = yes`: charon found the NAT.
	check "the CHILD_SA is TUNNEL-in-UDP (NAT detected)" grep -q 'TUNNEL-in-UDP' <<<"$sas"
	check_eq "gw1's rvti SAs: 4500 -> 4500 out, 4500 -> 4500 in" "4500 4500 | 4500 4500" \
		"$(sa_encap gw1 rvti$IFID out) | $(sa_encap gw1 rvti$IFID in)"
	# The NAT's port for gw1's port 4500, as gw4's charon sees it.
	nport=$(gw4_port)
	check "gw4 sees gw1 at the NAT's address and a port of its range ($nport)" \
		test "${nport:-0}" -ge 31000 -a "${nport:-0}" -le 31099
	if [ $peer = rvti ]; then
		check_eq "gw4's rvti SAs: to and from the NAT's port" "4500 $nport | $nport 4500" \
			"$(sa_encap gw4 rvti$IFID out) | $(sa_encap gw4 rvti$IFID in)"
	else
		check "gw4's XFRM states: ESP in UDP with the NAT's port" \
			grep -q "encap type espinudp sport $nport dport 4500" <(ip -n gw4 xfrm state)
	fi
	check "ping host1 -> host4" ping_ok host1 $HOST4_V4 5
	check "ping host4 -> host1" ping_ok host4 $HOST1_V4 5
	check "ping host1 -> host4 over IPv6 inside" ping_ok host1 $HOST4_V6 3
	check "TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
	check_eq "gw1's inbound SA received, none of a wrong kind" "true 0" \
		"$(in_sa_received gw1)"
	[ $peer = rvti ] &&
		check_eq "gw4's inbound SA received, none of a wrong kind" "true 0" \
			"$(in_sa_received gw4)"

	# The NAT forgets gw1 and maps it anew, to other ports: gw4 sees
	# ESP (and IKE) from a new port and follows (rvti: its new-mapping
	# event, relayed by kernel-rvti; charon moves the SAs' ports). The
	# NAT forgets a mapping after a second without packets; DPD may
	# refresh it meanwhile (every 10 s), then the next round does it.
	ct_timeouts=$(ip netns exec nat sysctl -n net.netfilter.nf_conntrack_udp_timeout \
		net.netfilter.nf_conntrack_udp_timeout_stream | tr '\n' ' ')
	check "nat: mappings forgotten after 1 s idle, new ones from ports 31100-31199" bash -ec "
		ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout=1
		ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout_stream=1
		ip netns exec nat nft flush chain ip nat post
		ip netns exec nat nft add rule ip nat post oifname out0 ip saddr $GW1_PRIV \\
			meta l4proto udp snat to $NAT_OUT:31100-31199
		ip netns exec nat nft add rule ip nat post oifname out0 ip saddr $GW1_PRIV \\
			snat to $NAT_OUT"
	for i in 1 2 3 4 5; do
		sleep 2.5
		ping_ok host1 $HOST4_V4 1 >/dev/null 2>&1
		for j in $(seq 10); do [ "$(gw4_port)" -ge 31100 ] 2>/dev/null && break; sleep 0.2; done
		[ "$(gw4_port)" -ge 31100 ] 2>/dev/null && break
	done
	# A NAT that keeps its new mappings again.
	set -- $ct_timeouts
	ip netns exec nat sysctl -qw net.netfilter.nf_conntrack_udp_timeout="$1" \
		net.netfilter.nf_conntrack_udp_timeout_stream="$2"
	for i in $(seq 20); do ping_ok host1 $HOST4_V4 2 >/dev/null 2>&1 && break; sleep 0.2; done
	tunnel_traffic "after the new mapping" $HOST4_V4 $HOST1_V4
	nport2=$(gw4_port)

	check "gw4's charon follows gw1 to the new port ($nport2)" \
		test "${nport2:-0}" -ge 31100 -a "${nport2:-0}" -le 31199
	if [ $peer = rvti ]; then
		check_eq "gw4's rvti SAs moved to the new port" "4500 $nport2 | $nport2 4500" \
			"$(sa_encap gw4 rvti$IFID out) | $(sa_encap gw4 rvti$IFID in)"
		# (gw1's charon may also have told gw4 over IKE, MOBIKE's
		# UPDATE_SA_ADDRESSES, when its DPD saw its NAT change.)
		check "kernel-rvti relayed rvti's new-mapping event" \
			grep -q "kernel-rvti: NAT mapping of SA .* changed to $NAT_OUT\[311" \
			"$(ss_dir gw4)/charon.log"
	else
		check "gw4's XFRM states moved to the new port" \
			grep -q "encap type espinudp sport $nport2 dport 4500" <(ip -n gw4 xfrm state)
	fi
	check "gw1 terminates the IKE_SA" swanctl_in gw1 --terminate --ike vnet --timeout 10
	check_eq "no SA left in gw1's rvti$IFID" 0 \
		"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[]] | length')"
else
	ss_log gw1
	ss_log gw4
fi
cleanup
finish
