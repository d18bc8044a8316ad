#!/bin/bash
# What a key manager needs (issue #8): lossless make-before-break rekey
# under a ping flood and a TCP transfer, against rvti and against kernel
# XFRM; soft and hard expiry by packets, bytes, time since added and time
# since first use, seen through `rvti monitor -j`; acquire events and their
# rate limit; the sequence-number marks; SPI allocation (uniqueness, range
# errors, reservation timeout, a reservation held for another tunnel);
# sa get / sa flush; a monitor sees only its own namespace's events; bad
# input refused with a message, nothing changed.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }

# ---- monitors (topo.sh: mon_start, mon_wait...) ----------------------------
mon_start gw1
mon_start gw4

check "rvti tunnel gw1 = gw4, rfc4106(gcm(aes)) 128, outer IPv4" \
	tunnel_up rvti rvti 4 gcm128 || { tunnel_down; topo_down; finish; }
check "the monitor saw the tunnel and its SAs come" \
	mon_wait gw1 '.event == "sa-new" and .dev == "rvti0"' 2

# ---- make-before-break rekey ---------------------------------------------
# sa_add NS DIR SPI KEY [ARGS...]: an rvti SA of gw's rvti0.
sa_add() {
	local ns=$1 dir=$2 spi=$3 key=$4
	shift 4
	# shellcheck disable=SC2046
	ip netns exec "$ns" rvti sa add dev rvti0 dir "$dir" spi "$spi" \
		$(rvti_alg_args gcm128 "$key") "$@"
}
sa_del() { ip netns exec "$1" rvti sa del dev rvti0 dir "$2" spi "$3"; }

# rekey_rvti N: new SAs both ways on both rvti gateways, the old ones
# deleted after: inbound first, then outbound (the old one stays,
# inactive), then the old outbound, then after a pause the old inbound.
rekey_rvti() {
	local n14 n41 k14 k41
	n14=$(printf '0x%08x' $((0x14100000 + $1))) n41=$(printf '0x%08x' $((0x41100000 + $1)))
	k14=$(suite_key gcm128) k41=$(suite_key gcm128)
	sa_add gw4 in "$n14" "$k14" && sa_add gw1 in "$n41" "$k41" &&
	sa_add gw1 out "$n14" "$k14" && sa_add gw4 out "$n41" "$k41" || return
	nap 0.3
	sa_del gw1 out "$SPI_14" && sa_del gw4 out "$SPI_41" || return
	nap 0.3
	sa_del gw4 in "$SPI_14" && sa_del gw1 in "$SPI_41" || return
	SPI_14=$n14 SPI_41=$n41
}

# flood NAME COUNT: a ping flood host1 -> host4 in the background, one
# echo request every 2 ms whether answered or not (500 a second).
flood() {
	ip netns exec host1 ping -q -i 0.002 -c "$2" -W 5 $HOST4_V4 >"$TOPO_TMP/flood-$1" 2>&1 &
	_flood=$!
	nap 0.5
}
# flood_check NAME: the flood ended with every echo answered.
flood_check() {
	wait "$_flood"
	local line
	line=$(grep 'packets transmitted' "$TOPO_TMP/flood-$1")
	echo "# $1: $line"
	[[ "$line" =~ ^([0-9]+)\ packets\ transmitted,\ ([0-9]+)\ received ]] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[1]}" -gt 0 ]
}

old14=$SPI_14 old41=$SPI_41
flood rvti 4000
check "rekey rvti <-> rvti during a ping flood" rekey_rvti 1
check "... the flood was still going when the rekey was done" kill -0 "$_flood"
check "rvti <-> rvti: the flood lost no packet" flood_check rvti
rvti_snap gw1 gw4
check_eq "the old SAs are gone, the new ones are there (gw1)" \
	"in $((SPI_41)) out $((SPI_14)) true" \
	"$(jq -r '.[0].sas | map("\(.dir) \(.spi)" + (if .dir == "out" then " \(.active)" else "" end)) | sort | join(" ")' <<<"${SNAP[gw1.json]}")"
check "the new SAs carried traffic" test "$(snap gw1 rvti0 out "$SPI_14" packets)" -gt 0
check "... and the old SPIs left the monitor's view with sa-del events" \
	mon_wait gw1 ".event == \"sa-del\" and (.spi == $((old14)) or .spi == $((old41)))" 2

