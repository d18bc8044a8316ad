#!/bin/bash
# SA configuration through netlink and the tool: every algorithm accepted
# with its key lengths, wrong input refused with a message that says what
# is expected, SPI uniqueness, outbound replacement, deletion, and keys
# never coming back.
. "$(dirname "$0")/../lib/guest.sh"

load_rvti
ip netns add a
A="ip netns exec a"
$A ip link add rvti0 type rvti
$A ip link add rvti1 type rvti
$A rvti tunnel set dev rvti0 local 192.0.2.1 remote 192.0.2.2
$A rvti tunnel set dev rvti1 local 192.0.2.1 remote 192.0.2.2

hex() { printf '0x%0*d' $(($1 * 2)) 7; }
GCM="aead rfc4106(gcm(aes))"

for n in 16 24 32; do
	check "aes-gcm with a $((n * 8))-bit key and salt" \
		$A rvti sa add dev rvti0 dir in spi $((0x100 + n)) $GCM key "$(hex $((n + 4)))" icv 128
done
check "aes-gcm alias, ICV 96" \
	$A rvti sa add dev rvti0 dir in spi 0x200 aead aes-gcm key "$(hex 20)" icv 96
check "chacha20-poly1305" \
	$A rvti sa add dev rvti0 dir in spi 0x201 aead 'rfc7539esp(chacha20,poly1305)' key "$(hex 36)" icv 128
check "chacha20-poly1305 alias, default ICV" \
	$A rvti sa add dev rvti0 dir in spi 0x202 aead chacha20-poly1305 key "$(hex 36)"
for h in "sha1 20 96" "sha256 32 128" "sha384 48 192" "sha512 64 256"; do
	set -- $h
	check "cbc(aes) with hmac($1), ICV $3" \
		$A rvti sa add dev rvti0 dir in spi $((0x300 + $2)) enc 'cbc(aes)' key "$(hex 16)" \
		auth "hmac($1)" key "$(hex $2)" icv $3
	check "cbc(aes) with hmac($1), ESN" \
		$A rvti sa add dev rvti0 dir in spi $((0x400 + $2)) enc aes-cbc key "$(hex 32)" \
		auth $1 key "$(hex $2)" esn replay-window 4096
done
printf '%s\n' "$(hex 36 | cut -c3-)" >/tmp/key
check "key from a file (@FILE)" \
	$A rvti sa add dev rvti0 dir in spi 0x500 $GCM key @/tmp/key icv 128

check_eq "the SAs are listed" 15 "$($A rvti -j show dev rvti0 | jq '.[0].sas | length')"
check_eq "ESN and window read back" "true 4096" \
	"$($A rvti -j show dev rvti0 | jq -r '.[0].sas[] | select(.spi == 1044) | "\(.esn) \(.replay_window)"')"
check_eq "aliases read back as the ip xfrm names" "rfc7539esp(chacha20,poly1305) hmac(sha256)" \
	"$($A rvti -j show | jq -r '[(.[0].sas[] | select(.spi == 514) | .aead), (.[0].sas[] | select(.spi == 1056) | .auth)] | join(" ")')"
check "no key in any reply" bash -c "! $A rvti -j show | grep -qi 'key\\|0000000000000007'"

# Wrong input: each refused with a message, nothing added.
before=$($A rvti -j show | jq -c 'map(del(.stats) | .sas |= map(del(.stats)))')
check_fails "aes-gcm key without its salt" \
	'rfc4106\(gcm\(aes\)\) key must be 16, 24 or 32 bytes followed by a 4-byte salt' \
	$A rvti sa add dev rvti0 dir in spi 0x600 $GCM key "$(hex 16)" icv 128
check_fails "aes-gcm ICV 32" 'ICV must be 128, 96 or 64 bits' \
	$A rvti sa add dev rvti0 dir in spi 0x600 $GCM key "$(hex 20)" icv 32
check_fails "chacha20 ICV 96" 'ICV must be 128 bits' \
	$A rvti sa add dev rvti0 dir in spi 0x600 aead chacha20-poly1305 key "$(hex 36)" icv 96
check_fails "hmac(sha256) key of 20 bytes" 'hmac\(sha256\) key must be 32 bytes' \
	$A rvti sa add dev rvti0 dir in spi 0x600 enc aes-cbc key "$(hex 16)" auth sha256 key "$(hex 20)"
check_fails "cbc(aes) key of 20 bytes" 'cbc\(aes\) key must be 16, 24 or 32 bytes' \
	$A rvti sa add dev rvti0 dir in spi 0x600 enc aes-cbc key "$(hex 20)" auth sha256 key "$(hex 32)"
check_fails "unknown AEAD" 'unknown AEAD algorithm' \
	$A rvti sa add dev rvti0 dir in spi 0x600 aead 'ccm(aes)' key "$(hex 20)"
check_fails "unknown authentication" 'unknown authentication algorithm' \
	$A rvti sa add dev rvti0 dir in spi 0x600 enc aes-cbc key "$(hex 16)" auth md5 key "$(hex 16)"
check_fails "reserved SPI (the tool)" 'SPIs 0 to 255 are reserved' \
	$A rvti sa add dev rvti0 dir in spi 255 $GCM key "$(hex 20)"
check_fails "replay window on an outbound SA" 'inbound SAs only' \
	$A rvti sa add dev rvti0 dir out spi 0x600 $GCM key "$(hex 20)" replay-window 64
check_fails "replay window above 4096" 'range|4096|window' \
	$A rvti sa add dev rvti0 dir in spi 0x600 $GCM key "$(hex 20)" replay-window 4097
