#!/bin/bash
# Prefixes: the remote traffic selector in both directions (drops, their
# counters and the ICMP error), overlap refusal with the other tunnel and
# prefix named, the site-label exception, bad input refused with a message
# and nothing changed, a 10,000-prefix dump and a device with 200 SAs.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
topo_up || { fail "topology"; topo_down; finish; }
tunnel_up rvti rvti 4 gcm128 >/dev/null 2>&1 || { fail "tunnel"; topo_down; finish; }

# gw1's tunnel leads to site 4, gw4's to site 1.
check "gw1: site 4's address spaces as prefixes" $G1 rvti -b - <<EOF
prefix add dev rvti0 $SITE4_V4
prefix add dev rvti0 $SITE4_V6
EOF
check "gw4: site 1's address spaces as prefixes" $G4 rvti -b - <<EOF
prefix add dev rvti0 $SITE1_V4
prefix add dev rvti0 $SITE1_V6
EOF
check_eq "prefix list" "rvti0: 10.41.0.0/16 rvti0: 2001:db8:41::/48" \
	"$($G1 rvti prefix list | tr '\n' ' ' | sed 's/ $//')"
check_eq "show: prefixes and their count in JSON" '["10.41.0.0/16","2001:db8:41::/48"]' \
	"$($G1 rvti -j show dev rvti0 | jq -c '[.[0].prefixes[].prefix]')"
check "traffic inside the prefixes passes (IPv4)" ping_ok host1 $HOST4_V4
check "traffic inside the prefixes passes (IPv6)" ping_ok host1 $HOST4_V6

# Outbound: a destination routed into the tunnel but outside its prefixes.
$G1 ip route add 10.99.0.0/16 dev rvti0
$G1 ip route add 2001:db8:99::/48 dev rvti0
rvti_snap gw1
before=$(snap gw1 rvti0 tun selector_out)
check_fails "outbound IPv4 outside the prefixes: ICMP host unreachable" 'Destination Host Unreachable' \
	$H1 ping -c 1 -W 2 10.99.0.1
check_fails "outbound IPv6 outside the prefixes: ICMPv6 address unreachable" 'Address unreachable' \
	$H1 ping -c 1 -W 2 2001:db8:99::1
rvti_snap gw1
check_delta "outbound drops counted (selector_out)" "$before" "$(snap gw1 rvti0 tun selector_out)" 2

# Inbound: gw4 sends from addresses outside site 4's address space.
$G4 ip addr add 10.77.0.1/32 dev lo
$G4 ip addr add 2001:db8:77::1/128 dev lo nodad
before=$(snap gw1 rvti0 tun selector_in)
rx_before=$($G1 cat /sys/class/net/rvti0/statistics/rx_dropped)
check "inbound IPv4 from outside the prefixes gets no answer" \
	bash -c "! $G4 ping -c 2 -i 0.2 -W 1 -q -I 10.77.0.1 $HOST1_V4"
$G4 ping -c 2 -i 0.2 -W 1 -q -I 2001:db8:77::1 $HOST1_V6 >/dev/null 2>&1
rvti_snap gw1
check_delta "inbound drops counted (selector_in)" "$before" "$(snap gw1 rvti0 tun selector_in)" 4
check_inc "inbound drops in rx_dropped" "$rx_before" "$($G1 cat /sys/class/net/rvti0/statistics/rx_dropped)" 4
check "-s show lists the selector counters" bash -c "$G1 rvti -s show dev rvti0 | grep -Eq 'selector-out [0-9]+ selector-in [0-9]+ transit [0-9]+'"

