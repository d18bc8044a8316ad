#!/bin/bash
# ESP between two rvti gateways, end to end:
#   host1 (10.1.0.10) - gw1 [rvti0] == outer veth == [rvti0] gw4 - host4 (10.41.0.10)
# - the four outer/inner family combinations with rfc4106(gcm(aes)) 128;
# - every algorithm (AES-GCM 128/192/256, ChaCha20-Poly1305, AES-CBC with
#   HMAC-SHA1/256/384/512), with and without ESN, over outer IPv4;
# each time: ping and a TCP transfer pass, the per-SA counters of both
# gateways agree (what one sends, the other receives), no drop counter moves,
# the SA reads back with its algorithm, ICV length and ESN flag, and a capture
# on the outer veth shows ESP with the expected SPI each way and sequence
# numbers 1, 2, 3...;
# - traffic without an outbound SA is dropped and counted (no_tx_sa), the
#   inbound direction keeps working, and a new outbound SA (rekey to a new
#   SPI) replaces the active one.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }

# sa_checks TAG MIN: the SAs of the current tunnel after the traffic (at
# least MIN packets each way).
sa_checks() {
	local tag=$1 min=$2 failed_before=$_failed
	local o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
	local O="gw4.rvti0.out.$((SPI_41))" I="gw1.rvti0.in.$((SPI_41))"
	_failed=0
	nap 0.2
	rvti_snap gw1 gw4
	check_inc "$tag: gw1's outbound SA counts packets" 0 "${SNAP[$o.packets]:-}" "$min"
	check_eq "$tag: gw4's inbound SA received what gw1 sent" \
		"${SNAP[$o.packets]:-}" "${SNAP[$i.packets]:-}"
	check_inc "$tag: gw4's outbound SA counts packets" 0 "${SNAP[$O.packets]:-}" "$min"
	check_eq "$tag: gw1's inbound SA received what gw4 sent" \
		"${SNAP[$O.packets]:-}" "${SNAP[$I.packets]:-}"
	local n=${SNAP[$o.packets]:-0}
	[[ "$n" =~ ^[0-9]+$ ]] || n=1
	check_inc "$tag: byte counters count (at least 20 bytes a packet)" 0 \
		"${SNAP[$o.bytes]:-}" $((n * 20))
	check_eq "$tag: last sequence number sent (gw1) = highest accepted (gw4) = packets" \
		"${SNAP[$o.packets]:-} ${SNAP[$o.packets]:-}" "${SNAP[$o.seq]:-} ${SNAP[$i.seq]:-}"
	check_eq "$tag: SAs read back (gw1 out | gw4 in)" \
		"$(suite_desc "$TUN_SUITE" "$TUN_ESN") | $(suite_desc "$TUN_SUITE" "$TUN_ESN" 1024)" \
		"${SNAP[$o.desc]:-} | ${SNAP[$i.desc]:-}"
	check_eq "$tag: no drops (inbound SAs: replayed outside_window icv_fail malformed | tunnels: no_tx_sa no_endpoint wrong_source)" \
		"0 0 0 0 | 0 0 0 | 0 0 0 0 | 0 0 0" \
		"${SNAP[$I.drops]:-} | ${SNAP[gw1.rvti0.tun.drops]:-} | ${SNAP[$i.drops]:-} | ${SNAP[gw4.rvti0.tun.drops]:-}"
	# On a failure, show what the tool printed.
	[ "$_failed" = 0 ] || { echo "# gw1:"; snap_show gw1; echo "# gw4:"; snap_show gw4; }
	_failed=$((_failed | failed_before))
}

