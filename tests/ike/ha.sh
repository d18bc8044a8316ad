#!/bin/bash
# The brief's HA scenario over IKEv2 (the Azure-to-AWS pattern): the remote
# side offers two tunnel endpoints, gw4's 192.0.2.2 (tunnel A) and
# 192.0.2.3 (tunnel B), and each gateway builds one CHILD_SA to each:
# rvti42 (A) and rvti43 (B) on both sides, charon with kernel-rvti, both
# tunnels labelled with the remote site and holding its address spaces
# with one ECMP route. Dead peer detection every 2 s, dpd_action = clear.
#   host1 - gw1 [rvti42, rvti43] 192.0.2.1 == 192.0.2.2 (A), 192.0.2.3 (B)
#         [rvti42, rvti43] gw4 - host4
# Host routes pin host1 <-> host4 to tunnel A on both sides. Then A's
# endpoint goes dark (nftables on gw4 drops all to and from 192.0.2.2):
# dead peer detection deletes A's SAs on both sides, rvti42 says it is no
# longer connected (state, kernel log, event), and the pinned traffic is
# carried by rvti43 without any route change. A comes back with a new
# CHILD_SA and carries its traffic again.
#
# Run: tests/kernel/run.sh tests/ike/ha.sh
# Needs tests/ike/strongswan-src.sh and make -C userspace/charon install.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/strongswan.sh"

PSK='Sh0rt-example-key'
GW4_B=192.0.2.3

# wait_state NS EXPECTED [SECONDS]: until states NS says EXPECTED.
wait_state() { wait_eq "$2" "${3:-60}" states "$1"; }
failover() { ip netns exec "$1" rvti -j show dev rvti42 | jq '.[0].stats.failover'; }

cleanup() {
	charon_stop_all
	topo_down
}

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { cleanup; finish; }
check "gw4: a second outer address ($GW4_B) for tunnel B" \
	ip -n gw4 addr add $GW4_B/24 dev wan0

# ha_gw NS LOCAL_A REMOTE_A LOCAL_B REMOTE_B SITE PREFIX...
ha_gw() {
	local ns=$1 la=$2 ra=$3 lb=$4 rb=$5 site=$6 p
	shift 6
	ike_gw_rvti "$ns" 42 "$la" "$ra" && ike_gw_rvti "$ns" 43 "$lb" "$rb" &&
		{
			echo "tunnel set dev rvti42 site $site"
			echo "tunnel set dev rvti43 site $site"
			for p; do
				echo "prefix add dev rvti42 $p route"
				echo "prefix add dev rvti43 $p route"
			done
		} | ip netns exec "$ns" rvti -b -
}
check "gw1: rvti42 (A) and rvti43 (B), site vnet4, ECMP routes" \
	ha_gw gw1 $GW1_OUT4 $GW4_OUT4 $GW1_OUT4 $GW4_B vnet4 $SITE4_V4 $SITE4_V6
check "gw4: rvti42 (A) and rvti43 (B), site vnet1, ECMP routes" \
	ha_gw gw4 $GW4_OUT4 $GW1_OUT4 $GW4_B $GW1_OUT4 vnet1 $SITE1_V4 $SITE1_V6
check "gw1: strongswan.conf (kernel-rvti)" ss_conf gw1 rvti
check "gw4: strongswan.conf (kernel-rvti)" ss_conf gw4 rvti
DPD_DELAY=2s
IKE_PROPOSALS=aes128gcm16-prfsha256-ecp256
CONN=tun-a IFID=42 swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 aes256gcm16-ecp256 "dpd_action = clear"
CONN=tun-b IFID=43 swanctl_conf gw1 $GW1_OUT4 $GW4_B aes256gcm16-ecp256 "dpd_action = clear"
CONN=tun-a IFID=42 swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 aes256gcm16-ecp256 "dpd_action = clear"
CONN=tun-b IFID=43 swanctl_conf gw4 $GW4_B $GW1_OUT4 aes256gcm16-ecp256 "dpd_action = clear"

