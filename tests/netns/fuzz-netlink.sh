#!/bin/bash
# Netlink fuzzer (issue #10): the rvti generic netlink family under
# malformed and racing requests.
#
#   RVTI_FUZZ_SEED=N      replay a run (the seed is printed; default random;
#                         the second fuzzer process uses N + 1)
#   RVTI_FUZZ_NL_COUNT=N  messages to send, over both processes (default
#                         10000; fewer for a slow kernel such as the KASAN
#                         one, e.g. 2000)
#
# gw1 holds a live tunnel to gw4 (rvti0) that the fuzzer must not disturb.
# In gw1's namespace two processes of tests/lib/fuzz_nl.py send every
# command of the family (and unknown ones) with random netlink flags,
# well-formed requests (valid SA, tunnel, site and prefix changes among
# them), requests with one mutation (an attribute's type, length or
# nesting, duplicates, unknown attributes, a truncated message, a lying
# attribute length, a broken header) and random bytes, aimed at devices
# fz0-fz3 that a third process creates, brings up, moves and deletes in a
# loop. rvti0's SPIs are among the fuzzers' SPIs: taking them over must be
# refused. Afterwards: every reply was well formed, rvti0 reads back
# exactly as before (`rvti -j show`, `rvti -j sa list`) and still carries
# traffic, no fz device is left behind, and the module unloads with
# nothing leaked (the runner fails on any kernel report).
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

SEED=${RVTI_FUZZ_SEED:-$SRANDOM}
COUNT=${RVTI_FUZZ_NL_COUNT:-10000}
echo "# fuzz-netlink: seed $SEED (RVTI_FUZZ_SEED=$SEED to replay), $COUNT messages"

load_rvti
check "topology host1 - gw1 = gw4 - host4" topo_up || { topo_down; finish; }
check "rvti tunnel rvti0 gw1 = gw4 (the one not to disturb)" \
	tunnel_up rvti rvti 4 gcm128 || { tunnel_down; topo_down; finish; }
check "ping host1 -> host4 through rvti0" ping_ok host1 $HOST4_V4 2
ns_add fzaway || fail "namespace fzaway"

# Configuration as read back; counters and use times left out (IPv6
# router solicitations and MLD reports of the devices may pass meanwhile).
readback() {
	{
		$G1 rvti -j show dev rvti0
		$G1 rvti -j sa list dev rvti0
		$G1 rvti -j prefix list dev rvti0
	} | jq -cS 'walk(if type == "object" then del(.stats, .last_rx, .first_use, .last_use) else . end)'
}
before=$(readback)

# One step of link churn: a device fzN (N random) is created (and brought
# up), deleted, or moved to another namespace and deleted there. Paced:
# device creation and deletion hold RTNL, which every rvti command but
# the dumps takes too.
churn() {
	local n=fz$((RANDOM % 4))
	case $((RANDOM % 4)) in
	0) echo "link del $n" ;;
	1) echo "link add $n type rvti" ;;
	2) printf 'link add %s type rvti\nlink set %s mtu 1280 up\n' $n $n ;;
	3) echo "link set $n netns fzaway" ;;
	esac | ip -n gw1 -force -batch - 2>/dev/null
	ip -n fzaway link del $n 2>/dev/null
	sleep 0.1
	return 0
}

idx=$(ip -n gw1 -j link show rvti0 | jq -r '.[0].ifindex')
spis="$((SPI_14)),$((SPI_41))"
FUZZ="ip netns exec gw1 python3 $RVTI_REPO/tests/lib/fuzz_nl.py"
start=$(date +%s%N)
$FUZZ "$SEED" $((COUNT / 2)) fz0,fz1,fz2,fz3 "$idx" rvti0 "$spis" >"$TOPO_TMP/f1" 2>&1 &
p1=$!
$FUZZ $((SEED + 1)) $((COUNT - COUNT / 2)) fz3,fz2,fz1,fz0,lo,wan0 "$idx" rvti0 "$spis" \
	>"$TOPO_TMP/f2" 2>&1 &
p2=$!
rounds=0
while kill -0 $p1 2>/dev/null || kill -0 $p2 2>/dev/null; do
	churn
	rounds=$((rounds + 1))
