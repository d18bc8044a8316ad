#!/bin/bash
# rvti against the kernel's own IPsec: gw1 runs rvti, gw4 a route-based
# kernel XFRM tunnel (xfrm interface, any-to-any policies bound to its if_id,
# SAs with flag af-unspec):
#   host1 - gw1 [rvti0] == outer veth == [ipsec0] gw4 - host4
# Every algorithm runs over outer IPv4 and outer IPv6, and with and without
# ESN (pairwise: even-numbered suites without ESN over IPv4 and with ESN over
# IPv6, odd-numbered ones the other way round). Each time: ping both ways
# (the inner family crosses over), a TCP transfer, rvti's per-SA counters
# equal the packet counts of the matching XFRM states, and a capture on the
# outer veth shows ESP with the right SPI each way, sequence numbers 1, 2, 3...
# At the end, neither namespace has counted any XFRM error (gw1: rvti took
# all of its own SPIs; gw4: XFRM accepted everything rvti sent).
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "capture on gw4's outer veth" cap_start wire gw4 wan0

done_tags=() done_14=() done_41=() done_o1=() done_o4=()
s=0
for suite in $SUITES; do
	for fam in 4 6; do
		esn=""
		[ $(((s + fam / 2) % 2)) = 1 ] && esn=esn
		tag="$suite outer IPv$fam${esn:+ esn}"
		if [ $fam = 4 ]; then
			h4=$HOST4_V4 h1=$HOST1_V6
		else
			h4=$HOST4_V6 h1=$HOST1_V4
		fi
		if ! check "$tag: gw1 rvti, gw4 XFRM" tunnel_up rvti xfrm $fam "$suite" $esn; then
			tunnel_down
			continue
		fi
		done_tags+=("$tag") done_14+=("$SPI_14") done_41+=("$SPI_41")
		done_o1+=("$OUT1") done_o4+=("$OUT4")
		tunnel_traffic "$tag" "$h4" "$h1"
		nap 0.2
		rvti_snap gw1
		xfrm_snap gw4
		o1=$(snap gw1 rvti0 out "$SPI_14" packets)
		i1=$(snap gw1 rvti0 in "$SPI_41" packets)
		check_inc "$tag: rvti's outbound SA counts packets" 0 "$o1" 6
		check_eq "$tag: XFRM's inbound state got every packet rvti sent" \
			"$o1" "${XSNAP[$((SPI_14))]:-none}"
		check_inc "$tag: rvti's inbound SA counts packets" 0 "$i1" 6
		check_eq "$tag: rvti received every packet XFRM sent" \
			"${XSNAP[$((SPI_41))]:-none}" "$i1"
		check_eq "$tag: rvti SAs read back (out | in)" \
			"$(suite_desc "$suite" $esn) | $(suite_desc "$suite" "$esn" 1024)" \
			"$(sa_desc gw1 rvti0 out "$SPI_14") | $(sa_desc gw1 rvti0 in "$SPI_41")"
		check_eq "$tag: no rvti drops (in SA: replayed outside_window icv_fail malformed | tunnel)" \
			"0 0 0 0 | 0 0 0" "$(sa_drops gw1 rvti0 "$SPI_41") | $(tun_drops gw1 rvti0)"
		tunnel_down
	done
	s=$((s + 1))
done
cap_stop wire
for i in "${!done_tags[@]}"; do
	check "${done_tags[$i]}: ESP rvti -> XFRM with SPI ${done_14[$i]}, sequence 1, 2, 3..." \
		cap_check wire "${done_o1[$i]}" "${done_o4[$i]}" "${done_14[$i]}" 6 first
	check "${done_tags[$i]}: ESP XFRM -> rvti with SPI ${done_41[$i]}, sequence 1, 2, 3..." \
		cap_check wire "${done_o4[$i]}" "${done_o1[$i]}" "${done_41[$i]}" 6 first
done
check_eq "no XFRM error counted on gw1 (rvti)" "" "$(xfrm_errors gw1)"
check_eq "no XFRM error counted on gw4 (XFRM)" "" "$(xfrm_errors gw4)"
topo_down
finish
