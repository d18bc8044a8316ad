#!/bin/bash
# IKEv2 with a pre-shared key between gw1 (Debian's charon with the
# kernel-rvti plugin, tunnel rvti42) and gw4 (stock charon, kernel-netlink,
# XFRM interface ipsec0 with if_id 42): route-based, 0.0.0.0/0 and ::/0
# selectors, DH 14 for IKE and 19 for ESP:
#   host1 - gw1 [rvti42] == wan0 (192.0.2.0/24) == [ipsec0] gw4 - host4
# The CHILD_SA comes up, its SAs are in rvti42 with the SPIs swanctl
# shows, hosts ping each other both ways, rvti counts the traffic, and
# charon's query_sa (swanctl --list-sas bytes) reads rvti's counters.
# Then: a CHILD_SA rekey during a ping (nothing lost, only the new SAs left
# in rvti), a rekey started by rvti's soft byte-limit expiry, a wrong
# pre-shared key (nothing installed), a trap policy brought up by rvti's
# acquire event, and NAT traversal forced with `encap = yes` (ESP in UDP
# 4500, outer IPv4 and IPv6).
#
# Run: tests/kernel/run.sh tests/ike/psk.sh [GCM] [CBC] [CHACHA] [peer=rvti]
# (default: GCM and CBC, gw4 with XFRM; peer=rvti: gw4 runs kernel-rvti
# with its own rvti42 too).
# Needs tests/ike/strongswan-src.sh and make -C userspace/charon install.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"
. "$(dirname "$0")/../lib/strongswan.sh"

IFID=42
PSK_SHORT='Sh0rt-example-key'
# 128 characters, the longest the cloud gateways accept
PSK_LONG=$(printf 'k%.0s' $(seq 64); printf '7%.0s' $(seq 64))
PSK=$PSK_SHORT

# rvti_spis DIR: the SPIs (hex) of gw1's rvti SAs of direction DIR.
rvti_spis() {
	ip netns exec gw1 rvti -j sa list dev rvti$IFID |
		jq -r --arg d "$1" '[.[] | (.sas // [.])[] | select(.dir == $d) | .spi] | map(tostring) | join(" ")' |
		xargs -n1 -r printf '%08x\n' | sort | tr '\n' ' ' | sed 's/ $//'
}

rvti_sa_count() {
	ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[]] | length'
}

# child_spi DIR: the SPI of the installed CHILD_SA in swanctl --list-sas.
child_spi() {
	swanctl_in gw1 --list-sas 2>/dev/null | awk -v d="$1" '$1 == d { s = $2 } END { print s }'
}

# rekey_checks SUITE OLD_IN OLD_OUT: a CHILD_SA rekey started by swanctl
# during a ping, then one started by rvti's soft byte-limit expiry.
rekey_checks() {
	local suite=$1 old_in=$2 old_out=$3 new_in new_out i
	flood_start
	check "$suite: swanctl --rekey --child vnet" swanctl_in gw1 --rekey --child vnet
	flood_check "$suite: ping flood across the CHILD_SA rekey"
	for i in $(seq 50); do
		new_in=$(child_spi in)
		[ -n "$new_in" ] && [ "$new_in" != "$old_in" ] && [ "$(rvti_spis in)" = "$new_in" ] && break
		sleep 0.2
	done
	new_out=$(child_spi out)
	check_eq "$suite: after the rekey rvti holds only the new inbound SA" "$new_in" "$(rvti_spis in)"
	check_eq "$suite: after the rekey rvti holds only the new outbound SA" "$new_out" "$(rvti_spis out)"
	check "$suite: the rekey made new SPIs" test "$new_in" != "$old_in" -a "$new_out" != "$old_out"
	for i in $(seq 50); do
		[ "$(peer_sa_count)" = 2 ] && break
		sleep 0.2
	done
	check_eq "$suite: the peer ($peer) holds only the two new SAs" 2 "$(peer_sa_count)"

	# IKE_SA rekey: the CHILD_SAs move to the new IKE_SA untouched.
	flood_start
	check "$suite: swanctl --rekey --ike vnet" swanctl_in gw1 --rekey --ike vnet
	flood_check "$suite: ping flood across the IKE_SA rekey"
	check_eq "$suite: the IKE_SA rekey left the inbound SA alone" "$new_in" "$(rvti_spis in)"
	check_eq "$suite: the IKE_SA rekey left the outbound SA alone" "$new_out" "$(rvti_spis out)"
}