# A TCP transfer across a rekey: it completes, every byte through.
ip netns exec host1 timeout 60 iperf3 -c $HOST4_V4 -t 4 -J >"$TOPO_TMP/tcp" 2>&1 &
tcp=$!
nap 1.5
check "rekey rvti <-> rvti during a TCP transfer" rekey_rvti 2
wait $tcp
check_eq "the TCP transfer completed without error" "true" \
	"$(jq '.error == null and .end.sum_received.bytes > 100000' "$TOPO_TMP/tcp" 2>/dev/null)"
jq -c '.end | {sent: .sum_sent.bytes, received: .sum_received.bytes, retransmits: .sum_sent.retransmits}' \
	"$TOPO_TMP/tcp" 2>/dev/null | sed 's/^/# tcp: /'
tunnel_down

# ---- rvti <-> kernel XFRM ------------------------------------------------
check "tunnel gw1 (rvti) = gw4 (XFRM, xfrm interface)" tunnel_up rvti xfrm 4 gcm128
rekey_xfrm() {
	local n14 n41 k14 k41 st="ip -n gw4 xfrm state"
	n14=$(printf '0x%08x' $((0x14200000 + $1))) n41=$(printf '0x%08x' $((0x41200000 + $1)))
	k14=$(suite_key gcm128) k41=$(suite_key gcm128)
	# shellcheck disable=SC2046
	$st add src $OUT1 dst $OUT4 proto esp spi "$n14" reqid 1 mode tunnel \
		$(xfrm_alg_args gcm128 "$k14") if_id 1 flag af-unspec replay-window 128 &&
	sa_add gw1 in "$n41" "$k41" && sa_add gw1 out "$n14" "$k14" || return
	# shellcheck disable=SC2046
	$st add src $OUT4 dst $OUT1 proto esp spi "$n41" reqid 1 mode tunnel \
		$(xfrm_alg_args gcm128 "$k41") if_id 1 flag af-unspec replay-window 128 || return
	nap 0.3
	sa_del gw1 out "$SPI_14" && $st del src $OUT4 dst $OUT1 proto esp spi "$SPI_41" || return
	nap 0.3
	$st del src $OUT1 dst $OUT4 proto esp spi "$SPI_14" && sa_del gw1 in "$SPI_41" || return
	SPI_14=$n14 SPI_41=$n41
}
flood xfrm 4000
check "rekey rvti <-> XFRM during a ping flood" rekey_xfrm 1
check "... the flood was still going when the rekey was done" kill -0 "$_flood"
check "rvti <-> XFRM: the flood lost no packet" flood_check xfrm
check_eq "rvti <-> XFRM: no XFRM error on gw4" "" "$(xfrm_errors gw4)"
tunnel_down

# ---- lifetimes -----------------------------------------------------------
check "rvti tunnel again" tunnel_up rvti rvti 4 gcm128
K=$(suite_key gcm128)
# expiry NAME SPI LIMIT-ARGS... -- PING-ARGS: an outbound SA on gw1 (and
# its inbound twin on gw4) with the limits, then pings.
expiry_sa() {
	local spi=$1
	shift
	sa_add gw4 in "$spi" "$K" && sa_add gw1 out "$spi" "$K" "$@"
}
check "outbound SA with soft-packets 3 hard-packets 6" expiry_sa 0x5001 soft-packets 3 hard-packets 6
ping_ok host1 $HOST4_V4 3 >/dev/null
check "after 3 packets: sa-soft-expire, limit packets" \
	mon_wait gw1 '.event == "sa-soft-expire" and .spi == 20481 and .limit == "packets"' 1
check_eq "the soft-expired SA still works" "soft-expired" \
	"$(ip netns exec gw1 rvti -j sa get dev rvti0 dir out spi 0x5001 | jq -r '.[0].sas[0].state // .state')"
ping_ok host1 $HOST4_V4 3 >/dev/null
check "after 6 packets: sa-hard-expire, limit packets" \
	mon_wait gw1 '.event == "sa-hard-expire" and .spi == 20481 and .limit == "packets"' 1
check "... and the SA is deleted (sa-del)" mon_wait gw1 '.event == "sa-del" and .spi == 20481' 1
check_fails "... sa get no longer finds it" 'no SA with this direction and SPI' \
	ip netns exec gw1 rvti sa get dev rvti0 dir out spi 0x5001

# No usable outbound SA now: acquire events, at most one a second.
acq=$(mon_count gw1 '.event == "acquire" and .dev == "rvti0"')
ip netns exec host1 timeout 2.5 ping -f $HOST4_V4 >/dev/null 2>&1
a=$(( $(mon_count gw1 '.event == "acquire" and .dev == "rvti0"') - acq ))
check "acquire: traffic without a usable outbound SA is announced ($a in 2.5 s)" test "$a" -ge 2
check "acquire: at most one a second" test "$a" -le 3