# 1. Outer IPv4 and IPv6, each carrying inner IPv4 and IPv6.
PATTERN=c0ffee0ddba11e55c0ffee0ddba11e55
for fam in 4 6; do
	tag="outer IPv$fam"
	if ! check "$tag: rvti tunnel gw1 = gw4, rfc4106(gcm(aes)) 128" tunnel_up rvti rvti $fam gcm128; then
		tunnel_down
		continue
	fi
	check "$tag: capture on gw4's outer veth" cap_start outer gw4 wan0
	for inner in 4 6; do
		t="outer IPv$fam / inner IPv$inner"
		if [ $inner = 4 ]; then h4=$HOST4_V4 h1=$HOST1_V4; else h4=$HOST4_V6 h1=$HOST1_V6; fi
		check "$t: ping host1 -> host4" ping_ok host1 "$h4" 3 -p $PATTERN
		check "$t: ping host4 -> host1" ping_ok host4 "$h1" 3
		check "$t: TCP transfer host1 -> host4" tcp_xfer host1 "$h4"
	done
	cap_stop outer
	check "$tag: ESP gw1 -> gw4 on the wire with SPI $SPI_14, sequence 1, 2, 3..." \
		cap_check outer "$OUT1" "$OUT4" "$SPI_14" 12 first
	check "$tag: ESP gw4 -> gw1 on the wire with SPI $SPI_41, sequence 1, 2, 3..." \
		cap_check outer "$OUT4" "$OUT1" "$SPI_41" 12 first
	check_eq "$tag: no other SPI on the wire" "$((SPI_14)) | $((SPI_41))" \
		"$(cap_spis outer "$OUT1" "$OUT4") | $(cap_spis outer "$OUT4" "$OUT1")"
	check "$tag: the ping payload does not appear in clear on the wire" \
		not cap_has_bytes outer $PATTERN
	sa_checks "$tag" 12
	tunnel_down
done

# 2. Every algorithm, without and with ESN, over outer IPv4 (rfc4106(gcm(aes))
# 128 without ESN over outer IPv4 is part 1). One capture for all of them:
# every tunnel has its own SPIs.
check "capture on gw4's outer veth (algorithms)" cap_start algs gw4 wan0
done_tags=() done_14=() done_41=()
for suite in $SUITES; do
	for esn in "" esn; do
		tag="$suite${esn:+ esn}"
		[ "$tag" = gcm128 ] && continue
		if ! check "$tag: rvti tunnel gw1 = gw4 (outer IPv4)" tunnel_up rvti rvti 4 "$suite" $esn; then
			tunnel_down
			continue
		fi
		done_tags+=("$tag") done_14+=("$SPI_14") done_41+=("$SPI_41")
		check "$tag: TCP transfer host1 -> host4" tcp_xfer host1 $HOST4_V4
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		sa_checks "$tag" 3
		tunnel_down
	done
done
cap_stop algs
for i in "${!done_tags[@]}"; do
	check "${done_tags[$i]}: ESP gw1 -> gw4 with SPI ${done_14[$i]}, sequence 1, 2, 3..." \
		cap_check algs $GW1_OUT4 $GW4_OUT4 "${done_14[$i]}" 3 first
	check "${done_tags[$i]}: ESP gw4 -> gw1 with SPI ${done_41[$i]}, sequence 1, 2, 3..." \
		cap_check algs $GW4_OUT4 $GW1_OUT4 "${done_41[$i]}" 3 first
done

