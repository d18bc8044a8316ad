#!/bin/bash
# Parallel crypto (module parameter parallel_crypto, kmod/esp.c): with more
# than one CPU online an SA's requests go through a padata shell of its own,
# which runs them on every CPU and completes them in order; the SA reads
# back with "parallel": true.
# - One CPU (the UML kernel, which has no SMP and so no padata): the
#   default SAs are not parallel; asking for it (parallel_crypto=1) is
#   refused with a message that says why, and nothing is left behind.
# - Several CPUs (the KASAN kernel, qemu -smp 2): the default SAs are
#   parallel; bulk TCP both ways at once (4 flows each) and a ping flood:
#   on the wire every SA's sequence number appears once (none lost), the
#   receiving SAs count no replay and nothing outside the window, the
#   counters of both ends agree; XFRM's own ESP on the same
#   host is untouched (its transform is not padata's); with
#   parallel_crypto=0 a new SA is not parallel.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

ncpu=$(nproc)
# sa_parallel NS SPI DIR: the SA's "parallel" as the tool reads it back.
sa_parallel() {
	ip netns exec "$1" rvti -j sa get dev rvti0 dir "$3" spi "$2" | jq -r '.[0].sas[0].parallel'
}

not_in_proc_crypto() { ! grep -qF "$1" /proc/crypto; }
# seq_complete CAPTURE SRC DST SPI MIN: at least MIN ESP packets SRC > DST
# with SPI, as many as the span of their sequence numbers (none missing,
# none twice). Not "in order": with two CPUs transmitting at once (the
# device is LLTX, as XFRM's output is) neighbours can swap between taking
# their numbers and reaching padata, which keeps the order it was given;
# the receivers' replay window absorbs that (no replay or window drop is
# checked below).
seq_complete() {
	local s d p n f l g lo hi u spi=$(($4)) lost
	lost=$(<"$TOPO_TMP/$1.lost")
	if [ -n "$lost" ] && [ "$lost" != 0 ]; then
		echo "the capture itself lost $lost packets"
		return 1
	fi
	while read -r s d p n f l g lo hi u; do
		[ "$s $d $p" = "$2 $3 $spi" ] || continue
		# Lowest and highest, not first and last: neighbours may swap.
		echo "$n packets, $u sequence numbers from $lo to $hi, $g out of order"
		[ "$n" -ge "$5" ] && [ "$n" -eq "$u" ] && [ "$u" -eq $((hi - lo + 1)) ]
		return
	done <"$TOPO_TMP/$1.sum"
	echo "no ESP packet $2 > $3 with SPI $4"
	return 1
}

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "iperf3 server on host1 too" iperf_server host1

if [ "$ncpu" -lt 2 ]; then
	if check "1 CPU: rvti tunnel gw1 = gw4 with the default parallel_crypto" \
		tunnel_up rvti rvti 4 gcm128; then
		check_eq "1 CPU: the SAs are not parallel (gw1 out, gw1 in)" "false false" \
			"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in)"
		check "1 CPU: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
		if ! grep -qw padata_do_parallel /proc/kallsyms; then
			echo 1 >/sys/module/rvti/parameters/parallel_crypto
			check_fails "parallel_crypto=1 without padata in the kernel: SA refused" \
				"no padata \(CONFIG_PADATA, SMP\)" \
				ip netns exec gw1 rvti sa add dev rvti0 dir out spi 0x1000 \
				aead 'rfc4106(gcm(aes))' key 0x$(randhex 20) icv 128
			check_fails "parallel_crypto=1 refused: no SA 0x1000 left" "" \
				ip netns exec gw1 rvti sa get dev rvti0 dir out spi 0x1000
			echo -1 >/sys/module/rvti/parameters/parallel_crypto
			check "parallel_crypto=-1 again: the tunnel still carries TCP" \
				tcp_xfer host1 $HOST4_V4
		fi
	fi
	tunnel_down
else
	tag="$ncpu CPUs"
	if check "$tag: rvti tunnel gw1 = gw4 (outer IPv4, gcm128)" tunnel_up rvti rvti 4 gcm128; then
		check_eq "$tag: the SAs are parallel (gw1 out, gw1 in, gw4 out, gw4 in)" \
			"true true true true" \
			"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in) $(sa_parallel gw4 "$SPI_41" out) $(sa_parallel gw4 "$SPI_14" in)"
		cap_start wan gw1 wan0
		ip netns exec host1 timeout 60 iperf3 -c $HOST4_V4 -t 4 -P 4 --connect-timeout 3000 >/dev/null &
		a=$!
		ip netns exec host4 timeout 60 iperf3 -c $HOST1_V4 -t 4 -P 4 --connect-timeout 3000 >/dev/null &
		b=$!
		check "$tag: ping flood during the transfers, every echo answered" \
			ip netns exec host1 ping -f -c 500 -w 40 -q $HOST4_V4
		check "$tag: 4 TCP flows host1 -> host4" wait $a
		check "$tag: 4 TCP flows host4 -> host1" wait $b
		cap_stop wan
		check "$tag: gw1's ESP: every sequence number once, none lost" \
			seq_complete wan "$GW1_OUT4" "$GW4_OUT4" "$SPI_14" 1000
		check "$tag: gw4's ESP: every sequence number once, none lost" \
			seq_complete wan "$GW4_OUT4" "$GW1_OUT4" "$SPI_41" 1000
		nap 0.2
		rvti_snap gw1 gw4
		o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
		O="gw4.rvti0.out.$((SPI_41))" I="gw1.rvti0.in.$((SPI_41))"
		check_eq "$tag: gw4's inbound SA received what gw1 sent" \
			"${SNAP[$o.packets]:-x}" "${SNAP[$i.packets]:-y}"
		check_eq "$tag: gw1's inbound SA received what gw4 sent" \
			"${SNAP[$O.packets]:-x}" "${SNAP[$I.packets]:-y}"
		check_eq "$tag: no drops (inbound SAs: replayed outside_window icv_fail malformed | tunnels)" \
			"0 0 0 0 | 0 0 0 0 | 0 0 0 | 0 0 0" \
			"${SNAP[$I.drops]:-} | ${SNAP[$i.drops]:-} | ${SNAP[gw1.rvti0.tun.drops]:-} | ${SNAP[gw4.rvti0.tun.drops]:-}"
		check "$tag: no crypto instance of padata's registered for others (pcrypt)" \
			not_in_proc_crypto 'pcrypt('
	fi
	tunnel_down
	echo 0 >/sys/module/rvti/parameters/parallel_crypto
	if check "parallel_crypto=0: rvti tunnel gw1 = gw4 (chacha20poly1305)" \
		tunnel_up rvti rvti 4 chacha20poly1305; then
		check_eq "parallel_crypto=0: the new SAs are not parallel" "false false" \
			"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in)"
		check "parallel_crypto=0: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
	fi
	tunnel_down
	echo -1 >/sys/module/rvti/parameters/parallel_crypto
fi

topo_down
check "rmmod rvti" rmmod rvti
finish
