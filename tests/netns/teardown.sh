#!/bin/bash
# Teardown under traffic (issue 10). While bulk TCP flows through a tunnel
# in both directions and, with more than one CPU, other processes add and
# delete SAs in a loop (on the device in use and on a spare one), the tunnel
# is taken apart every way it can go:
#   1. the SAs in use are deleted (both directions), then replaced;
#   2. the link is deleted;
#   3. the namespace of creation (outer side) is deleted;
#   4. the namespace the device was moved to (inner side) is deleted;
#   5. the module is unloaded.
# Every step must finish in bounded time (nothing waits forever in
# unregister_netdevice), leave nothing behind (a new tunnel takes the same
# SPIs again), and traffic is checked to flow before each step. Leaks
# (kmemleak), use-after-free (KASAN kernel), lockdep and RCU reports fail
# the run in the runner.
#   teardown.sh [churn] [async]   churn: SA churn even on one CPU;
#                                 async: force_async_crypto, so that crypto
#                                 requests are in flight (in cryptd) at
#                                 every step
#
#   in1 [rvti0 10.1.0.1]   created in out1, moved into in1
#   out1 wan 203.0.113.1 ===== wan 203.0.113.4 out4 [rvti0 10.41.0.1]
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

FLOW="python3 $RVTI_REPO/tests/lib/tcp-flow.py"
CHURN="python3 $RVTI_REPO/tests/lib/sa-churn.py"
STOP=$TOPO_TMP/stop-churn
K=0x$(randhex 20)
PORT=5201
# Bound on every deletion: unregister_netdevice complains after 10 s.
BOUND=${RVTI_TEARDOWN_BOUND:-60}
# SA churn runs when there is more than one CPU, or when asked ("churn").
churn=0 async=""
[ "$(nproc)" -gt 1 ] && churn=1
for a; do
	case $a in
	churn) churn=1 ;;
	async) async=force_async_crypto=1 ;;
	esac
done
declare -A procs=()  # NS -> pids of the helpers running in NS
churners=""
round=0

# spawn NS CMD...: a helper in NS, in the background.
spawn() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >>"$TOPO_TMP/helpers.log" 2>&1 &
	procs[$ns]="${procs[$ns]:-} $!"
	[ "$1" = python3 ] && [ "$2" = "${CHURN#python3 }" ] && churners="$churners $!"
	return 0
}

# stop_ns NS: end the helpers and the anchor of NS (they keep it alive).
stop_ns() {
	local p
	for p in ${procs[$1]:-} ${_anchor[$1]:-}; do kill "$p" 2>/dev/null; done
	for p in ${procs[$1]:-} ${_anchor[$1]:-}; do wait "$p" 2>/dev/null; done
	procs[$1]=""
	unset "_anchor[$1]"
}

# outer_up: out1 and its wire to out4.
outer_up() {
	ns_add out1 || return
	ip -n out1 link add wan type veth peer name wan netns out4 || return
	ip -n out1 addr add 203.0.113.1/24 dev wan
	ip -n out4 addr add 203.0.113.4/24 dev wan
	ip -n out1 link set wan up
	ip -n out4 link set wan up
}

# inner_up: in1 with the flow's server and client, and the SA churn.
inner_up() {
	ns_add in1 || return
	spawn in1 $FLOW server $PORT
	spawn in1 $FLOW client 10.41.0.1 $PORT
	[ "$churn" = 1 ] && spawn in1 $CHURN "$STOP" rvti0 rvti9
	return 0
}

# out4_sas: out4's SAs for this round (its new outbound SA becomes the
# active one), the last round's deleted.
out4_sas() {
	ip netns exec out4 sh -ec "
		rvti sa add dev rvti0 dir in spi $SPI_OUT aead aes-gcm key $K
		rvti sa add dev rvti0 dir out spi $SPI_IN aead aes-gcm key $K
		rvti sa del dev rvti0 dir in spi $((SPI_OUT - 1)) 2>/dev/null || true
		rvti sa del dev rvti0 dir out spi $((SPI_IN - 1)) 2>/dev/null || true"
}

