#!/bin/bash
# Guest payload of `make bench` (tests/bench/run.sh): one tunnel
#   host1 - gw1 ==outer wan0== gw4 - host4
# in turn as plain routing, an xfrm interface, WireGuard and rvti, with
# AES-GCM-128, ChaCha20-Poly1305 and the null cipher for XFRM and rvti.
# Every mode runs ROUNDS times, the modes alternating (each round starts at
# another mode, so that a slow phase of the machine hits them all), and
# each time measures iperf3 TCP and the packet rates of 1400- and 64-byte
# inner IP packets (UDP, sent by pktgen) from host1 to host4. Results go
# out as lines
#   # bench MODE TEST ROUND VALUE      (TCP: bit/s, UDP: received packet/s)
# which run.sh turns into the table and the JSON.
#   guest.sh KO_DIR [ROUNDS [SECONDS [MODES...]]]
# KO_DIR holds rvti.ko and rvti_bench.ko built for the benchmark kernel, and
# in KO_DIR/base an rvti.ko of another revision for the modes base-SUITE.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

# The kernel command line carries the arguments as one word, with commas.
[ $# = 1 ] && IFS=, read -ra _args <<<"$1" && set -- "${_args[@]}"
KO_DIR=$1
ROUNDS=${2:-3}
SECS=${3:-3}
shift 3 2>/dev/null || shift $#
MODES=${*:-plain xfrm-gcm128 rvti-gcm128 wg xfrm-chacha rvti-chacha xfrm-null rvti-null}
# Words among the modes that are options: tests=T1+T2 (the measurements,
# default tcp+udp1400+udp64; tcp4 is TCP with 4 parallel flows, rtt the
# median ping time under a TCP flow, in microseconds), nomicro
# (no in-kernel microbenchmark), napi (every veth receives through its own
# NAPI ring, as a NIC does, instead of the CPU's shared backlog: see
# veth_napi below), perf (each mode's TCP and UDP tests of the first round also
# run under `perf record -a -g`, and the profile goes out as lines
#   # perf MODE TEST SHARE SYMBOL     and    # perf MODE TEST SHARE comm COMM
# of the samples of every CPU: where the time goes, as far as the guest's
# clock sees it; under TCG an emulated AES or vector instruction costs
# more than on hardware).
TESTS="tcp udp1400 udp64"
_modes=""
for _m in $MODES; do
	case $_m in
	tests=*) TESTS=${_m#tests=} TESTS=${TESTS//+/ } ;;
	nomicro) BENCH_NO_MICRO=1 ;;
	napi) BENCH_NAPI=1 ;;
	perf) BENCH_PERF=1 ;;
	*) _modes+="$_m " ;;
	esac
done
MODES=${_modes% }

# One tunnel MTU for every mode: WireGuard's default, which leaves room for
# a 1400-byte inner packet and the ESP or WireGuard overhead in 1500 bytes.
BENCH_MTU=1420
TOPO_TUN_MTU=$BENCH_MTU
# Inner IPv4 packets of the packet-rate tests: 1400 and 64 bytes.
declare -A IP_LEN=([udp1400]=1400 [udp64]=64)

# The benchmark's own suites: the null cipher (XFRM's names; rvti takes
# a 1-byte key it ignores, XFRM an empty one).
eval "_topo_$(declare -f xfrm_alg_args)"
eval "_topo_$(declare -f rvti_alg_args)"
xfrm_alg_args() {
	if [ "$1" = null ]; then
		echo 'enc cipher_null "" auth-trunc digest_null "" 0'
	else
		_topo_xfrm_alg_args "$@"
	fi
}
rvti_alg_args() {
	if [ "$1" = null ]; then
		echo "enc ecb(cipher_null) key 0x00 auth digest_null key 0x00"
	else
		_topo_rvti_alg_args "$@"
	fi
}
eval "_topo_$(declare -f suite_key)"
suite_key() {
	if [ "$1" = null ]; then echo 00; else _topo_suite_key "$@"; fi
}

