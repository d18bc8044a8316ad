#!/bin/bash
# Configuration racing link deletion (review issue #6, item 3), with SA
# lifetimes whose expire works race the deletion too (#8): SAs and
# endpoints written while the device is being deleted used to land after
# the device's uninit, leaving an inbound SA in the namespace's table that
# pointed at the freed device (use-after-free on the next packet with its
# SPI) and leaking endpoints and keys. Two processes add, change and delete
# SAs and endpoints of four devices that a third creates and deletes in a
# loop; then every device is gone, the SA table must be empty (a new
# tunnel can take every SPI used, and traffic with them finds no stale SA),
# nothing leaks (kmemleak) and the module unloads.
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/topo.sh"

load_rvti
ns_add race || fail "namespace"
ip -n race addr add 192.0.2.1/24 dev lo
ip -n race addr add 192.0.2.2/24 dev lo
ip -n race addr add 192.0.2.9/24 dev lo

churn() {
	local i
	for i in $(seq 150); do
		echo "link add rv0 type rvti"
		echo "link add rv1 type rvti"
		echo "link add rv2 type rvti"
		echo "link del rv0"
		echo "link add rv3 type rvti"
		echo "link del rv1"
		echo "link del rv2"
		echo "link del rv3"
	done | ip -n race -force -batch - 2>/dev/null
	return 0
}
RACE="ip netns exec race python3 $RVTI_REPO/tests/lib/race.py"
$RACE 8 rv0 rv1 rv2 rv3 >"$TOPO_TMP/r1" 2>&1 &
p1=$!
$RACE 8 rv3 rv2 rv1 rv0 >"$TOPO_TMP/r2" 2>&1 &
p2=$!
start=$(date +%s)
while [ $(( $(date +%s) - start )) -lt 8 ]; do churn; done
wait $p1; r1=$?
wait $p2; r2=$?
echo "# racer 1: $(cat "$TOPO_TMP/r1"); racer 2: $(cat "$TOPO_TMP/r2")"
check_eq "both racers ran to the end" "0 0" "$r1 $r2"
nap 2.5  # the expire works of the last SAs have run
check "some requests landed on a live device" \
	bash -c "grep -Eq 'ok [1-9]' '$TOPO_TMP/r1' || grep -Eq 'ok [1-9]' '$TOPO_TMP/r2'"
ip -n race link del rv0 2>/dev/null; ip -n race link del rv1 2>/dev/null
ip -n race link del rv2 2>/dev/null; ip -n race link del rv3 2>/dev/null
check_eq "no rvti device is left" "[]" "$(ip netns exec race rvti -j show)"

# A stale inbound SA would still own its SPI between these addresses.
K=0x$(randhex 20)
check "a new device takes every SPI the racers used, both directions" ip netns exec race bash -ec "
	ip link add rv9 type rvti
	rvti tunnel set dev rv9 local 192.0.2.2 remote 192.0.2.9
	for s in \$(seq 4096 4103); do
		rvti sa add dev rv9 dir in spi \$s aead aes-gcm key $K
	done
	rvti sa add dev rv9 dir out spi 4096 aead aes-gcm key $K"
sent=0
for s in $(seq 4096 4103); do
	esp_send race 192.0.2.9 192.0.2.1 "$(printf '%08x' "$s")00000001$(randhex 48)" && sent=$((sent + 1))
done
check_eq "ESP with those SPIs, from the racers' peer, finds no freed device" 8 "$sent"
ip -n race link del rv9
topo_down
check "rmmod rvti" rmmod rvti
finish