# Link-local traffic belongs to the link (an IPv6 router solicitation when
# a device comes up, a routing protocol between gateways): it passes.
$G1 ip link add ll0 type rvti
$G1 rvti -b - <<EOF
tunnel set dev ll0 local $GW1_OUT4 remote 192.0.2.99
sa add dev ll0 dir out spi 0x7777 aead aes-gcm key 0x$(printf '%040x' 7)
prefix add dev ll0 10.88.0.0/16
EOF
$G1 ip link set ll0 up
$G1 ping -6 -c 1 -W 1 -I ll0 ff02::1 >/dev/null 2>&1
check_eq "link-local traffic is no selector drop" "0 0" \
	"$($G1 rvti -j show dev ll0 | jq -r '.[0].stats | "\(.selector_out) \(.selector_in)"')"
check_inc "... and it went into the tunnel" 0 "$($G1 rvti -j show dev ll0 | jq '.[0].sas[0].stats.packets')"
$G1 ip link del ll0

# Overlap: another tunnel (another site) may not take part of site 4.
$G1 ip link add rvti1 type rvti
check_fails "overlap refused, naming the other tunnel and its prefix" \
	'overlaps a prefix of a tunnel to another site.*|it overlaps 10.41.0.0/16 of tunnel rvti0' \
	$G1 rvti prefix add dev rvti1 10.41.1.0/24
$G1 rvti prefix add dev rvti1 10.41.1.0/24 2>&1 | grep -q 'it overlaps 10.41.0.0/16 of tunnel rvti0' &&
	pass "the message names rvti0 and 10.41.0.0/16" || fail "the message names rvti0 and 10.41.0.0/16"
check_fails "a containing prefix is refused too" 'it overlaps 10.41.0.0/16 of tunnel rvti0' \
	$G1 rvti prefix add dev rvti1 10.0.0.0/8
check_fails "IPv6 overlap refused" 'it overlaps 2001:db8:41::/48 of tunnel rvti0' \
	$G1 rvti prefix add dev rvti1 2001:db8::/32
check_fails "an equal prefix is refused" 'another site' \
	$G1 rvti prefix add dev rvti1 10.41.0.0/16
check "a neighbouring prefix is fine" $G1 rvti prefix add dev rvti1 10.42.0.0/16

# Site labels: redundant tunnels to one site share its prefixes.
check "site label on rvti0" $G1 rvti tunnel set dev rvti0 site vnet4
check "the same label on rvti1" $G1 rvti tunnel set dev rvti1 site vnet4
check "same site: the same prefix on both" $G1 rvti prefix add dev rvti1 10.41.0.0/16
check_eq "site in show" "vnet4 vnet4" "$($G1 rvti -j show | jq -r '[.[] | select(.ifname | startswith("rvti")) | .site] | join(" ")')"
check_fails "leaving the site with a shared prefix is refused" 'would overlap.*|it overlaps 10.41.0.0/16 of tunnel rvti0' \
	$G1 rvti tunnel set dev rvti1 site other
check_fails "clearing the label is refused the same way" 'it overlaps 10.41.0.0/16 of tunnel rvti0' \
	$G1 rvti tunnel set dev rvti1 site none transit on
check_eq "the refused label change changed nothing" "vnet4 false" \
	"$($G1 rvti -j show dev rvti1 | jq -r '.[0] | "\(.site) \(.transit)"')"

# Every refusal below says why and changes nothing.
state() { $G1 rvti -j prefix list | jq -c .; }
before=$(state)
check_fails "host bits set" 'host bits set' $G1 rvti prefix add dev rvti1 10.43.0.1/16
check_fails "unknown device" 'no such device' $G1 rvti prefix add dev nosuch 10.43.0.0/16
check_fails "not an rvti device" 'not an rvti device' $G1 rvti prefix add dev lan0 10.43.0.0/16
check_fails "IPv4 prefix length 33 (kernel)" 'IPv4 prefix length is 0 to 32' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:0a2b0000 prefix.2=u8:33
check_fails "IPv4 prefix length 33 (tool)" 'IPv4 prefix length is 0 to 32' \
	$G1 rvti prefix add dev rvti1 10.43.0.0/33