check "outbound SA with soft-bytes 300 hard-bytes 600 (84-byte pings)" \
	expiry_sa 0x5002 soft-bytes 300 hard-bytes 600
ping_ok host1 $HOST4_V4 4 >/dev/null
check "after 336 bytes: sa-soft-expire, limit bytes" \
	mon_wait gw1 '.event == "sa-soft-expire" and .spi == 20482 and .limit == "bytes"' 1
ping_ok host1 $HOST4_V4 4 >/dev/null
check "after 672 bytes: sa-hard-expire, limit bytes" \
	mon_wait gw1 '.event == "sa-hard-expire" and .spi == 20482 and .limit == "bytes"' 1

check "outbound SA with soft-time 1 hard-time 2" expiry_sa 0x5003 soft-time 1 hard-time 2
check "after 1 s: sa-soft-expire, limit add-time" \
	mon_wait gw1 '.event == "sa-soft-expire" and .spi == 20483 and .limit == "add-time"' 1 3
check "after 2 s: sa-hard-expire, limit add-time, SA deleted" \
	mon_wait gw1 '.event == "sa-del" and .spi == 20483' 1 3

check "outbound SA with soft-use-time 1 hard-use-time 2" expiry_sa 0x5004 soft-use-time 1 hard-use-time 2
nap 2.5
check_eq "unused, it does not expire" 0 "$(mon_count gw1 '.spi == 20484 and (.event | test("expire"))')"
ping_ok host1 $HOST4_V4 1 >/dev/null
check "used: sa-soft-expire then sa-hard-expire, limit use-time" \
	mon_wait gw1 '.event == "sa-hard-expire" and .spi == 20484 and .limit == "use-time"' 1 4
check_eq "... soft first" 1 "$(mon_count gw1 '.event == "sa-soft-expire" and .spi == 20484')"

# Sequence numbers: the tool's seq sets the last one used.
check "outbound SA starting after sequence number 0xfffffffd" expiry_sa 0x5005 seq 0xfffffffd
check "two packets still go (0xfffffffe, 0xffffffff)" ping_ok host1 $HOST4_V4 2
check "sa-soft-expire, limit seq" \
	mon_wait gw1 '.event == "sa-soft-expire" and .spi == 20485 and .limit == "seq"' 1
check "the third cannot" ping_fails host1 $HOST4_V4 1
check "sa-hard-expire, limit seq" \
	mon_wait gw1 '.event == "sa-hard-expire" and .spi == 20485 and .limit == "seq"' 1
rvti_snap gw1
check_eq "seq_exhausted counts it, the SA stays" 1 "$(snap gw1 rvti0 out 20485 seq_exhausted)"
bn=$(snap gw1 rvti0 tun no_tx_sa)
check "a fourth cannot either" ping_fails host1 $HOST4_V4 1
rvti_snap gw1
check_eq "... the spent SA numbers nothing more" 1 "$(snap gw1 rvti0 out 20485 seq_exhausted)"
check_inc "... it is dropped as having no usable outbound SA" "$bn" "$(snap gw1 rvti0 tun no_tx_sa)" 1

# ---- SPI allocation ------------------------------------------------------
G1="ip netns exec gw1"
# Reservations that outlive a slow guest's commands (restored below).
echo 600 >/sys/module/rvti/parameters/spi_reserve_seconds
spis=""
for i in $(seq 8); do
	spis+="$($G1 rvti -j sa allocspi dev rvti0 min 0x6000 max 0x6007 | jq .spi) "
done
echo "# allocated: $spis"
check_eq "allocspi: 8 SPIs from a range of 8, all in it" 8 \
	"$(for s in $spis; do [ "$s" -ge $((0x6000)) ] && [ "$s" -le $((0x6007)) ] && echo "$s"; done | wc -l)"
check_eq "... all different" 8 "$(tr ' ' '\n' <<<"$spis" | grep . | sort -u | wc -l)"
check_fails "allocspi: the range is all taken" 'no free SPI' \
	$G1 rvti sa allocspi dev rvti0 min 0x6000 max 0x6007
check_fails "allocspi: an inverted range (the tool)" 'empty range' \
	$G1 rvti sa allocspi dev rvti0 min 0x7001 max 0x7000
check_fails "allocspi: an inverted range (the kernel)" 'range is empty' \
	$G1 $GENL 12 ifname=str:rvti0 16=u32:0x7001 17=u32:0x7000
check_fails "allocspi: a reserved SPI (below 256)" 'reserved|range' \
	$G1 rvti sa allocspi dev rvti0 min 16 max 300