# A ping flood from host1 to host4 (600 echo requests, 200 per second)
# into which a rekey falls: flood_start, the rekey, flood_check WHAT.
flood_start() {
	ip netns exec host1 ping -c 600 -i 0.005 -W 2 -q $HOST4_V4 >"$TOPO_TMP/ping-rekey" 2>&1 &
	_flood=$!
	sleep 0.5
}
flood_check() {
	wait $_flood
	sed 's/^/#   /' "$TOPO_TMP/ping-rekey" | grep packets
	check "$1: 600 of 600 answered" grep -q ' 600 received' "$TOPO_TMP/ping-rekey"
}

# peer_sa_count: how many SAs gw4 holds (XFRM states or rvti SAs).
peer_sa_count() {
	if [ "$peer" = xfrm ]; then
		ip -n gw4 xfrm state | grep -c '^src'
	else
		ip netns exec gw4 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[]] | length'
	fi
}

# byte_limit_checks: gw1's CHILD_SA has rekey_bytes; traffic beyond it
# makes rvti send a soft expiry, the plugin relays it, charon rekeys.
byte_limit_checks() {
	local old_in new_in i
	old_in=$(child_spi in)
	ip netns exec host1 ping -c 40 -i 0.05 -s 1000 -W 1 -q $HOST4_V4 >/dev/null 2>&1
	for i in $(seq 50); do
		new_in=$(child_spi in)
		[ -n "$new_in" ] && [ "$new_in" != "$old_in" ] && break
		sleep 0.2
	done
	check "bytes: rvti's soft expiry relayed to charon" \
		grep -q 'kernel-rvti: soft expiry of SA' "$(ss_dir gw1)/charon.log"
	check "bytes: charon rekeyed the CHILD_SA (new inbound SPI)" \
		test -n "$new_in" -a "$new_in" != "$old_in"
	check "bytes: ping after the byte-limit rekey" ping_ok host1 $HOST4_V4 3
}

cleanup() {
	charon_stop_all
	topo_down
}

suites="" peer=xfrm
for a; do
	case $a in
	peer=xfrm | peer=rvti) peer=${a#peer=} ;;
	GCM | CBC | CHACHA) suites="$suites $a" ;;
	*) fail "unknown argument $a"; finish ;;
	esac
done
suites=${suites:-GCM CBC}

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }

# gw1: an rvti device with the endpoints, no SA; routes of site 4 into it.
check "gw1: rvti$IFID with endpoints and routes" \
	ike_gw_rvti gw1 $IFID $GW1_OUT4 $GW4_OUT4 $SITE4_V4 $SITE4_V6
if [ $peer = xfrm ]; then
	# gw4: an XFRM interface bound to the same if_id.
	check "gw4: xfrm interface ipsec0 (if_id $IFID) and routes" \
		ike_gw_xfrm gw4 $IFID $SITE1_V4 $SITE1_V6
else
	check "gw4: rvti$IFID with endpoints and routes" \
		ike_gw_rvti gw4 $IFID $GW4_OUT4 $GW1_OUT4 $SITE1_V4 $SITE1_V6
fi

check "gw1: strongswan.conf (kernel-rvti)" ss_conf gw1 rvti
if [ $peer = xfrm ]; then
	check "gw4: strongswan.conf (kernel-netlink)" ss_conf gw4 netlink
else
	check "gw4: strongswan.conf (kernel-rvti)" ss_conf gw4 rvti
fi