check_fails "IPv6 prefix length 129 (kernel)" 'IPv6 prefix length is 0 to 128' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:20010db8000000000000000000000000 prefix.2=u8:129
check_fails "host bits (kernel)" 'host bits set' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:0a2b0001 prefix.2=u8:16
check_fails "no prefix attribute (kernel)" 'prefix \(RVTI_A_PREFIX\) is missing' \
	$G1 $GENL newprefix ifname=str:rvti1
check_fails "address of 5 bytes" 'address must be 4 bytes' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:0a2b000000 prefix.2=u8:16
check_fails "no length" 'needs a length' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:0a2b0000
check_fails "unknown flag" 'reserved bit' \
	$G1 $GENL newprefix ifname=str:rvti1 prefix.1=hex:0a2b0000 prefix.2=u8:16 prefix.3=u32:0x80
check_fails "deleting an absent prefix" 'no such prefix' $G1 rvti prefix del dev rvti1 10.43.0.0/16
check_fails "adding a prefix twice" 'already has this prefix' $G1 rvti prefix add dev rvti1 10.42.0.0/16
check_fails "an unprivileged caller" 'Operation not permitted' \
	$G1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	rvti prefix add dev rvti1 10.43.0.0/16
check_fails "an unprivileged flush" 'Operation not permitted' \
	$G1 setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	rvti prefix flush dev rvti1
check_eq "the refusals changed nothing" "$before" "$(state)"

check "flush" $G1 rvti prefix flush dev rvti1
check_eq "rvti1 has no prefix left" "" "$($G1 rvti prefix list dev rvti1)"
$G1 ip link del rvti1

# Without prefixes, a tunnel carries anything again.
check "gw1: flush rvti0" $G1 rvti prefix flush dev rvti0
rvti_snap gw1
before=$(snap gw1 rvti0 tun selector_out)
$H1 ping -c 1 -W 1 10.99.0.1 >/dev/null 2>&1
rvti_snap gw1
check_delta "no prefixes: any destination goes in (no selector drop)" "$before" \
	"$(snap gw1 rvti0 tun selector_out)" 0

# 10,000 prefixes on one tunnel, listed across many dump messages.
$G1 ip link add big0 type rvti
for i in $(seq 0 9999); do
	echo "prefix add dev big0 10.$((100 + i / 256)).$((i % 256)).0/24"
done >/tmp/prefixes
check "10,000 prefixes added (batch)" $G1 rvti -b /tmp/prefixes
$G1 rvti prefix list dev big0 >/tmp/listed
check_eq "10,000 prefixes listed" 10000 "$(wc -l </tmp/listed)"
check_eq "listed in order, first and last" "big0: 10.100.0.0/24 big0: 10.139.15.0/24" \
	"$(head -1 /tmp/listed) $(tail -1 /tmp/listed)"
check_eq "the whole namespace listed as well" 10000 "$($G1 rvti prefix list | grep -c '^big0: ')"
check_eq "show -j: 10,000 prefixes" 10000 "$($G1 rvti -j show dev big0 | jq '.[0].prefixes | length')"
check "the prefixes go with the device" $G1 ip link del big0

# A device with 200 SAs lists them all.
$G1 ip link add many0 type rvti
for i in $(seq 1 200); do
	echo "sa add dev many0 dir in spi $((0x70000 + i)) aead aes-gcm key 0x$(printf '%040x' "$i")"
done >/tmp/sas
check "200 SAs added" $G1 rvti -b /tmp/sas
check_eq "sa list: 200 SAs" 200 "$($G1 rvti sa list dev many0 | grep -c ' spi ')"
check_eq "show -j: 200 SAs" 200 "$($G1 rvti -j show dev many0 | jq '.[0].sas | length')"
check_eq "show of all devices: 200 SAs of many0" 200 "$($G1 rvti -j show | jq '.[] | select(.ifname == "many0") | .sas | length')"
$G1 ip link del many0

topo_down
finish
