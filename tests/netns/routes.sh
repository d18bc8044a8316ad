#!/bin/bash
# Routes of prefixes: "prefix add ... route" installs the route through the
# tunnel with rvti's protocol (86); tunnels of one site that share a prefix
# get one multipath route, which follows members going down and up, being
# removed, and prefixes being deleted; other routes are left alone.
. "$(dirname "$0")/../lib/guest.sh"

load_rvti
ip netns add r
R="ip netns exec r"
for d in v1 a1 a2; do
	$R ip link add $d type rvti
	$R ip link set $d up
done
$R rvti tunnel set dev a1 site aws
$R rvti tunnel set dev a2 site aws

# route4/route6 PREFIX: "DEV..." of the protocol-86 route (dead ones marked).
route4() {
	$R ip -j route show proto 86 "$1" | jq -r '.[] |
		if .nexthops then [.nexthops[] | .dev + (if (.flags // []) | index("dead") then "(dead)" else "" end)] | join(" ")
		else .dev end'
}
route6() {
	$R ip -6 -j route show proto 86 "$1" | jq -r '[.[] |
		if .nexthops then .nexthops[] | .dev + (if (.flags // []) | index("dead") then "(dead)" else "" end)
		else .dev end] | join(" ")'
}

check "prefix with route (IPv4)" $R rvti prefix add dev v1 10.1.0.0/16 route
check "prefix with route (IPv6)" $R rvti prefix add dev v1 2001:db8:1::/48 route
check_eq "IPv4 route through v1, protocol 86" "v1" "$(route4 10.1.0.0/16)"
check_eq "IPv6 route through v1, protocol 86" "v1" "$(route6 2001:db8:1::/48)"
check "a prefix without route" $R rvti prefix add dev v1 10.2.0.0/16
check_eq "... installs no route" "" "$(route4 10.2.0.0/16)"
check_eq "the flag shows in the list" "v1: 10.1.0.0/16 route v1: 2001:db8:1::/48 route v1: 10.2.0.0/16" \
	"$($R rvti prefix list dev v1 | tr '\n' ' ' | sed 's/ $//')"
$R ip route add 10.99.0.0/16 dev v1

# One site, two tunnels: one multipath route.
check "site aws: 10.41.0.0/16 on a1" $R rvti prefix add dev a1 10.41.0.0/16 route
check_eq "one member: a plain route" "a1" "$(route4 10.41.0.0/16)"
check "site aws: 10.41.0.0/16 on a2" $R rvti prefix add dev a2 10.41.0.0/16 route
check_eq "two members: ECMP route through a1 and a2" "a1 a2" "$(route4 10.41.0.0/16)"
check "site aws: IPv6 on both" $R rvti -b - <<EOF
prefix add dev a1 2001:db8:41::/48 route
prefix add dev a2 2001:db8:41::/48 route
EOF
check_eq "IPv6 ECMP route through a1 and a2" "a1 a2" "$(route6 2001:db8:41::/48)"

$R ip link set a2 down
check_eq "a2 down: its nexthop is dead (IPv4)" "a1 a2(dead)" "$(route4 10.41.0.0/16)"
check_eq "a2 down: IPv6 route through a1 only" "a1" "$(route6 2001:db8:41::/48 | sed 's/ a2(dead)//')"
$R ip link set a2 up
check_eq "a2 up: both again (IPv4)" "a1 a2" "$(route4 10.41.0.0/16)"
check "route sync after links changed" $R rvti route sync
check_eq "IPv6 after route sync: both" "a1 a2" "$(route6 2001:db8:41::/48)"

$R ip link set a1 down
$R ip link set a2 down
check "route sync with every member down" $R rvti route sync
check_eq "every member down: no route" "" "$(route4 10.41.0.0/16)"
$R ip link set a1 up
check "route sync with a1 up" $R rvti route sync
check_eq "a1 up: the route through a1" "a1" "$(route4 10.41.0.0/16)"
$R ip link set a2 up
$R rvti route sync
check_eq "a2 up again: ECMP" "a1 a2" "$(route4 10.41.0.0/16)"

check_eq "a route of another protocol is left alone" "10.99.0.0/16 dev v1 scope link" \
	"$($R ip route show 10.99.0.0/16 | sed 's/ *$//')"

check "prefix del on a2" $R rvti prefix del dev a2 10.41.0.0/16
check_eq "the route shrinks to a1" "a1" "$(route4 10.41.0.0/16)"
check "flush a1" $R rvti prefix flush dev a1
check_eq "the route is gone" "" "$(route4 10.41.0.0/16)"
check_eq "IPv6: a2 only" "a2" "$(route6 2001:db8:41::/48)"

$R ip link del v1
check "route sync after a tunnel was deleted" $R rvti route sync
check_eq "no route through v1 left" "" "$($R ip route show proto 86 | grep v1)"
check_eq "a2's route stays" "a2" "$(route6 2001:db8:41::/48)"
check "tunnel removal: a2 gone, route sync" bash -c "$R ip link del a2 && $R rvti route sync"
check_eq "no rvti route left" "" "$($R ip -4 route show proto 86; $R ip -6 route show proto 86)"

ip netns del r
finish