# gw1_up [same]: rvti0 created in out1, moved into in1 and configured from
# there, with the SPIs of a new round (and out4's SAs to match), or with the
# last round's ("same"); a spare device rvti9 in in1 for the SA churn. On
# failure nothing of it is left.
gw1_up() {
	if [ "${1:-}" != same ]; then
		round=$((round + 1))
		SPI_OUT=$((0x1000 + round)) SPI_IN=$((0x2000 + round))
	fi
	if ! { ip -n out1 link add rvti0 type rvti &&
	       ip -n out1 link set rvti0 netns in1 &&
	       ip netns exec in1 sh -ec "
		rvti tunnel set dev rvti0 local 203.0.113.1 remote 203.0.113.4
		rvti sa add dev rvti0 dir out spi $SPI_OUT aead aes-gcm key $K
		rvti sa add dev rvti0 dir in spi $SPI_IN aead aes-gcm key $K
		ip addr add 10.1.0.1/32 dev rvti0
		ip link set rvti0 up
		ip link add rvti9 type rvti
		ip route add 10.41.0.0/16 dev rvti0 src 10.1.0.1"; }; then
		ip -n out1 link del rvti0 2>/dev/null
		ip -n in1 link del rvti0 2>/dev/null
		ip -n in1 link del rvti9 2>/dev/null
		return 1
	fi
	if [ "${1:-}" = same ]; then
		# The peer's inbound SA has seen these sequence numbers already:
		# give it a fresh replay window.
		ip netns exec out4 sh -ec "
			rvti sa del dev rvti0 dir in spi $SPI_OUT
			rvti sa add dev rvti0 dir in spi $SPI_OUT aead aes-gcm key $K"
	else
		out4_sas
	fi
}

# dev_bytes NS: "RX TX" bytes of NS's rvti0 (from /proc/net/dev, no process).
dev_bytes() {
	local l
	while read -r l; do
		case $l in
		rvti0:*)
			# shellcheck disable=SC2086
			set -- ${l#rvti0:}
			echo "$1 $9"
			return 0
			;;
		esac
	done <"$(ns_net "$1" dev)"
	return 1
}

# flowing: bulk TCP crosses in1's rvti0 both ways (64 KiB each within 30 s).
flowing() {
	local b e i
	b=$(dev_bytes in1) || return
	for i in $(seq 60); do
		sleep 0.5
		e=$(dev_bytes in1) || return
		# shellcheck disable=SC2086
		set -- $b $e
		[ $(($3 - $1)) -ge 65536 ] && [ $(($4 - $2)) -ge 65536 ] && return 0
	done
	echo "rvti0 in in1, rx tx bytes: before $b, after $e"
	return 1
}

# timed NAME CMD...: CMD within $BOUND seconds; prints how long it took.
timed() {
	local name=$1 t0
	shift
	t0=$EPOCHREALTIME
	check "$name (within $BOUND s)" timeout "$BOUND" "$@"
	echo "# $name: $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 )) ms"
}

# gone_within NAME CMD...: poll CMD until it succeeds, for $BOUND seconds.
gone_within() {
	local name=$1 i
	shift
	for i in $(seq $((BOUND * 4))); do
		"$@" >/dev/null 2>&1 && { pass "$name (after $((i / 4)) s)"; return 0; }
		sleep 0.25
	done
	fail "$name (not within $BOUND s)"
}

no_dev() { ! ip -n "$1" link show "$2"; }

load_rvti $async
[ -n "$async" ] && echo "# asynchronous crypto (cryptd)"
[ "$churn" = 1 ] && echo "# $(nproc) CPU(s): SAs are added and deleted in a loop meanwhile" ||
	echo "# one CPU: no concurrent SA churn"
check "namespace out4 with rvti0" bash -c '
	ip netns add out4 && ip -n out4 link set lo up &&
	ip -n out4 link add rvti0 type rvti && ip -n out4 link add rvti9 type rvti &&
	ip netns exec out4 rvti tunnel set dev rvti0 local 203.0.113.4 remote 203.0.113.1 &&
	ip -n out4 addr add 10.41.0.1/32 dev rvti0 && ip -n out4 link set rvti0 up &&
	ip -n out4 route add 10.1.0.0/16 dev rvti0 src 10.41.0.1'
_topo_ns="$_topo_ns out4"
_anchor[out4]=""
ip netns exec out4 sleep 100000 &
_anchor[out4]=$!
check "outer namespace out1, wired to out4" outer_up
check "inner namespace in1" inner_up
spawn out4 $FLOW server $PORT
spawn out4 $FLOW client 10.1.0.1 $PORT
[ "$churn" = 1 ] && spawn out4 $CHURN "$STOP" rvti0 rvti9
check "tunnel in1 (created in out1) = out4" gw1_up
check "bulk TCP flows both ways" flowing

# 1. The SAs in use.
timed "delete the outbound SA in use" \
	ip netns exec in1 rvti sa del dev rvti0 dir out spi $SPI_OUT
timed "delete the inbound SA in use" \
	ip netns exec in1 rvti sa del dev rvti0 dir in spi $SPI_IN
check_eq "neither SA is listed any more" "" \
	"$(ip netns exec in1 rvti -j show dev rvti0 |
	   jq -r ".[0].sas[] | select(.spi == $SPI_OUT or .spi == $SPI_IN) | .spi")"