if ! { check "charon on gw1 (kernel-rvti)" charon_start gw1 &&
       check "charon on gw4 (kernel-rvti)" charon_start gw4 &&
       check "swanctl --load-all on gw1" swanctl_in gw1 --load-all &&
       check "swanctl --load-all on gw4" swanctl_in gw4 --load-all &&
       check "gw1 initiates tunnel A" swanctl_in gw1 --initiate --child tun-a --timeout 60 &&
       check "gw1 initiates tunnel B" swanctl_in gw1 --initiate --child tun-b --timeout 60; }; then
	ss_log gw1
	cleanup
	finish
fi
check "gw1: both tunnels connected" wait_state gw1 "rvti42=connected rvti43=connected" 10
check "gw4: both tunnels connected" wait_state gw4 "rvti42=connected rvti43=connected" 10
check "ping host1 -> host4 across the ECMP routes" ping_ok host1 $HOST4_V4 3
check "... and over IPv6 inside" ping_ok host1 $HOST4_V6 3

# host1 <-> host4 through tunnel A, both ways, whatever the ECMP hash says.
$G1 ip route add $HOST4_V4/32 dev rvti42
$G4 ip route add $HOST1_V4/32 dev rvti42
a1=$(out_packets gw1 rvti42) a4=$(out_packets gw4 rvti42)
check "pinned to tunnel A: ping host1 -> host4" ping_ok host1 $HOST4_V4 5
check_inc "gw1: tunnel A carried it" "$a1" "$(out_packets gw1 rvti42)" 5
check_inc "gw4: tunnel A carried the replies" "$a4" "$(out_packets gw4 rvti42)" 5

# Tunnel A's endpoint goes dark.
mon_start gw1
f1=$(failover gw1) f4=$(failover gw4) l1=$(logged 'rvti42: not connected')
check "gw4: everything to and from $GW4_OUT4 dropped (nftables)" bash -c "
	ip netns exec gw4 nft -f - <<-EOF
	table inet dark {
		chain in { type filter hook input priority 0; ip daddr $GW4_OUT4 drop; }
		chain out { type filter hook output priority 0; ip saddr $GW4_OUT4 drop; }
	}
	EOF"
# Dead peer detection: about 25 s after the last reply (ss_conf).
check "gw1: DPD cleared tunnel A; B still connected" \
	wait_state gw1 "rvti42=no-out-sa rvti43=connected" 90
check "gw4: the same on its side" \
	wait_state gw4 "rvti42=no-out-sa rvti43=connected" 60
check "gw1: charon gave up on tunnel A's peer" \
	grep -Eq 'giving up after|retransmit .* of request' "$(ss_dir gw1)/charon.log"
check_inc "the kernel log says rvti42 is no longer connected" "$l1" \
	"$(logged 'rvti42: not connected')"
check "gw1's monitor saw it" \
	mon_wait gw1 '.event == "tunnel-change" and .dev == "rvti42" and .state == "no-out-sa"' 1
mon_stop gw1
b1=$(out_packets gw1 rvti43) b4=$(out_packets gw4 rvti43)
check "still pinned to tunnel A: ping host1 -> host4 (B carries it)" ping_ok host1 $HOST4_V4 10
check "... TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
check "... IPv6 across the ECMP routes" ping_ok host1 $HOST4_V6 5
check_inc "gw1: rvti42 handed its packets over" "$f1" "$(failover gw1)" 10
check_inc "gw4: rvti42 handed the replies over" "$f4" "$(failover gw4)" 10
check_inc "gw1: tunnel B carried them" "$b1" "$(out_packets gw1 rvti43)" 10
check_inc "gw4: tunnel B carried the replies" "$b4" "$(out_packets gw4 rvti43)" 10

# Tunnel A's endpoint is back: a new CHILD_SA, and A carries its own again.
ip netns exec gw4 nft delete table inet dark
check "gw1 initiates tunnel A again" \
	swanctl_in gw1 --initiate --child tun-a --timeout 60
check "gw1: both connected again" wait_state gw1 "rvti42=connected rvti43=connected" 10
check "gw4: both connected again" wait_state gw4 "rvti42=connected rvti43=connected" 10
f1=$(failover gw1) a1=$(out_packets gw1 rvti42)
check "pinned to tunnel A: ping host1 -> host4" ping_ok host1 $HOST4_V4 5
check_inc "gw1: tunnel A carries it again" "$a1" "$(out_packets gw1 rvti42)" 5
check_eq "gw1: nothing handed over" "$f1" "$(failover gw1)"

cleanup
finish