# ---- modes ---------------------------------------------------------------

# use_module DIR: rvti.ko from DIR loaded (with the null cipher allowed).
_loaded=""
use_module() {
	[ "$_loaded" = "$1" ] && return 0
	[ -n "$_loaded" ] && { rmmod rvti || return; }
	_loaded=""
	insmod "$1/rvti.ko" bench_null_cipher=1 || return
	_loaded=$1
}

# Modes: plain, wg, KIND-SUITE with KIND xfrm, rvti, base (rvti of another
# revision), rvtiserial (rvti with parallel_crypto=0: each SA's crypto on
# the CPU that sends or receives, as XFRM; the same as rvti with one CPU)
# or rvtifq (rvti with fq_codel on both rvti0).
mode_up() {
	local kind=${1%%-*} suite=${1#*-} qdisc=""
	[ "$suite" = chacha ] && suite=chacha20poly1305
	case $kind in
	rvti) use_module "$KO_DIR" || return ;;
	# rvti with fq_codel on each rvti0: the transmit backpressure of
	# parallel crypto (kmod/parallel.c) queues the excess there
	rvtifq) use_module "$KO_DIR" || return; kind=rvti qdisc=fq_codel ;;
	rvtiserial)
		use_module "$KO_DIR" || return
		echo 0 >/sys/module/rvti/parameters/parallel_crypto || return
		kind=rvti
		;;
	# "base": rvti as built from the revision run.sh was given to compare
	base) use_module "$KO_DIR/base" || return; kind=rvti ;;
	esac
	case $kind in
	plain)
		ip -n gw1 route add $SITE4_V4 via $GW4_OUT4 &&
			ip -n gw4 route add $SITE1_V4 via $GW1_OUT4
		;;
	xfrm)
		tunnel_up xfrm xfrm 4 "$suite"
		;;
	rvti)
		tunnel_up rvti rvti 4 "$suite" &&
			ip -n gw1 link set rvti0 mtu $BENCH_MTU &&
			ip -n gw4 link set rvti0 mtu $BENCH_MTU || return
		if [ -n "$qdisc" ]; then
			ip netns exec gw1 tc qdisc replace dev rvti0 root $qdisc &&
				ip netns exec gw4 tc qdisc replace dev rvti0 root $qdisc
		fi
		;;
	wg)
		wg_up gw1 "$WG1_KEY" "$WG4_PUB" $GW4_OUT4 $SITE4_V4 &&
			wg_up gw4 "$WG4_KEY" "$WG1_PUB" $GW1_OUT4 $SITE1_V4
		;;
	*) return 1 ;;
	esac
}

mode_down() {
	case ${1%%-*} in
	plain)
		ip -n gw1 route del $SITE4_V4 2>/dev/null
		ip -n gw4 route del $SITE1_V4 2>/dev/null
		;;
	xfrm | rvti | rvtifq | base) tunnel_down ;;
	rvtiserial)
		tunnel_down
		echo -1 >/sys/module/rvti/parameters/parallel_crypto
		;;
	wg)
		ip -n gw1 link del wg0 2>/dev/null
		ip -n gw4 link del wg0 2>/dev/null
		;;
	esac
	return 0
}

# wg_up NS KEY PEER_PUB PEER_ADDR PREFIX: wg0 in NS to the other gateway.
wg_up() {
	local f
	f=$(mktemp /tmp/rvti-wg.XXXXXX)
	echo "$2" >"$f"
	ip -n "$1" link add wg0 type wireguard &&
		ip netns exec "$1" wg set wg0 private-key "$f" listen-port 51820 \
			peer "$3" allowed-ips 0.0.0.0/0 endpoint "$4:51820" &&
		ip -n "$1" link set wg0 mtu $BENCH_MTU up &&
		ip -n "$1" route add "$5" dev wg0
	local rc=$?
	rm -f "$f"
	return $rc
}

