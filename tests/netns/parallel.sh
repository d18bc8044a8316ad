#!/bin/bash
# Parallel crypto (module parameter parallel_crypto, kmod/sa.c): with more
# than one CPU online an SA's transform is a pcrypt instance, which spreads
# its requests over the CPUs and completes them in order.
# - One CPU (the UML kernel): the default makes no pcrypt instance; asking
#   for it (parallel_crypto=1) in a kernel without pcrypt is refused with a
#   message that says so, and nothing is left behind.
# - Several CPUs (the KASAN kernel, qemu -smp 2): the default SAs are pcrypt
#   instances; bulk TCP both ways at once and a ping flood: on the wire
#   every SA's sequence numbers leave in order (no gap, no reordering), the
#   receiving SAs count no replay and nothing outside the window, and the
#   counters of both ends agree; with parallel_crypto=0 a new SA is not
#   parallel.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

ncpu=$(nproc)
no_pcrypt() { ! grep -q '^name *: pcrypt' /proc/crypto; }
not_in_proc_crypto() { ! grep -qF "$1" /proc/crypto; }
pcrypt_built() { [ -e /sys/module/pcrypt ] || grep -qw pcrypt_init /proc/kallsyms; }

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "iperf3 server on host1 too" iperf_server host1

if [ "$ncpu" -lt 2 ]; then
	if check "1 CPU: rvti tunnel gw1 = gw4 with the default parallel_crypto" \
		tunnel_up rvti rvti 4 gcm128; then
		check "1 CPU: no pcrypt instance" no_pcrypt
		check "1 CPU: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
		if ! pcrypt_built; then
			echo 1 >/sys/module/rvti/parameters/parallel_crypto
			check_fails "parallel_crypto=1 without pcrypt in the kernel: SA refused" \
				"no pcrypt \(CONFIG_CRYPTO_PCRYPT\)" \
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
		check "$tag: the SAs' transform is a pcrypt instance" \
			grep -qF 'name         : pcrypt(seqiv(rfc4106(gcm(aes))))' /proc/crypto
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
		check "$tag: gw1's packets left in sequence order" \
			cap_check wan "$GW1_OUT4" "$GW4_OUT4" "$SPI_14" 1000
		check "$tag: gw4's packets left in sequence order" \
			cap_check wan "$GW4_OUT4" "$GW1_OUT4" "$SPI_41" 1000
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
	fi
	tunnel_down
	echo 0 >/sys/module/rvti/parameters/parallel_crypto
	if check "parallel_crypto=0: rvti tunnel gw1 = gw4 (chacha20poly1305)" \
		tunnel_up rvti rvti 4 chacha20poly1305; then
		check "parallel_crypto=0: the new SAs are not parallel" \
			not_in_proc_crypto 'pcrypt(rfc7539esp'

		check "parallel_crypto=0: TCP host1 -> host4" tcp_xfer host1 $HOST4_V4
	fi
	tunnel_down
	echo -1 >/sys/module/rvti/parameters/parallel_crypto
fi

topo_down
check "rmmod rvti" rmmod rvti
finish