done
wait $p1; r1=$?
wait $p2; r2=$?
ms=$((($(date +%s%N) - start) / 1000000))
check_eq "both fuzzer processes ran to the end" "0 0" "$r1 $r2"
for f in f1 f2; do
	jq -e . "$TOPO_TMP/$f" >/dev/null 2>&1 || { sed 's/^/#   /' "$TOPO_TMP/$f"; }
done
sum() { jq -s "map($1) | add" "$TOPO_TMP/f1" "$TOPO_TMP/f2" 2>/dev/null; }
sent=$(sum .sent)
fsecs=$(jq -s 'map(.seconds) | max' "$TOPO_TMP/f1" "$TOPO_TMP/f2")
echo "# sent $sent messages in $fsecs s (fuzzers' own time; $((ms / 1000)) s with start-up):" \
	"$(jq -n "$sent / $fsecs | floor") messages/s" \
	"(while $rounds link changes ran); accepted $(sum .ok)," \
	"replies $(sum .replies), not sent because they named rvti0: $(sum .skipped_protected)"
echo "# kinds: $(sum .kinds | jq -rs '.[0] // {} | to_entries | map("\(.key) \(.value)") | join(", ")')"
echo "# per command: $(jq -rs 'map(.commands) | reduce .[] as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] += $e.value)) | to_entries | sort_by(-.value) | map("\(.key) \(.value)") | join(", ")' "$TOPO_TMP/f1" "$TOPO_TMP/f2")"
echo "# errors: $(jq -rs 'map(.errnos) | reduce .[] as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] += $e.value)) | to_entries | sort_by(-.value) | map("\(.key) \(.value)") | join(", ")' "$TOPO_TMP/f1" "$TOPO_TMP/f2")"
echo "# refusals of well-formed or one-attribute-mutated requests without an extack message: $(jq -rs 'map(.no_extack) | reduce .[] as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] += $e.value)) | to_entries | map("\(.key) \(.value)") | join(", ")' "$TOPO_TMP/f1" "$TOPO_TMP/f2")"
echo "# seconds per command (all, longest): $(jq -rs 'map(.time) | reduce .[] as $c ({}; reduce ($c | to_entries[]) as $e (.; .[$e.key] |= [(.[0] // 0) + $e.value[0], ([(.[1] // 0), $e.value[1]] | max)])) | to_entries | sort_by(-.value[0]) | map("\(.key) \(.value[0] * 100 | round / 100) \(.value[1])") | join(", ")' "$TOPO_TMP/f1" "$TOPO_TMP/f2")"
check_inc "at least $COUNT messages sent" 0 "$sent" "$COUNT"
# 1 in 100: a run of 1,000 messages (the KASAN kernel's) has been seen with
# 19 accepted (others 30 to 40): the link churn deletes the devices the
# requests name more often in a slow kernel. A fuzz that misses every live
# device accepts none.
check_inc "requests were accepted (at least 1 in 100: the fuzz reached live devices)" 0 \
	"$(sum .ok)" $((COUNT / 100))
check_eq "every reply was well formed, every request answered" "0 []" \
	"$(sum .bad_replies) $(jq -cs 'map(.problems) | add' "$TOPO_TMP/f1" "$TOPO_TMP/f2")"

for d in fz0 fz1 fz2 fz3; do ip -n gw1 link del $d 2>/dev/null; done
ip -n fzaway link del fz3 2>/dev/null
check_eq "only rvti0 is left in gw1" "rvti0" "$($G1 rvti -j show | jq -r '.[].ifname' | tr '\n' ' ' | sed 's/ $//')"
after=$(readback)
if [ "$before" = "$after" ]; then
	pass "rvti0 reads back unchanged (show, sa list, prefix list)"
else
	fail "rvti0 reads back unchanged (show, sa list, prefix list)"
	diff <(echo "$before" | jq -S .) <(echo "$after" | jq -S .) | sed 's/^/#   /'
fi
check "after the fuzz: ping host1 -> host4 through rvti0" ping_ok host1 $HOST4_V4 3
check "after the fuzz: TCP host1 -> host4 through rvti0" tcp_xfer host1 $HOST4_V4
tunnel_down
topo_down
check "rmmod rvti" rmmod rvti
finish
