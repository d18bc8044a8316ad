#!/bin/bash
# Parallel crypto (module parameter parallel_crypto, kmod/parallel.c): with
# more than one CPU online an SA's packets go through its own ordered queue
# and every CPU's crypto worker, and are finished in order; the SA reads
# back with "parallel": true.
# - One CPU (the UML kernel): the default SAs are not parallel; asked for
#   (parallel_crypto=1) they are, and carry the load below.
# - Several CPUs (the KASAN kernel, qemu -smp 2): the default SAs are
#   parallel; bulk TCP both ways at once (4 flows each) and a ping flood:
#   on the wire every SA's sequence number appears once (none lost), the
#   receiving SAs count no replay and nothing outside the window, the
#   counters of both ends agree (less overload and what the link itself
#   dropped, a veth's tx_dropped); XFRM's own ESP on the same
#   host is untouched (no pcrypt instance registered); with
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
# their numbers and reaching the SA's queue, which keeps the order it was given;
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

# parallel_tunnel TAG IPERF3-OPTIONS PING-OPTIONS [wire]: a tunnel whose SAs
# are parallel, loaded both ways; with "wire", every sequence number is
# checked in a capture of the outer link.
parallel_tunnel() {
	local tag=$1 load=$2 ping=$3 wire=${4:-} a b o i O I b1 b4 w1 w4
	if check "$tag: rvti tunnel gw1 = gw4 (outer IPv4, gcm128)" tunnel_up rvti rvti 4 gcm128; then
		check_eq "$tag: the SAs are parallel (gw1 out, gw1 in, gw4 out, gw4 in)" \
			"true true true true" \
			"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in) $(sa_parallel gw4 "$SPI_41" out) $(sa_parallel gw4 "$SPI_14" in)"
		[ -n "$wire" ] && cap_start wan gw1 wan0
		b1=$(wire_dropped gw1) b4=$(wire_dropped gw4)
		# shellcheck disable=SC2086 # options
		ip netns exec host1 timeout 60 iperf3 -c $HOST4_V4 -t 4 $load --connect-timeout 3000 >/dev/null &
		a=$!
		# shellcheck disable=SC2086
		ip netns exec host4 timeout 60 iperf3 -c $HOST1_V4 -t 4 $load --connect-timeout 3000 >/dev/null &
		b=$!
		# shellcheck disable=SC2086
		check "$tag: pings during the transfers ($ping), every echo answered" \
			ip netns exec host1 ping $ping -c 500 -w 40 -q $HOST4_V4
		check "$tag: TCP host1 -> host4 ($load)" wait $a
		check "$tag: TCP host4 -> host1 ($load)" wait $b
		if [ -n "$wire" ]; then
			cap_stop wan
			check "$tag: gw1's ESP: every sequence number once, none lost" \
				seq_complete wan "$GW1_OUT4" "$GW4_OUT4" "$SPI_14" 1000
			check "$tag: gw4's ESP: every sequence number once, none lost" \
				seq_complete wan "$GW4_OUT4" "$GW1_OUT4" "$SPI_41" 1000
		fi
		o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
		O="gw4.rvti0.out.$((SPI_41))" I="gw1.rvti0.in.$((SPI_41))"
		# The last packets may still be between a worker and the NAPI
		# that finishes them: up to 3 s for the counters to agree.
		for _ in $(seq 15); do
			nap 0.2
			rvti_snap gw1 gw4
			w1=$(($(wire_dropped gw1) - b1)) w4=$(($(wire_dropped gw4) - b4))
			[ $((${SNAP[$o.packets]:-0} - ${SNAP[$o.overload]:-0} - w1)) = \
			  $((${SNAP[$i.packets]:--1} + ${SNAP[$i.overload]:-0})) ] &&
			[ $((${SNAP[$O.packets]:-0} - ${SNAP[$O.overload]:-0} - w4)) = \
			  $((${SNAP[$I.packets]:--1} + ${SNAP[$I.overload]:-0})) ] && break
		done
		# Crypto that cannot keep up drops at the SA's bound, on either
		# side, counted as overload (a sender's count includes its own);
		# the link drops what the receiving CPU's backlog has no room
		# for: every packet is accounted for.
		check_eq "$tag: gw4's inbound SA received what gw1 sent (less overload and the wire's drops)" \
			"$((${SNAP[$o.packets]:-0} - ${SNAP[$o.overload]:-0} - w1))" \
			"$((${SNAP[$i.packets]:--1} + ${SNAP[$i.overload]:-0}))"
		check_eq "$tag: gw1's inbound SA received what gw4 sent (less overload and the wire's drops)" \
			"$((${SNAP[$O.packets]:-0} - ${SNAP[$O.overload]:-0} - w4))" \
			"$((${SNAP[$I.packets]:--1} + ${SNAP[$I.overload]:-0}))"
		echo "# overload: gw4 in ${SNAP[$i.overload]:-} gw1 in ${SNAP[$I.overload]:-}; senders: gw1 ${SNAP[$o.overload]:-} gw4 ${SNAP[$O.overload]:-}; dropped on the wire: gw1 -> gw4 $w1, gw4 -> gw1 $w4"
		check_eq "$tag: no drops (inbound SAs: replayed outside_window icv_fail malformed | tunnels)" \
			"0 0 0 0 | 0 0 0 0 | 0 0 0 | 0 0 0" \
			"${SNAP[$I.drops]:-} | ${SNAP[$i.drops]:-} | ${SNAP[gw1.rvti0.tun.drops]:-} | ${SNAP[gw4.rvti0.tun.drops]:-}"
		check "$tag: no crypto instance registered for others (pcrypt)" \
			not_in_proc_crypto 'pcrypt('
	fi
	tunnel_down
}

if [ "$ncpu" -lt 2 ]; then
	if check "1 CPU: rvti tunnel gw1 = gw4 with the default parallel_crypto" \
		tunnel_up rvti rvti 4 gcm128; then
		check_eq "1 CPU: the SAs are not parallel (gw1 out, gw1 in)" "false false" \
			"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in)"
		check "1 CPU: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
	fi
	tunnel_down
	# Asked for, the parallel path runs on one CPU too: its one worker
	# takes turns with the softirq. No capture: on UML's one CPU tcpdump
	# loses packets under this load (the order of the SA's queue is
	# KUnit's rvti_esp_test_parallel_order).
	echo 1 >/sys/module/rvti/parameters/parallel_crypto
	parallel_tunnel "1 CPU, parallel_crypto=1" "-P 4" -f
	echo -1 >/sys/module/rvti/parameters/parallel_crypto
else
	parallel_tunnel "$ncpu CPUs" "-P 4" -f wire
fi
echo 0 >/sys/module/rvti/parameters/parallel_crypto
if check "parallel_crypto=0: rvti tunnel gw1 = gw4 (chacha20poly1305)" \
	tunnel_up rvti rvti 4 chacha20poly1305; then
	check_eq "parallel_crypto=0: the new SAs are not parallel" "false false" \
		"$(sa_parallel gw1 "$SPI_14" out) $(sa_parallel gw1 "$SPI_41" in)"
	check "parallel_crypto=0: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
fi
tunnel_down
echo -1 >/sys/module/rvti/parameters/parallel_crypto

topo_down
check "rmmod rvti" rmmod rvti
finish
