#!/bin/bash
# Tunnel devices and their configuration through netlink and the tool:
# creation, settings read back as text and JSON, every kind of bad input
# rejected with a message and no change, and clean teardown (link delete,
# netns delete, netns move, rmmod with devices present).
. "$(dirname "$0")/../lib/guest.sh"

load_rvti
ip netns add a
ip netns add b
A="ip netns exec a"
B="ip netns exec b"

check "create rvti0 in netns a" ip -n a link add rvti0 type rvti
check "create rvti0 in netns b" ip -n b link add rvti0 type rvti
link=$(ip -n a -d link show rvti0)
echo "$link" | sed 's/^/# /'
check "rvti0 is point-to-point, noarp" grep -q '<POINTOPOINT,NOARP>' <<<"$link"
check "rvti0 is header-less (link/none)" grep -q 'link/none' <<<"$link"
check "rvti0 default MTU 1379 leaves room for IPv6+UDP+ESP overhead" \
	grep -q 'mtu 1379' <<<"$link"
check "link kind is rvti" grep -q 'rvti' <<<"$link"
check "ip link set mtu 1400" ip -n a link set rvti0 mtu 1400
check_fails "MTU below the minimum is refused" 'mtu|range|Invalid' \
	ip -n a link set rvti0 mtu 60
check "ip link set up" ip -n a link set rvti0 up
check "rvti0 needs no qdisc" bash -c "ip -n a link show rvti0 | grep -q 'qdisc noqueue'"

check "tunnel set IPv4 endpoints" \
	$A rvti tunnel set dev rvti0 local 192.0.2.1 remote 192.0.2.2
check "tunnel set IPv6 endpoints" \
	$B rvti tunnel set dev rvti0 local 2001:db8::2 remote 2001:db8::1
check_eq "show (text) reads back IPv4" "rvti0: local 192.0.2.1 remote 192.0.2.2 last-rx never state no-out-sa" \
	"$($A rvti show dev rvti0 | head -1)"
check_eq "show (text) reads back IPv6" "rvti0: local 2001:db8::2 remote 2001:db8::1 last-rx never state down" \
	"$($B rvti show | head -1)"
json=$($A rvti -j show)
check_eq "show (JSON) reads back IPv4" "rvti0 192.0.2.1 192.0.2.2" \
	"$(jq -r '.[0] | "\(.ifname) \(.local) \(.remote)"' <<<"$json")"
check_eq "show (JSON) ifindex matches the link" \
	"$($A cat /sys/class/net/rvti0/ifindex)" "$(jq -r '.[0].ifindex' <<<"$json")"
check "show (JSON, pretty) is valid JSON" \
	bash -c "$B rvti -j -p show | jq -e '.[0].local == \"2001:db8::2\"'"

check "a second device in a dumps with both" $A ip link add rvti1 type rvti
check_eq "dump lists both devices" "rvti0 rvti1" \
	"$($A rvti -j show | jq -r '[.[].ifname] | join(" ")')"
check_eq "an unconfigured tunnel shows no endpoints" "rvti1: local any remote none last-rx never state down" \
	"$($A rvti show dev rvti1 | head -1)"
check "clear the local address (any)" $A rvti tunnel set dev rvti1 remote 198.51.100.7
check_eq "remote alone, local any" "rvti1: local any remote 198.51.100.7 last-rx never state down" \
	"$($A rvti show dev rvti1 | head -1)"

# The state says what the tunnel lacks, first things first.
state() { $A rvti -j show dev rvti1 | jq -r '.[0].state'; }
K=0x0102030405060708090a0b0c0d0e0f1011121314
$A rvti tunnel set dev rvti1 remote any
$A ip link set rvti1 up
check_eq "up without a remote endpoint: no-endpoint" no-endpoint "$(state)"
$A rvti tunnel set dev rvti1 remote 198.51.100.7
check_eq "with one, but no SA: no-out-sa" no-out-sa "$(state)"
$A rvti sa add dev rvti1 dir in spi 0x4001 aead 'rfc4106(gcm(aes))' key $K icv 128
check_eq "an inbound SA only: no-out-sa" no-out-sa "$(state)"
$A rvti sa add dev rvti1 dir out spi 0x1004 aead 'rfc4106(gcm(aes))' key $K icv 128
check_eq "both: connected" connected "$(state)"
$A rvti sa del dev rvti1 dir in spi 0x4001
check_eq "the inbound SA gone: no-in-sa" no-in-sa "$(state)"
$A rvti sa flush dev rvti1
$A ip link set rvti1 down
check_eq "down: down" down "$(state)"
$A rvti tunnel set dev rvti1 remote 198.51.100.7