check_fails "replay window below 32" 'range|window' \
	$A rvti sa add dev rvti0 dir in spi 0x600 $GCM key "$(hex 20)" replay-window 16
check_fails "same inbound SPI on another tunnel with the same outer addresses" \
	'another rvti tunnel with the same outer addresses has an inbound SA with this SPI' \
	$A rvti sa add dev rvti1 dir in spi 0x110 $GCM key "$(hex 20)"
check_fails "same SPI twice on one device" 'already has an SA' \
	$A rvti sa add dev rvti0 dir in spi 0x110 $GCM key "$(hex 20)"
check_fails "missing key file" 'cannot read' \
	$A rvti sa add dev rvti0 dir in spi 0x600 $GCM key @/nonexistent
# Hand-made requests the tool never sends: SA attributes are 1 dir, 2 spi,
# 3 aead alg, 6 key, 9 flags, 11 stats (reply only).
SA="sa.3=str:rfc4106(gcm(aes)) sa.6=hex:$(printf '%040d' 0)"
check_fails "unknown flag bit (strict policy)" 'reserved bit set' \
	$A $GENL newsa ifname=str:rvti0 sa.1=u8:1 sa.2=u32:0x700 $SA sa.9=u32:2
check_fails "reply-only attribute in a request" 'Unsupported|unknown|Unknown|Invalid|invalid' \
	$A $GENL newsa ifname=str:rvti0 sa.1=u8:1 sa.2=u32:0x701 $SA sa.11=raw:
check_fails "SA without direction" 'direction and an SPI' \
	$A $GENL newsa ifname=str:rvti0 sa.2=u32:0x702 $SA
check_fails "direction out of range" 'range|Invalid|invalid' \
	$A $GENL newsa ifname=str:rvti0 sa.1=u8:3 sa.2=u32:0x703 $SA
check_fails "new SA without the SA nest" 'SA attributes .RVTI_A_SA. are missing' \
	$A $GENL newsa ifname=str:rvti0
check_fails "reserved SPI 255 (the kernel's policy)" 'out of range' \
	$A $GENL newsa ifname=str:rvti0 sa.1=u8:1 sa.2=u32:255 $SA
check "the policy dump shows the SPI's range 256 to 2^32-1" bash -c \
	"$A genl ctrl policy name rvti | grep -q 'attr\[2\]: type=U32 range:\[256,4294967295\]'"
check_fails "unprivileged user cannot add an SA" 'not permitted' \
	$A setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$RVTI" sa add dev rvti0 dir in spi 0x600 $GCM key "$(hex 20)"
check_eq "refused SAs changed nothing" "$before" \
	"$($A rvti -j show | jq -c 'map(del(.stats) | .sas |= map(del(.stats)))')"

# One inbound SPI, two tunnels to different peers: the outer source tells
# their packets apart (RFC 4301 section 4.1).
check "rvti1 to another peer (192.0.2.3)" $A rvti tunnel set dev rvti1 remote 192.0.2.3
check "the same inbound SPI on a tunnel to another peer" \
	$A rvti sa add dev rvti1 dir in spi 0x110 $GCM key "$(hex 20)"
check_fails "moving that tunnel to rvti0's peer would make the SPI ambiguous" \
	'another rvti tunnel with the same outer addresses has an inbound SA with this SPI' \
	$A rvti tunnel set dev rvti1 remote 192.0.2.2
check_fails "... also with a wildcard local address" \
	'another rvti tunnel with the same outer addresses' \
	$A rvti tunnel set dev rvti1 local any remote 192.0.2.2
check_eq "the refused move changed nothing" "192.0.2.1 192.0.2.3" \
	"$($A rvti -j show dev rvti1 | jq -r '.[0] | "\(.local) \(.remote)"')"

# Outbound: one active SA; a new one becomes active, the old one stays
# inactive until deleted (make-before-break).
check "first outbound SA" $A rvti sa add dev rvti0 dir out spi 0x900 $GCM key "$(hex 20)"
check "second outbound SA becomes the active one" $A rvti sa add dev rvti0 dir out spi 0x901 $GCM key "$(hex 20)"
check_eq "the first stays, inactive" "2304 false 2305 true" \
	"$($A rvti -j show dev rvti0 | jq -r '[.[0].sas[] | select(.dir == "out") | "\(.spi) \(.active)"] | join(" ")')"
check "the inactive one can be deleted" $A rvti sa del dev rvti0 dir out spi 0x900
check "an outbound SPI may equal an inbound one" \
	$A rvti sa add dev rvti1 dir out spi 0x110 $GCM key "$(hex 20)"

check "sa del" $A rvti sa del dev rvti0 dir in spi 0x110
check_fails "sa del of a missing SA" 'no SA with this direction and SPI' \
	$A rvti sa del dev rvti0 dir in spi 0x110
check "with rvti0's SA gone, rvti1 may move to rvti0's peer" \
	$A rvti tunnel set dev rvti1 remote 192.0.2.2
check_eq "sa list shows one device's SAs" 2 "$($A rvti -j sa list dev rvti1 | jq '.[0].sas | length')"

check "sa add spi 0x111" $A rvti sa add dev rvti1 dir in spi 0x111 aead aes-gcm key "$(hex 20)"
check "deleting the device frees its SAs" $A ip link del rvti1
check "its inbound SPIs are free again" \
	$A rvti sa add dev rvti0 dir in spi 0x111 $GCM key "$(hex 20)"
ip netns del a
check "rmmod with SAs present" rmmod rvti
finish