for suite in $suites; do
	# GCM: IKE with DH 19 and the short key; CBC: IKE with DH 14 and a
	# 128-character key. ESP always with DH 19 (PFS).
	case $suite in
	GCM) esp=aes256gcm16-ecp256 PSK=$PSK_SHORT
	     IKE_PROPOSALS=aes128gcm16-prfsha256-ecp256 ;;
	CBC) esp=aes128-sha256-ecp256 PSK=$PSK_LONG
	     IKE_PROPOSALS=aes256-sha256-modp2048 ;;
	# ChaCha20-Poly1305 with extended sequence numbers (Linux peers)
	CHACHA) esp=chacha20poly1305-ecp256-esn PSK=$PSK_SHORT
	     IKE_PROPOSALS=aes128gcm16-prfsha256-ecp256 ;;
	*) fail "unknown suite $suite"; continue ;;
	esac
	swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 $esp
	swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 $esp
	if ! check "$suite: charon on gw1 (kernel-rvti)" charon_start gw1 ||
	   ! check "$suite: charon on gw4 ($([ $peer = xfrm ] && echo kernel-netlink || echo kernel-rvti))" charon_start gw4; then
		charon_stop_all
		continue
	fi
	check_eq "$suite: pre-shared key length" "$([ $suite = CBC ] && echo 128 || echo 17)" "${#PSK}"
	check "$suite: gw1 charon uses kernel-rvti" \
		grep -q 'loaded plugins:.*kernel-rvti' "$(ss_dir gw1)/charon.log"
	check "$suite: swanctl --load-all on gw1" swanctl_in gw1 --load-all
	check "$suite: swanctl --load-all on gw4" swanctl_in gw4 --load-all
	if ! check "$suite: gw1 initiates the CHILD_SA" \
		swanctl_in gw1 --initiate --child vnet --timeout 60; then
		ss_log gw1
		ss_log gw4
		charon_stop_all
		continue
	fi
	sas=$(swanctl_in gw1 --list-sas)
	check "$suite: swanctl --list-sas on gw1: ESTABLISHED and INSTALLED" \
		bash -c 'grep -q ESTABLISHED <<<"$1" && grep -q INSTALLED <<<"$1"' _ "$sas"
	echo "$sas" | sed 's/^/#   /'
	# "in  ca8c15e8 (-|0x0000002a), ..." and "out cfa2ac33 ..."
	spi_in=$(awk '$1 == "in" { print $2; exit }' <<<"$sas")
	spi_out=$(awk '$1 == "out" { print $2; exit }' <<<"$sas")
	check_eq "$suite: rvti$IFID holds the inbound SA swanctl shows" "$((0x${spi_in:-0}))" \
		"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[] | select(.dir == "in") | .spi] | .[0]')"
	check_eq "$suite: rvti$IFID holds the outbound SA swanctl shows" "$((0x${spi_out:-0}))" \
		"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[] | select(.dir == "out") | .spi] | .[0]')"
	if [ "$suite" = CHACHA ]; then
		check_eq "$suite: rvti$IFID's SAs are ChaCha20-Poly1305 with ESN" \
			'["rfc7539esp(chacha20,poly1305) true"]' \
			"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq -c '[.[] | (.sas // [.])[] | "\(.aead) \(.esn)"] | unique')"
	fi
	check "$suite: ping host1 -> host4" ping_ok host1 $HOST4_V4 5
	check "$suite: ping host4 -> host1" ping_ok host4 $HOST1_V4 5
	check "$suite: ping host1 -> host4 over IPv6 inside" ping_ok host1 $HOST4_V6 3
	check "$suite: TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
	ip netns exec gw1 rvti -j sa list dev rvti$IFID | sed 's/^/#   /'
	sas=$(swanctl_in gw1 --list-sas)
	echo "$sas" | grep -E 'in |out ' | sed 's/^/#   /'
	check "$suite: swanctl shows rvti's counters (query_sa)" \
		bash -c 'grep -Eq "in  .*[1-9][0-9]* bytes, +[1-9][0-9]* packets" <<<"$1"' _ "$sas"
	if [ "$suite" = GCM ]; then
		rekey_checks "$suite" "$spi_in" "$spi_out"
	fi
	check "$suite: gw1 terminates the IKE_SA" swanctl_in gw1 --terminate --ike vnet --timeout 10
	check_eq "$suite: no SA left in rvti$IFID" 0 \
		"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[]] | length')"
	if grep -Eiq 'key|secret' <(grep -v 'loaded plugins\|keymat\|adding secret\|loaded .*secret\|IKE_SA_INIT\|authentication of' "$(ss_dir gw1)/charon.log" | grep -i 'kernel-rvti'); then
		fail "$suite: kernel-rvti log lines mention keys"
	else
		pass "$suite: kernel-rvti log lines do not mention keys"
	fi
	grep 'kernel-rvti' "$(ss_dir gw1)/charon.log" | sed 's/^/#   gw1: /'
	charon_stop_all
