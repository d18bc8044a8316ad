#!/bin/bash
# `make demo-ike`'s payload, inside the test kernel: the product brief's
# VNet-to-VNet scenario keyed by IKEv2. Each gateway runs Debian's
# strongSwan (charon) with the kernel-rvti plugin; the operator writes the
# swanctl.conf of a route-based tunnel (if_id 42 -> device rvti42) with a
# pre-shared key, and the CHILD_SA lands in rvti:
#
#   host1 10.1.0.10 - gw1 [rvti42] 192.0.2.1 ==IKEv2+ESP== 192.0.2.2 [rvti42] gw4 - host4 10.41.0.10
#        (VNet1 10.1.0.0/16)                                           (VNet4 10.41.0.0/16)
#
# Shown and checked: the connection ESTABLISHED and INSTALLED, the other
# site's address space as the tunnel's prefix (from the traffic
# selectors), traffic both ways, rvti's counters, and a CHILD_SA rekey
# under a ping flood that loses nothing. Exit status 0 only when every
# check passed; the last line says which.
. "$(dirname "$0")/lib/guest.sh"
. "$(dirname "$0")/lib/topo.sh"
. "$(dirname "$0")/lib/strongswan.sh"
. "$(dirname "$0")/lib/demo.sh"

abort() {
	fail "$1"
	for ns in gw1 gw4; do [ -e "$(ss_dir $ns)/charon.log" ] && ss_log $ns; done
	charon_stop_all
	topo_down
	echo "demo-ike: FAILED"
	finish
}

PSK='Sh0rt-example-key'
# demo_conf NS LOCAL REMOTE LOCAL_SPACE REMOTE_SPACE: an operator's
# swanctl.conf, modelled on the cloud gateways' defaults.
demo_conf() {
	cat >"$(ss_dir "$1")/swanctl/swanctl.conf" <<-EOF
	connections {
	    vnet {
	        version = 2
	        local_addrs = $2
	        remote_addrs = $3
	        proposals = aes256-sha256-modp2048
	        dpd_delay = 45s
	        local {
	            auth = psk
	            id = $2
	        }
	        remote {
	            auth = psk
	            id = $3
	        }
	        children {
	            vnet {
	                local_ts = $4
	                remote_ts = $5
	                if_id_in = 42
	                if_id_out = 42
	                esp_proposals = aes256gcm16-ecp256
	                rekey_time = 1h
	            }
	        }
	    }
	}
	secrets {
	    ike-vnet {
	        id-1 = $2
	        id-2 = $3
	        secret = "$PSK"
	    }
	}
	EOF
}

load_rvti
topo_up || abort "the namespaces could not be set up"

say "each gateway: an rvti tunnel device rvti42 (if_id 42), a route to the other site"
for gw in gw1 gw4; do
	if [ $gw = gw1 ]; then l=$GW1_OUT4 r=$GW4_OUT4 site=$SITE4_V4
	else l=$GW4_OUT4 r=$GW1_OUT4 site=$SITE1_V4; fi
	step "$gw: rvti42 created" ip netns exec $gw ip link add rvti42 type rvti
	step "$gw: outer endpoints $l -> $r" ip netns exec $gw rvti tunnel set dev rvti42 local $l remote $r
	step "$gw: rvti42 up" ip netns exec $gw ip link set rvti42 up
	step "$gw: route to $site into rvti42" ip netns exec $gw ip route add $site dev rvti42
done

say "each gateway: charon with the kernel-rvti plugin; gw1's swanctl.conf:"
ss_conf gw1 rvti && ss_conf gw4 rvti || abort "strongswan.conf"
demo_conf gw1 $GW1_OUT4 $GW4_OUT4 $SITE1_V4 $SITE4_V4
demo_conf gw4 $GW4_OUT4 $GW1_OUT4 $SITE4_V4 $SITE1_V4
sed -e 's/^/  /' -e "s/secret = .*/secret = \"(${#PSK} characters)\"/" "$(ss_dir gw1)/swanctl/swanctl.conf"
# (not through step/run: charon_start records the daemon's pid in this shell)
for gw in gw1 gw4; do
	nchecks=$((nchecks + 1))
	echo "\$ charon (STRONGSWAN_CONF=$(ss_dir $gw)/strongswan.conf) in $gw"
	if charon_start $gw; then pass "$gw: charon started"; else abort "$gw: charon did not start"; fi
done
nchecks=$((nchecks + 1))
if grep -q 'loaded plugins:.*kernel-rvti' "$(ss_dir gw1)/charon.log"; then
	pass "gw1's charon loaded kernel-rvti"
else
	fail "gw1's charon loaded kernel-rvti"
fi
step "gw1: swanctl --load-all" swanctl_in gw1 --load-all
step "gw4: swanctl --load-all" swanctl_in gw4 --load-all

