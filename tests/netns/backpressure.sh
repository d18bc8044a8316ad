#!/bin/bash
# Transmit backpressure (kmod/parallel.c): an outbound SA with parallel
# crypto keeps at most what its CPUs need queued; on a device with a qdisc
# the device's queue stops there and the excess waits in the qdisc (where
# fq_codel or cake can manage it), instead of being dropped at the SA's
# bound behind the qdisc's back.
# - noqueue (the default), a UDP flood faster than the crypto (sent by gw1
#   itself, see flood below): the SA's
#   bound drops (overload > 0). The control: the load is heavy enough.
# - a 500-packet pfifo on gw1's rvti0, the same flood: the outbound SA
#   drops nothing (overload 0), the qdisc held the excess and dropped at
#   its own limit (drops > 0: a driver that never pushes back never lets
#   it fill), and after the flood it is empty and the tunnel carries TCP
#   (the queue was woken). gw4's inbound SA received every packet gw1's
#   SA sent (less its own overload and what the link dropped).
# - fq_codel: the same flood, then TCP and pings through the same queue.
# - The core never saw a stopped queue without a qdisc ("asks to queue").
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

# qdisc_stat NS FIELD: FIELD of the root qdisc of NS's rvti0 (tc -s).
qdisc_stat() {
	ip netns exec "$1" tc -s -j qdisc show dev rvti0 root | jq -r ".[0].$2"
}
# flood: 3 s of UDP from gw1 itself (its LAN address) to host4, 4 streams
# as fast as iperf3 sends, at the highest priority: each send runs
# rvti0's transmit in the sender's own context, and the crypto workers
# (nice 0) on the same CPU get next to no time meanwhile. (Forwarded from
# host1, the submits run in softirqs, which may be deferred to ksoftirqd
# at nice 0: whether the workers fell behind would be luck.) Each socket
# may have 4 MB in flight: a socket's packets count against its send
# buffer until they are sent, and the default (212 KB) would block the
# senders before the SA's bound, as TCP small queues would.
flood() {
	ip netns exec gw1 nice -n -20 timeout 60 iperf3 -u -b 0 -l 1200 -P 4 -t 3 \
		-w 4M -B "$GW1_LAN4" -c "$HOST4_V4" --connect-timeout 3000 >/dev/null ||
		echo "iperf3 exited with $?"
}
no_queue_complaint() { ! dmesg | grep -F "rvti0 asks to queue packet"; }
qdisc_empty() { [ "$(qdisc_stat gw1 qlen)" = 0 ]; }

load_rvti
sysctl -qw net.core.wmem_max=$((4 << 20)) net.core.rmem_max=$((4 << 20))
# One CPU (UML) too: the parallel path runs there when asked for.
echo 1 >/sys/module/rvti/parameters/parallel_crypto
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }

# flooded TAG: the flood, then the counters of gw1's outbound and gw4's
# inbound SA agree (up to 3 s for the last packets to be finished).
flooded() {
	local w0 w
	o="gw1.rvti0.out.$((SPI_14))" i="gw4.rvti0.in.$((SPI_14))"
	w0=$(wire_dropped gw1)
	# The load is what matters: iperf3's own control connection may
	# not survive it (its packets queue behind the flood's).
	flood 2>&1 | sed "s/^/# $1: /"
	for _ in $(seq 15); do
		nap 0.2
		rvti_snap gw1 gw4
		w=$(($(wire_dropped gw1) - w0))
		[ $((${SNAP[$o.packets]:-0} - ${SNAP[$o.overload]:-0} - w)) = \
		  $((${SNAP[$i.packets]:--1} + ${SNAP[$i.overload]:-0})) ] && break
	done
	check_eq "$1: gw4's inbound SA received what gw1 sent (less overload and the wire's drops)" \
		"$((${SNAP[$o.packets]:-0} - ${SNAP[$o.overload]:-0} - w))" \
		"$((${SNAP[$i.packets]:--1} + ${SNAP[$i.overload]:-0}))"
	echo "# $1: gw1 out ${SNAP[$o.packets]:-} packets, overload ${SNAP[$o.overload]:-}; gw4 in ${SNAP[$i.packets]:-}, overload ${SNAP[$i.overload]:-}; wire $w"
}

if check "noqueue: rvti tunnel gw1 = gw4 (gcm128, parallel)" \
	tunnel_up rvti rvti 4 gcm128; then
	check_eq "noqueue: gw1's rvti0 has no qdisc" noqueue "$(qdisc_stat gw1 kind)"
	flooded noqueue
	check "noqueue: the flood overloaded gw1's outbound SA (the load is heavy enough)" \
		test "${SNAP[$o.overload]:-0}" -gt 0
fi
tunnel_down

if check "pfifo: rvti tunnel gw1 = gw4 (gcm128, parallel)" \
	tunnel_up rvti rvti 4 gcm128 &&
	check "pfifo: a 500-packet pfifo on gw1's rvti0" \
		ip netns exec gw1 tc qdisc replace dev rvti0 root pfifo limit 500; then
	flooded pfifo
	check_eq "pfifo: gw1's outbound SA dropped nothing (the queue stopped first)" \
		0 "${SNAP[$o.overload]:-}"
	echo "# pfifo: $(ip netns exec gw1 tc -s qdisc show dev rvti0 root | tr '\n' ' ')"
	check "pfifo: the excess waited in the qdisc, which dropped at its limit" \
		test "$(qdisc_stat gw1 drops)" -gt 0
	check "pfifo: the qdisc is empty after the flood" wait_until 5 qdisc_empty
	check "pfifo: TCP host1 -> host4 after the flood (the queue was woken)" \
		tcp_xfer host1 "$HOST4_V4"
	check "pfifo: pings after the flood" ping_ok host1 "$HOST4_V4" 10
fi
tunnel_down

if check "fq_codel: rvti tunnel gw1 = gw4 (gcm128, parallel)" \
	tunnel_up rvti rvti 4 gcm128 &&
	check "fq_codel on gw1's rvti0" \
		ip netns exec gw1 tc qdisc replace dev rvti0 root fq_codel; then
	flooded fq_codel
	check_eq "fq_codel: gw1's outbound SA dropped nothing" \
		0 "${SNAP[$o.overload]:-}"
	echo "# fq_codel: $(ip netns exec gw1 tc -s qdisc show dev rvti0 root | tr '\n' ' ')"
	check "fq_codel: the excess waited in the qdisc, which dropped by its policy" \
		test "$(qdisc_stat gw1 drops)" -gt 0
	check "fq_codel: the qdisc is empty after the flood" wait_until 5 qdisc_empty
	check "fq_codel: TCP host1 -> host4 after the flood" \
		tcp_xfer host1 "$HOST4_V4"
fi
tunnel_down

check "no stopped queue without a qdisc (kernel log)" no_queue_complaint
echo -1 >/sys/module/rvti/parameters/parallel_crypto
topo_down
check "rmmod rvti" rmmod rvti
finish