done
PSK=$PSK_SHORT
unset IKE_PROPOSALS

# Narrow traffic selectors: the remote site's address space becomes a
# prefix of rvti42 while the CHILD_SA lives (rvti then drops what the
# CHILD_SA does not cover). A prefix the operator configured stays; one
# that overlaps another site's tunnel makes the installation fail.
prefixes() { ip netns exec gw1 rvti -j prefix list dev rvti$IFID | jq -r '[.[] | (.prefixes // [.])[] | (.prefix // .)] | map(tostring) | sort | join(" ")'; }
LOCAL_TS="$SITE1_V4, $SITE1_V6" REMOTE_TS="$SITE4_V4, $SITE4_V6" \
	swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 aes256gcm16-ecp256
LOCAL_TS="$SITE4_V4, $SITE4_V6" REMOTE_TS="$SITE1_V4, $SITE1_V6" \
	swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 aes256gcm16-ecp256
ip netns exec gw1 rvti prefix add dev rvti$IFID $SITE4_V6
if charon_start gw1 && charon_start gw4 &&
   swanctl_in gw1 --load-all >/dev/null && swanctl_in gw4 --load-all >/dev/null &&
   check "narrow: gw1 initiates the CHILD_SA ($SITE1_V4 === $SITE4_V4 and IPv6)" \
	swanctl_in gw1 --initiate --child vnet --timeout 60; then
	check_eq "narrow: the remote selectors are rvti$IFID's prefixes" \
		"$SITE4_V4 $SITE4_V6" "$(prefixes)"
	check "narrow: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
	check "narrow: ping host1 -> host4 over IPv6 inside" ping_ok host1 $HOST4_V6 3
	check "narrow: gw1 terminates the IKE_SA" swanctl_in gw1 --terminate --ike vnet --timeout 10
	check_eq "narrow: the plugin's prefix is gone, the operator's stays" \
		"$SITE4_V6" "$(prefixes)"
	ip netns exec gw1 bash -c "ip link add rvti43 type rvti &&
		rvti prefix add dev rvti43 10.41.0.0/17"
	check_fails "narrow: a selector that overlaps another site's tunnel is refused" \
		'failed' swanctl_in gw1 --initiate --child vnet --timeout 40
	check "narrow: charon's log says why" \
		grep -q "kernel-rvti: cannot make 10.41.0.0/16 a prefix of rvti$IFID: it overlaps" \
		"$(ss_dir gw1)/charon.log"
	for i in $(seq 50); do [ "$(rvti_sa_count)" = 0 ] && break; sleep 0.2; done
	check_eq "narrow: no SA left in rvti$IFID" 0 "$(rvti_sa_count)"
	ip netns exec gw1 ip link del rvti43
else
	fail "narrow: the tunnel did not come up"
	ss_log gw1
fi
ip netns exec gw1 rvti prefix flush dev rvti$IFID
charon_stop_all

# IPv6 outer addresses: IKE and ESP between 2001:db8:ffff::1 and ::2, the
# tunnel's endpoints changed to them.
ip netns exec gw1 rvti tunnel set dev rvti$IFID local $GW1_OUT6 remote $GW4_OUT6
[ $peer = rvti ] &&
	ip netns exec gw4 rvti tunnel set dev rvti$IFID local $GW4_OUT6 remote $GW1_OUT6