# 3. No outbound SA, then a rekey to new SPIs.
tag="no outbound SA"
if check "$tag: rvti tunnel gw1 = gw4" tunnel_up rvti rvti 4 gcm128; then
	check "$tag: ping passes with the SA" ping_ok host1 $HOST4_V4 2
	check "$tag: delete gw1's outbound SA" $G1 rvti sa del dev rvti0 dir out spi "$SPI_14"
	rvti_snap gw1
	check_eq "$tag: gw1 lists no outbound SA" 0 \
		"$(jq '[.[0].sas[] | select(.dir == "out")] | length' <<<"${SNAP[gw1.json]}" 2>&1)"
	b=$(snap gw1 rvti0 tun no_tx_sa)
	check "$tag: ping host1 -> host4 fails" ping_fails host1 $HOST4_V4 3
	e=$(echo_requests host1)
	check "$tag: ping host4 -> host1 fails (no way back)" ping_fails host4 $HOST1_V4 3
	check_delta "$tag: host4's echo requests still reach host1 (inbound SA intact)" \
		"$e" "$(echo_requests host1)" 3
	rvti_snap gw1
	check_delta "$tag: gw1 counts the 6 dropped packets in no_tx_sa" \
		"$b" "$(snap gw1 rvti0 tun no_tx_sa)" 6

	check "rekey: capture on gw4's outer veth" cap_start rekey gw4 wan0
	spi_a=0x14aa0001 key_a=$(suite_key gcm128)
	spi_b=0x14bb0001 key_b=$(suite_key gcm128)
	# shellcheck disable=SC2046
	check "rekey: gw4 adds inbound SA $spi_a" \
		$G4 rvti sa add dev rvti0 dir in spi $spi_a $(rvti_alg_args gcm128 "$key_a")
	# shellcheck disable=SC2046
	check "rekey: gw1 adds outbound SA $spi_a" \
		$G1 rvti sa add dev rvti0 dir out spi $spi_a $(rvti_alg_args gcm128 "$key_a")
	check "rekey: ping passes over SA $spi_a" ping_ok host1 $HOST4_V4 3
	# shellcheck disable=SC2046
	check "rekey: gw4 adds inbound SA $spi_b" \
		$G4 rvti sa add dev rvti0 dir in spi $spi_b $(rvti_alg_args gcm128 "$key_b")
	# shellcheck disable=SC2046
	check "rekey: gw1 adds outbound SA $spi_b while $spi_a is active" \
		$G1 rvti sa add dev rvti0 dir out spi $spi_b $(rvti_alg_args gcm128 "$key_b")
	rvti_snap gw1
	check_eq "rekey: the new outbound SA is the active one, the old one inactive" \
		"$((spi_a)) false $((spi_b)) true" \
		"$(jq -r '[.[0].sas[] | select(.dir == "out") | "\(.spi) \(.active)"] | join(" ")' <<<"${SNAP[gw1.json]}" 2>&1)"
	check "rekey: ping passes over SA $spi_b" ping_ok host1 $HOST4_V4 3
	cap_stop rekey
	check "rekey: SA $spi_a on the wire from sequence number 1" \
		cap_check rekey $GW1_OUT4 $GW4_OUT4 $spi_a 3 first
	check "rekey: SA $spi_b on the wire from sequence number 1" \
		cap_check rekey $GW1_OUT4 $GW4_OUT4 $spi_b 3 first
	check_eq "rekey: gw1 sent with no other SPI" "$((spi_a)) $((spi_b))" \
		"$(cap_spis rekey $GW1_OUT4 $GW4_OUT4)"
fi
tunnel_down

# Asynchronous crypto: loaded with force_async_crypto (read-only at run
# time), rvti runs every SA through cryptd, whose requests always complete
# later (-EINPROGRESS), the path hardware offload takes. Both directions of
# both kinds of transform.
topo_down
rmmod rvti
insmod "$RVTI_KMOD/rvti.ko" force_async_crypto=1 || fail "insmod rvti.ko force_async_crypto=1"
check "force_async_crypto cannot be changed at run time" \
	not sh -c 'echo 0 >/sys/module/rvti/parameters/force_async_crypto' 2>/dev/null
check "topology again, rvti with async crypto" topo_up
for suite in gcm256 cbc-sha256; do
	for esn in "" esn; do
		tag="async $suite${esn:+ esn}"
		check "$tag: tunnel up" tunnel_up rvti rvti 6 $suite $esn
		case $suite in
		gcm*) drv='cryptd(seqiv(rfc4106(gcm_base' ;;
		*) drv="cryptd(echainiv(authenc${esn:+esn}(hmac(sha256-generic),cbc(aes-generic)))" ;;
		esac
		check "$tag: the SAs' transform is the cryptd instance $drv..." \
			grep -qF "driver       : $drv" /proc/crypto
		check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
		check "$tag: ping host4 -> host1 (IPv6 inner)" ping_ok host4 $HOST1_V6 3
		check "$tag: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
		rvti_snap gw4
		check_eq "$tag: no ICV failure or malformed packet" "0 0" \
			"$(jq -r '[.[0].sas[] | select(.dir == "in") | .stats | .icv_fail, .malformed] | join(" ")' <<<"${SNAP[gw4.json]}")"
		tunnel_down
	done
done
topo_down
finish