round=$((round + 1))
SPI_OUT=$((0x1000 + round)) SPI_IN=$((0x2000 + round))
check "new SAs in in1" ip netns exec in1 sh -ec "
	rvti sa add dev rvti0 dir out spi $SPI_OUT aead aes-gcm key $K
	rvti sa add dev rvti0 dir in spi $SPI_IN aead aes-gcm key $K"
check "new SAs in out4" out4_sas
check "bulk TCP flows both ways again" flowing

# 2. The link.
timed "delete the link" ip -n in1 link del rvti0
check "rvti0 is gone from in1" no_dev in1 rvti0
ip -n in1 link del rvti9 2>/dev/null
check "tunnel again" gw1_up
check "bulk TCP flows both ways again" flowing

# 3. The namespace of creation: the moved device goes with it.
stop_ns out1
timed "delete the namespace of creation (out1)" ip netns del out1
gone_within "the moved device went with its namespace of creation" no_dev in1 rvti0
check "out1 again, wired to out4" outer_up
ip -n in1 link del rvti9 2>/dev/null
check "tunnel again" gw1_up
check "bulk TCP flows both ways again" flowing

# 4. The namespace the device was moved to. The device dies with it, and
# its inbound SA leaves out1's table: the same SPIs can be taken again.
stop_ns in1
timed "delete the namespace the device was moved to (in1)" ip netns del in1
check "in1 again" inner_up
gone_within "a new tunnel takes the same SPIs again" gw1_up same
check "bulk TCP flows both ways again" flowing

# 5. The module, with devices in three namespaces and traffic through them.
timed "unload the module under traffic" rmmod rvti
check "the module is gone" test ! -e /sys/module/rvti
check "its devices went with it" bash -c '! ip -n in1 link show rvti0 && ! ip -n out4 link show rvti0'

# The churn processes stop at the stop file and print their counts.
touch "$STOP"
for p in $churners; do wait "$p" 2>/dev/null; done
for ns in in1 out1 out4; do stop_ns "$ns"; done
if [ "$churn" = 1 ]; then
	check "the SA churn ran (two processes, requests that succeeded)" \
		test "$(grep -Ec '^requests [0-9]+ ok [1-9]' "$TOPO_TMP/helpers.log")" = 2
	sed -n 's/^requests/# SA churn: requests/p' "$TOPO_TMP/helpers.log"
fi
topo_down
finish