# veth_napi: every veth of the topology receives through its own NAPI ring
# (GRO on at the receiver, TSO off at the sender, which makes forwarded and
# pktgen's packets eligible), as a NIC's receive queue: when the path is
# slower than pktgen, packets are dropped at the ring before any work was
# spent on them. Without it a veth hands packets to the CPU's one backlog
# queue, which pktgen keeps full; a packet coming back from another CPU
# (parallel crypto, WireGuard's workers) then finds it full and is dropped
# after its crypto was done, which no NIC-fed router would see.
veth_napi() {
	local nd
	for nd in host1:eth0 gw1:lan0 gw1:wan0 gw4:wan0 gw4:lan0 host4:eth0; do
		ip netns exec "${nd%%:*}" ethtool -K "${nd#*:}" tso off gro on || return
	done
}

# ---- measurements ---------------------------------------------------------

# rx_packets NS DEV: the device's received packets, from /proc/PID/net/dev.
rx_packets() {
	local line
	while read -r line; do
		[ "${line%%:*}" = "$2" ] || continue
		read -ra f <<<"${line#*:}"
		echo "${f[1]}"
		return 0
	done <"$(ns_net "$1" dev)"
	return 1
}

# pktgen_rate TEST: the packets per second that reached host4's eth0 while
# pktgen, in host1's kernel, sent as fast as the path took them: inner IPv4
# packets of the test's size, host1 -> host4, for SECS seconds. The sender
# is a kernel thread, so the figure is the path's own rate (forwarding on
# gw1, the tunnel both ways, forwarding on gw4), not a userspace sender's:
# a UML process pays a ptrace round trip per sendto(), and iperf3 -u sent
# 400 to 1,800 packets/s whatever it was asked for.
pktgen_rate() {
	local pg mac before after t0 t1 pid c
	pg=$(ns_net host1 pktgen)
	[ -d "$pg" ] || { echo "no pktgen in this kernel" >&2; return 1; }
	mac=$(ip -n gw1 -j link show lan0 | jq -re '.[0].address') || return 1
	echo "rem_device_all" >"$pg/kpktgend_0" &&
	echo "add_device eth0" >"$pg/kpktgend_0" &&
	for c in "count 0" "delay 0" "clone_skb 0" "pkt_size $((14 + ${IP_LEN[$1]}))" \
		"dst $HOST4_V4" "src_min $HOST1_V4" "src_max $HOST1_V4" \
		"dst_mac $mac" "udp_dst_min 9" "udp_dst_max 9"; do
		echo "$c" >"$pg/eth0" || { echo "pktgen: $c refused" >&2; return 1; }
	done
	# pgctrl acts on the writer's namespace.
	$H1 sh -c 'echo start >/proc/net/pktgen/pgctrl' &
	pid=$!
	sleep 0.5
	before=$(rx_packets host4 eth0) t0=$EPOCHREALTIME
	sleep "$SECS"
	after=$(rx_packets host4 eth0) t1=$EPOCHREALTIME
	$H1 sh -c 'echo stop >/proc/net/pktgen/pgctrl'
	wait "$pid"
	echo "rem_device_all" >"$pg/kpktgend_0"
	echo $(((after - before) * 1000000 / (${t1/./} - ${t0/./})))
}

# measure TEST: prints the value, or fails. TCP: the receiver's bit/s.
# UDP: the packets per second that reached host4 (its eth0) from pktgen.
measure() {
	local out
	case $1 in
	tcp | tcp4)
		out=$($H1 timeout $((SECS + 15)) iperf3 -c $HOST4_V4 -t "$SECS" -O 1 -J \
			-P "$([ "$1" = tcp4 ] && echo 4 || echo 1)" \
			--connect-timeout 3000) || return 1
		printf '%s\n' "$out" >/tmp/rvti-bench-iperf.json
		jq -e '.end.sum_received.bits_per_second | floor' <<<"$out"
		;;
	udp*)
		pktgen_rate "$1"
		;;
	rtt)
		rtt_under_load
		;;
	esac
}