check "allocspi: an inbound SA takes its reserved SPI" \
	sa_add gw1 in "$(printf '0x%x' "$(cut -d' ' -f1 <<<"$spis")")" "$K"
check "a second tunnel on gw1 with the same local address" bash -c "
	$G1 ip link add rvti1 type rvti && $G1 rvti tunnel set dev rvti1 local $OUT1 remote 192.0.2.77"
# shellcheck disable=SC2046
check_fails "an SPI reserved for another tunnel is refused" 'reserved for another tunnel' \
	$G1 rvti sa add dev rvti1 dir in spi "$(printf '0x%x' "$(cut -d' ' -f2 <<<"$spis")")" \
	$(rvti_alg_args gcm128 "$K")
echo 4 >/sys/module/rvti/parameters/spi_reserve_seconds
s=$($G1 rvti -j sa allocspi dev rvti0 min 0x7000 max 0x7000 | jq .spi)
check_eq "allocspi: the one SPI of a range" $((0x7000)) "$s"
check_fails "... reserved: not given again" 'no free SPI' $G1 rvti sa allocspi dev rvti0 min 0x7000 max 0x7000
nap 4.5
check "... until the reservation times out" $G1 rvti sa allocspi dev rvti0 min 0x7000 max 0x7000
echo 30 >/sys/module/rvti/parameters/spi_reserve_seconds

# ---- get, flush, bad input -------------------------------------------------
check_eq "sa get: one SA, its SPI" $((SPI_14)) \
	"$($G1 rvti -j sa get dev rvti0 dir out spi "$SPI_14" | jq '.[0].sas[0].spi // .spi')"
before=$($G1 rvti -j show | jq -c 'map(del(.stats, .last_rx) | .sas |= map(del(.stats, .last_use, .first_use)))')
check_fails "a soft limit above its hard limit" 'soft limit exceeds|soft.*hard' \
	sa_add gw1 out 0x5100 "$K" soft-packets 10 hard-packets 5
check_fails "seq on an inbound SA (the tool)" 'dir out' sa_add gw1 in 0x5101 "$K" seq 5
check_fails "seq on an inbound SA (the kernel)" 'outbound SAs only' \
	$G1 $GENL newsa ifname=str:rvti0 sa.1=u8:1 sa.2=u32:0x5101 \
	'sa.3=str:rfc4106(gcm(aes))' sa.6=hex:$K sa.14=u64:5
check_fails "seq beyond 32 bits without ESN (the kernel)" 'at most 4294967295' \
	$G1 $GENL newsa ifname=str:rvti0 sa.1=u8:2 sa.2=u32:0x5102 \
	'sa.3=str:rfc4106(gcm(aes))' sa.6=hex:$K sa.14=u64:0x100000000
check_fails "a duplicate SA" 'already has an SA' sa_add gw1 out "$SPI_14" "$K"
check_fails "sa get of an unknown SPI" 'no SA with this direction and SPI' \
	$G1 rvti sa get dev rvti0 dir in spi 0x5555
check_fails "sa del of an unknown SPI" 'no SA with this direction and SPI' \
	$G1 rvti sa del dev rvti0 dir in spi 0x5555
check_eq "the refusals changed nothing" "$before" \
	"$($G1 rvti -j show | jq -c 'map(del(.stats, .last_rx) | .sas |= map(del(.stats, .last_use, .first_use)))')"
check "sa flush dev rvti0" $G1 rvti sa flush dev rvti0
check_eq "no SA left on rvti0" 0 "$($G1 rvti -j show dev rvti0 | jq '.[0].sas | length')"
check "sa flush (every device)" $G1 rvti sa flush

# ---- namespaces ----------------------------------------------------------
mon_stop gw1
mon_stop gw4
check_eq "gw4's monitor saw none of gw1's events (rvti1 exists on gw1 only)" 0 \
	"$(mon_count gw4 '.dev == "rvti1"')"
check "gw4's monitor saw its own" test "$(mon_count gw4 '.dev == "rvti0"')" -gt 0
# refused_quickly CMD...: CMD fails at once (not killed by the timeout).
refused_quickly() {
	timeout 3 "$@" >/dev/null 2>&1
	local rc=$?
	[ "$rc" != 0 ] && [ "$rc" != 124 ]
}
check "a monitor needs CAP_NET_ADMIN" refused_quickly ip netns exec gw1 setpriv --reuid=65534 \
	--regid=65534 --clear-groups "$RVTI" monitor

tunnel_down
ip -n gw1 link del rvti1 2>/dev/null
topo_down
rmmod rvti
finish