swanctl_conf gw1 $GW1_OUT6 $GW4_OUT6 aes256gcm16-ecp256
swanctl_conf gw4 $GW4_OUT6 $GW1_OUT6 aes256gcm16-ecp256
if charon_start gw1 && charon_start gw4 &&
   swanctl_in gw1 --load-all >/dev/null && swanctl_in gw4 --load-all >/dev/null &&
   check "outer IPv6: gw1 initiates the CHILD_SA" \
	swanctl_in gw1 --initiate --child vnet --timeout 60; then
	check_eq "outer IPv6: rvti$IFID holds both SAs" 2 "$(rvti_sa_count)"
	check "outer IPv6: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
	check "outer IPv6: ping host4 -> host1 over IPv6 inside" ping_ok host4 $HOST1_V6 3
	check "outer IPv6: rvti's SAs carried the traffic" test "$(ip netns exec gw1 rvti -j sa list dev rvti$IFID |
		jq '[.[] | (.sas // [.])[] | .stats.packets] | add')" -gt 0
else
	fail "outer IPv6: the tunnel did not come up"
	ss_log gw1
fi
charon_stop_all
ip netns exec gw1 rvti tunnel set dev rvti$IFID local $GW1_OUT4 remote $GW4_OUT4
[ $peer = rvti ] &&
	ip netns exec gw4 rvti tunnel set dev rvti$IFID local $GW4_OUT4 remote $GW1_OUT4

# NAT traversal: `encap = yes` makes both charons send ESP in UDP 4500 as
# if a NAT were between them. rvti's SAs get the IKE SA's ports, charon's
# port 4500 socket hands rvti the ESP (kernel-rvti's enable_udp_decap), and
# the traffic flows, over outer IPv4 and IPv6.
for fam in 4 6; do
	if [ $fam = 6 ]; then
		l1=$GW1_OUT6 l4=$GW4_OUT6
	else
		l1=$GW1_OUT4 l4=$GW4_OUT4
	fi
	ip netns exec gw1 rvti tunnel set dev rvti$IFID local $l1 remote $l4
	[ $peer = rvti ] &&
		ip netns exec gw4 rvti tunnel set dev rvti$IFID local $l4 remote $l1
	CONN_OPTS="encap = yes" swanctl_conf gw1 $l1 $l4 aes256gcm16-ecp256
	CONN_OPTS="encap = yes" swanctl_conf gw4 $l4 $l1 aes256gcm16-ecp256
	if charon_start gw1 && charon_start gw4 &&
	   swanctl_in gw1 --load-all >/dev/null && swanctl_in gw4 --load-all >/dev/null &&
	   check "NAT-T IPv$fam: gw1 initiates the CHILD_SA with UDP encapsulation" \
		swanctl_in gw1 --initiate --child vnet --timeout 60; then
		sas=$(swanctl_in gw1 --list-sas)
		echo "$sas" | sed 's/^/#   /'
		check "NAT-T IPv$fam: swanctl shows the CHILD_SA as TUNNEL-in-UDP" \
			grep -q 'TUNNEL-in-UDP' <<<"$sas"
		check_eq "NAT-T IPv$fam: both rvti SAs carry ESP in UDP 4500 <-> 4500" \
			'[{"type":"espinudp","sport":4500,"dport":4500}]' \
			"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq -c '[.[] | (.sas // [.])[] | .encap] | unique')"
		check "NAT-T IPv$fam: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		check "NAT-T IPv$fam: ping host4 -> host1 over IPv6 inside" ping_ok host4 $HOST1_V6 3
		check_eq "NAT-T IPv$fam: rvti's inbound SA received them, none of a wrong kind" \
			"true 0" "$(ip netns exec gw1 rvti -j sa list dev rvti$IFID |
			jq -r '[.[] | (.sas // [.])[] | select(.dir == "in")][0] | "\(.stats.packets > 0) \(.stats.encap_mismatch)"')"
	else
		fail "NAT-T IPv$fam: the tunnel did not come up"
		ss_log gw1
		ss_log gw4
	fi
	charon_stop_all
done
ip netns exec gw1 rvti tunnel set dev rvti$IFID local $GW1_OUT4 remote $GW4_OUT4
[ $peer = rvti ] &&
	ip netns exec gw4 rvti tunnel set dev rvti$IFID local $GW4_OUT4 remote $GW1_OUT4