# rtt_under_load: the median round trip, in microseconds, of pings host1 ->
# host4 every 10 ms while one TCP flow fills the tunnel the same way: the
# delay the tunnel's queues add for everyone else when it is saturated
# (what a qdisc such as fq_codel bounds if it holds the queue: rvtifq).
rtt_under_load() {
	local tcp pings
	$H1 timeout $((SECS + 15)) iperf3 -c $HOST4_V4 -t $((SECS + 1)) \
		--connect-timeout 3000 >/dev/null &
	tcp=$!
	sleep 1
	pings=$($H1 ping -i 0.01 -w "$SECS" -W 1 $HOST4_V4 |
		sed -n 's/.* time=\([0-9.]*\) ms$/\1/p' | sort -n)
	wait $tcp || return 1
	[ -n "$pings" ] || { echo "no echo answered under load" >&2; return 1; }
	awk '{ v[NR] = $1 } END { printf "%d\n", v[int((NR + 1) / 2)] * 1000 }' <<<"$pings"
}

# link_drops: "NS/DEV TX_DROPPED RX_DROPPED" for every link of the topology.
link_drops() {
	local ns
	for ns in host1 gw1 gw4 host4; do
		ip -n $ns -s -j link show |
			jq -r --arg ns $ns '.[] | "\($ns)/\(.ifname) \(.stats64.tx.dropped) \(.stats64.rx.dropped)"'
	done
}

# tcp_stats: the sender's (host1's) TCP counters that tell loss from
# reordering.
tcp_stats() {
	ip netns exec host1 nstat -az TcpRetransSegs TcpExtTCPSACKReorder \
		TcpExtTCPTSReorder TcpExtTCPFastRetrans TcpExtTCPLossProbes \
		TcpExtTCPSpuriousRtxHostQueues TcpExtTCPDSACKRecv TcpExtTCPTimeouts |
		awk '$1 !~ /^#/ { print $1, $2 }' | sort
}

# profile MODE TEST: TEST measured under perf (sampling every CPU, call
# graphs for `perf report`); prints the value as measure does, the profile
# as "# perf" lines on stderr, with what the links dropped, host1's TCP
# counters and iperf3's retransmissions meanwhile.
profile() {
	local data=/tmp/rvti-bench-perf.data v
	link_drops >/tmp/rvti-bench-drops.0
	tcp_stats >/tmp/rvti-bench-tcp.0
	perf record -q -a -g -F 997 -o "$data" -- sleep $((SECS + 2)) 2>/dev/null &
	local p=$!
	v=$(measure "$2")
	local rc=$?
	wait $p
	{
		perf report -i "$data" --stdio --no-children -g none --sort sym \
			--percent-limit 0.3 2>/dev/null |
			awk -v m="$1" -v t="$2" '$1 ~ /%$/ { $2 = ""; print "# perf", m, t, $0 }'
		perf report -i "$data" --stdio --no-children -g none --sort comm \
			--percent-limit 2 2>/dev/null |
			awk -v m="$1" -v t="$2" '$1 ~ /%$/ { print "# perf", m, t, $1, "comm", $2 }'
	} >&2
	rm -f "$data"
	# What the links dropped meanwhile (a full backlog or veth ring).
	link_drops | sort | join <(sort /tmp/rvti-bench-drops.0) - |
		awk -v m="$1" -v t="$2" '$4 - $2 || $5 - $3 {
			print "# perf", m, t, "dropped", $1, "tx", $4 - $2, "rx", $5 - $3 }' >&2
	tcp_stats | join /tmp/rvti-bench-tcp.0 - |
		awk -v m="$1" -v t="$2" '$3 - $2 { print "# perf", m, t, "host1", $1, $3 - $2 }' >&2
	[[ $2 = tcp* ]] && echo "# perf $1 $2 retransmits" \
		"$(jq '.end.sum_sent.retransmits' /tmp/rvti-bench-iperf.json)" >&2
	echo "$v"
	return $rc
}