# Bad input: each must fail with a message and leave the state unchanged.
# Counters move with the kernel's own traffic; compare the configuration.
config() { $A rvti -j show | jq -c 'map(del(.stats))'; $B rvti -j show | jq -c 'map(del(.stats))'; }
before=$(config)
check_fails "mixed families on one command line" 'famil' \
	$A rvti tunnel set dev rvti0 local 192.0.2.1 remote 2001:db8::1
check_fails "mixed families against the stored remote (kernel)" \
	'same family' $A rvti tunnel set dev rvti0 local 2001:db8::5
check_fails "unknown device" 'no such device' \
	$A rvti tunnel set dev nosuch0 remote 192.0.2.9
$A ip link add veth0 type veth peer name veth1
check_fails "a veth is not an rvti device" 'not an rvti device' \
	$A rvti tunnel set dev veth0 remote 192.0.2.9
check_fails "multicast remote" 'unicast' \
	$A rvti tunnel set dev rvti0 remote 224.0.0.5
check_fails "device named twice (ifindex and name)" 'exactly one' \
	$A $GENL set ifindex=u32:1 ifname=str:rvti0 remote=hex:c0000209
check_fails "missing device attribute" 'exactly one' \
	$A $GENL set remote=hex:c0000209
check_fails "nothing to set" 'nothing to set' \
	$A $GENL set ifname=str:rvti0
check_fails "address of 5 bytes" '4 bytes \(IPv4\), 16 bytes' \
	$A $GENL set ifname=str:rvti0 remote=hex:c000020901
check_fails "unknown attribute is rejected (strict policy)" 'Unknown attribute|unknown' \
	$A $GENL set ifname=str:rvti0 99=u32:1
check_fails "over-long device name" 'too long|exceeds|length|Attribute' \
	$A $GENL set ifname=str:abcdefghijklmnopqrstuvwxyz remote=hex:c0000209
check_fails "unknown command" 'not supported|error 95|error 22' \
	$A $GENL 77 ifname=str:rvti0
check_fails "unprivileged user cannot set" 'not permitted' \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$RVTI" tunnel set dev rvti0 remote 192.0.2.9
check_fails "unprivileged user cannot read" 'not permitted' \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups "$RVTI" show
check_fails "root of a child user namespace is not admin of netns a" \
	'not permitted' $A unshare --user --map-root-user "$RVTI" tunnel set dev rvti0 remote 192.0.2.9
check_fails "usage error exits 2" 'Usage' $A rvti tunnel set remote 192.0.2.9
$A rvti tunnel set remote 192.0.2.9 >/dev/null 2>&1
check_eq "usage error exit status is 2" 2 $?
check_eq "rejected requests changed nothing" "$before" "$(config)"

# Teardown paths.
check "ip link del" $A ip link del rvti1
check_eq "deleted device is gone from the dump" "rvti0" \
	"$($A rvti -j show | jq -r '[.[].ifname] | join(" ")')"
check "create rvti2 in a and move it to b" \
	bash -c "$A ip link add rvti2 type rvti && $A ip link set rvti2 netns b"
check_eq "moved device keeps its netns of creation as link-netns" 1 \
	"$($B ip -d link show rvti2 | grep -Ec 'link-netns(id)? ')"
check "delete netns a (holds rvti0, created rvti2)" ip netns del a
# The netns goes in a work item: wait (at most 30 s) for the device to go.
rvti2_gone() { ! ip -n b link show rvti2 >/dev/null 2>&1; }
wait_until 30 rvti2_gone
check_eq "a device whose creating netns died is removed" "" \
	"$($B ip link show rvti2 2>/dev/null)"
check "netns c with a device, deleted" \
	bash -c "ip netns add c && ip -n c link add rvti0 type rvti && ip netns del c"
check "rmmod with a device present (netns b)" rmmod rvti
check_eq "the device went with the module" "" "$($B ip link show rvti0 2>/dev/null)"
check "module loads again" insmod "$RVTI_KMOD/rvti.ko"
check "and unloads" rmmod rvti
finish