# Byte limit: soft expiry after at most 20000 bytes (charon subtracts a
# random jitter); a hard limit far above, so that the rekey acts first.
swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 aes256gcm16-ecp256 "rekey_bytes = 20000
					life_bytes = 2000000
					rand_bytes = 2000"
swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 aes256gcm16-ecp256
if charon_start gw1 && charon_start gw4 &&
   swanctl_in gw1 --load-all >/dev/null && swanctl_in gw4 --load-all >/dev/null &&
   swanctl_in gw1 --initiate --child vnet --timeout 60 >/dev/null; then
	pass "bytes: the tunnel with rekey_bytes comes up"
	byte_limit_checks
else
	fail "bytes: the tunnel did not come up"
	ss_log gw1
fi
charon_stop_all

# Wrong pre-shared key: no SA in rvti.
swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 aes256gcm16-ecp256 "" "the-right-key"
swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 aes256gcm16-ecp256 "" "a-wrong-key"
if charon_start gw1 && charon_start gw4; then
	swanctl_in gw1 --load-all >/dev/null
	swanctl_in gw4 --load-all >/dev/null
	check_fails "wrong PSK: the initiation fails" 'failed|AUTHENTICATION_FAILED' \
		swanctl_in gw1 --initiate --child vnet --timeout 40
	check_eq "wrong PSK: no SA in rvti$IFID" 0 \
		"$(ip netns exec gw1 rvti -j sa list dev rvti$IFID | jq '[.[] | (.sas // [.])[]] | length')"
else
	fail "wrong PSK: charons did not start"
fi
charon_stop_all

# Trap: charon installs only the policy (kernel-rvti remembers its reqid);
# traffic into rvti42 without an SA makes rvti send an acquire event, the
# plugin relays it, and charon negotiates the CHILD_SA by itself. Then the
# peer dies: dead peer detection removes the SAs from rvti, the trap stays,
# and once the peer is back traffic brings the tunnel up again.
DPD_DELAY=2s
swanctl_conf gw1 $GW1_OUT4 $GW4_OUT4 aes256gcm16-ecp256 "start_action = trap
					dpd_action = trap"
swanctl_conf gw4 $GW4_OUT4 $GW1_OUT4 aes256gcm16-ecp256
# trap_up NAME: traffic into the device brings the CHILD_SA up.
trap_up() {
	local i
	ip netns exec host1 ping -c 2 -W 1 -q $HOST4_V4 >/dev/null 2>&1
	for i in $(seq 50); do
		swanctl_in gw1 --list-sas 2>/dev/null | grep -q INSTALLED && break
		sleep 0.2
	done
	check "$1: the CHILD_SA is installed" \
		bash -c 'grep -q INSTALLED <<<"$1"' _ "$(swanctl_in gw1 --list-sas 2>/dev/null)"
	check "$1: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
}
if charon_start gw1 && charon_start gw4 &&
   swanctl_in gw1 --load-all >/dev/null && swanctl_in gw4 --load-all >/dev/null; then
	check_eq "trap: no SA in rvti$IFID before traffic" 0 "$(rvti_sa_count)"
	trap_up trap
	check "trap: rvti's acquire relayed to charon" \
		grep -q "kernel-rvti: acquire on rvti$IFID for reqid" "$(ss_dir gw1)/charon.log"

	charon_kill gw4
	ip netns exec host1 ping -c 3 -W 1 -q $HOST4_V4 >/dev/null 2>&1
	for i in $(seq 300); do
		[ "$(rvti_sa_count)" = 0 ] && break
		sleep 0.2
	done
	check_eq "dead peer: DPD removed the SAs from rvti$IFID" 0 "$(rvti_sa_count)"
	check "dead peer: charon logged it" \
		grep -Eq 'giving up after|retransmit .* of request' "$(ss_dir gw1)/charon.log"
	if charon_start gw4 && swanctl_in gw4 --load-all >/dev/null; then
		trap_up "peer back"
	else
		fail "peer back: charon on gw4 did not restart"
	fi
else
	fail "trap: charons did not start or load"
	ss_log gw1
fi
unset DPD_DELAY
charon_stop_all

cleanup
finish