# ---- the run --------------------------------------------------------------

# The null cipher is refused without the module parameter, with a message
# that says how to allow it.
insmod "$KO_DIR/rvti.ko" || { fail "insmod rvti.ko"; finish; }
ip link add rvti9 type rvti
check_fails "null cipher refused without bench_null_cipher=1" \
	"bench_null_cipher=1" rvti sa add dev rvti9 dir out spi 0x100 $(rvti_alg_args null)
ip link del rvti9
rmmod rvti
use_module "$KO_DIR" || { fail "insmod rvti.ko bench_null_cipher=1"; finish; }

check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
[ -n "${BENCH_NAPI:-}" ] && check "veths receive through NAPI rings" veth_napi
WG1_KEY=$(wg genkey) WG4_KEY=$(wg genkey)
WG1_PUB=$(wg pubkey <<<"$WG1_KEY") WG4_PUB=$(wg pubkey <<<"$WG4_KEY")

read -ra modes <<<"$MODES"
n=${#modes[@]}
for round in $(seq "$ROUNDS"); do
	for i in $(seq 0 $((n - 1))); do
		mode=${modes[$(((i + round - 1) % n))]}
		if ! mode_up "$mode" >/tmp/rvti-bench-up.log 2>&1 ||
		   ! ping_ok host1 $HOST4_V4 2 >/dev/null; then
			fail "bench $mode round $round: tunnel up"
			sed 's/^/#   /' /tmp/rvti-bench-up.log
			mode_down "$mode"
			continue
		fi
		for t in $TESTS; do
			if [ -n "${BENCH_PERF:-}" ] && [ "$round" = 1 ] &&
			   [[ $t = tcp* || $t = udp* ]]; then
				v=$(profile "$mode" $t 2>/tmp/rvti-bench-perf.log)
				r=$?
				cat /tmp/rvti-bench-perf.log
			else
				v=$(measure $t 2>/tmp/rvti-bench-err.log)
				r=$?
			fi
			if [ $r = 0 ]; then
				echo "# bench $mode $t $round $v"
				pass "bench $mode $t round $round"
			else
				fail "bench $mode $t round $round"
				sed 's/^/#   /' /tmp/rvti-bench-err.log
			fi
		done
		mode_down "$mode"
	done
done

# The implementation each AEAD had, which the CPU model decides (generic
# C, or x86 SIMD: run-smp.sh's RVTI_BENCH_CPU).
awk -F': ' '/^name/ { n = $2 } /^driver/ { d = $2 }
	/^$/ { if (n ~ /^(rfc4106\(gcm\(aes\)\)|rfc7539esp\(chacha20,poly1305\))$/)
		print "# crypto", n, d; n = d = "" }' /proc/crypto | sort -u

# The in-kernel microbenchmark (kmod/tests/bench_test.c, built where the
# kernel has KUnit): its lines go to the kernel log.
if [ -f "$KO_DIR/rvti_bench.ko" ] && [ -z "${BENCH_NO_MICRO:-}" ]; then
	dmesg -C
	if insmod "$KO_DIR/rvti_bench.ko"; then
		dmesg | sed -n 's/^.*# [a-z_]*: \(micro .*\)$/# \1/p'
		if grep -Eq '^ok [0-9]+ rvti_bench' /sys/kernel/debug/kunit/rvti_bench/results; then
			pass "microbenchmark: every packet went through intact"
		else
			fail "microbenchmark"
			sed 's/^/#   /' /sys/kernel/debug/kunit/rvti_bench/results
		fi
		rmmod rvti_bench
	else
		fail "insmod rvti_bench.ko"
	fi
fi
topo_down
finish