say "gw1 initiates: IKEv2 with the pre-shared key, then the CHILD_SA"
step "the CHILD_SA is up" swanctl_in gw1 --initiate --child vnet --timeout 30 ||
	abort "the connection did not come up"
sas=$(swanctl_in gw1 --list-sas)
sed 's/^/  /' <<<"$sas"
nchecks=$((nchecks + 1))
if grep -q ESTABLISHED <<<"$sas" && grep -q INSTALLED <<<"$sas"; then
	pass "swanctl --list-sas: ESTABLISHED and INSTALLED"
else
	fail "swanctl --list-sas: ESTABLISHED and INSTALLED"
fi

say "rvti on gw1: the negotiated SAs, and VNet4's space as the tunnel's prefix"
run ip netns exec gw1 rvti show dev rvti42
expect "gw1: rvti42's prefix is the remote traffic selector" "$SITE4_V4" \
	"$(ip netns exec gw1 rvti -j prefix list dev rvti42 | jq -r '.[0].prefix')"
expect "gw1: rvti42 holds one inbound and one outbound SA" "in out" \
	"$(ip netns exec gw1 rvti -j sa list dev rvti42 | jq -r '[.[] | (.sas // [.])[] | .dir] | sort | join(" ")')"

say "traffic: ping both ways, then a TCP transfer (iperf3, 4 MB)"
step "ping VNet1 -> VNet4" ip netns exec host1 ping -c 3 -i 0.3 -W 2 $HOST4_V4
step "ping VNet4 -> VNet1" ip netns exec host4 ping -c 3 -i 0.3 -W 2 $HOST1_V4
nchecks=$((nchecks + 1))
if tcp_xfer host1 $HOST4_V4; then pass "TCP transfer VNet1 -> VNet4"; else fail "TCP transfer VNet1 -> VNet4"; fi

say "the counters: rvti's, and charon reading them (swanctl --list-sas)"
run ip netns exec gw1 rvti -s show dev rvti42
swanctl_in gw1 --list-sas | grep -E ' (in|out) ' | sed 's/^/  /'
sa_packets() { ip netns exec $1 rvti -j show dev rvti42 | jq "[.[0].sas[] | select(.dir == \"$2\") | .stats.packets] | add // 0"; }
nchecks=$((nchecks + 1))
if [ "$(sa_packets gw1 in)" -gt 0 ] && [ "$(sa_packets gw1 out)" -gt 0 ] &&
   [ "$(sa_packets gw4 in)" -gt 0 ] && [ "$(sa_packets gw4 out)" -gt 0 ]; then
	pass "data in and out on both gateways"
else
	fail "data in and out on both gateways"
fi

say "a CHILD_SA rekey in the middle of a ping flood (400 packets, 200/s)"
old=$(swanctl_in gw1 --list-sas | awk '$1 == "in" { print $2; exit }')
ip netns exec host1 ping -c 400 -i 0.005 -W 2 -q $HOST4_V4 >/tmp/demo-flood 2>&1 &
flood=$!
sleep 0.5
step "swanctl --rekey --child vnet" swanctl_in gw1 --rekey --child vnet
wait $flood
sed 's/^/  /' /tmp/demo-flood | grep packets
nchecks=$((nchecks + 1))
if grep -q ' 400 received' /tmp/demo-flood; then
	pass "no packet lost across the rekey"
else
	fail "no packet lost across the rekey"
fi
for _ in $(seq 50); do
	new=$(swanctl_in gw1 --list-sas | awk '$1 == "in" { print $2; exit }')
	n=$(ip netns exec gw1 rvti -j sa list dev rvti42 | jq '[.[] | (.sas // [.])[]] | length')
	[ -n "$new" ] && [ "$new" != "$old" ] && [ "$n" = 2 ] && break
	sleep 0.2
done
run ip netns exec gw1 rvti show dev rvti42
expect "after the rekey: new SPIs, and only the new SAs in rvti42" "new 2" \
	"$([ -n "$new" ] && [ "$new" != "$old" ] && echo new) $n"

say "gw1 closes the connection: the SAs and the selector prefix leave rvti42"
step "swanctl --terminate --ike vnet" swanctl_in gw1 --terminate --ike vnet --timeout 10
expect "no SA and no prefix left on gw1" "0 0" \
	"$(ip netns exec gw1 rvti -j sa list dev rvti42 | jq '[.[] | (.sas // [.])[]] | length') $(ip netns exec gw1 rvti -j prefix list dev rvti42 | jq length)"

charon_stop_all
topo_down
rmmod rvti

echo
if [ "$_failed" = 0 ]; then
	echo "demo-ike: all $nchecks checks passed"
else
	echo "demo-ike: FAILED (see the \"not ok\" lines above)"
fi
finish
