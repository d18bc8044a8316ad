#!/bin/bash
# The KASAN kernel's share of esp.sh: rvti <-> rvti traffic for one AEAD
# (rfc4106(gcm(aes)) 256, with ESN) with asynchronous crypto
# (force_async_crypto: every request goes through cryptd and completes
# later, in another context), inner IPv4 and IPv6 over outer IPv6: pings
# and TCP both ways, per-SA counters that agree on both gateways, no drop.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti force_async_crypto=1
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "iperf3 server on host1 too" iperf_server host1
tag="async gcm256 esn"
if check "$tag: rvti tunnel gw1 = gw4 (outer IPv6)" tunnel_up rvti rvti 6 gcm256 esn; then
	check "$tag: the SAs' transform is a cryptd instance" \
		grep -qF 'driver       : cryptd(seqiv(rfc4106(gcm_base' /proc/crypto
	check "$tag: ping host1 -> host4" ping_ok host1 $HOST4_V4 3
	check "$tag: ping host4 -> host1 (IPv6 inner)" ping_ok host4 $HOST1_V6 3
	check "$tag: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
	check "$tag: TCP host4 -> host1 (IPv6 inner)" tcp_xfer host4 $HOST1_V6
	sleep 0.2
	rvti_snap gw1 gw4
	o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
	O="gw4.rvti0.out.$((SPI_41))" I="gw1.rvti0.in.$((SPI_41))"
	check_inc "$tag: gw1's outbound SA counts packets" 0 "${SNAP[$o.packets]:-}" 100
	check_eq "$tag: gw4's inbound SA received what gw1 sent" \
		"${SNAP[$o.packets]:-}" "${SNAP[$i.packets]:-}"
	check_inc "$tag: gw4's outbound SA counts packets" 0 "${SNAP[$O.packets]:-}" 100
	check_eq "$tag: gw1's inbound SA received what gw4 sent" \
		"${SNAP[$O.packets]:-}" "${SNAP[$I.packets]:-}"
	check_eq "$tag: no drops (inbound SAs: replayed outside_window icv_fail malformed | tunnels: no_tx_sa no_endpoint wrong_source)" \
		"0 0 0 0 | 0 0 0 | 0 0 0 0 | 0 0 0" \
		"${SNAP[$I.drops]:-} | ${SNAP[gw1.rvti0.tun.drops]:-} | ${SNAP[$i.drops]:-} | ${SNAP[gw4.rvti0.tun.drops]:-}"
fi
tunnel_down
topo_down
check "rmmod rvti" rmmod rvti
finish
