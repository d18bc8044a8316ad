# Two-site topology, tunnel setup (rvti or kernel XFRM), packet capture and
# ESP injection helpers for the end-to-end tests. Source after guest.sh.
# shellcheck shell=bash
#
#   host1 ---- gw1 ========== gw4 ---- host4
#   eth0     lan0  wan0    wan0  lan0     eth0
#
#   site 1: 10.1.0.0/16, 2001:db8:1::/48    hosts 10.1.0.0/24, 2001:db8:1::/64
#   site 4: 10.41.0.0/16, 2001:db8:41::/48  hosts 10.41.0.0/24, 2001:db8:41::/64
#   outer:  192.0.2.0/24 and 2001:db8:ffff::/64 on the wan0 veth pair
#
# Every link carries both IPv4 and IPv6, so one tunnel (outer IPv4 or IPv6)
# carries both inner families. The gateways route the remote site's prefixes
# (IPv4 and IPv6) into the tunnel device.

SITE1_V4=10.1.0.0/16
SITE4_V4=10.41.0.0/16
SITE1_V6=2001:db8:1::/48
SITE4_V6=2001:db8:41::/48
HOST1_V4=10.1.0.10
HOST4_V4=10.41.0.10
HOST1_V6=2001:db8:1::10
HOST4_V6=2001:db8:41::10
GW1_LAN4=10.1.0.1
GW4_LAN4=10.41.0.1
GW1_LAN6=2001:db8:1::1
GW4_LAN6=2001:db8:41::1
GW1_OUT4=192.0.2.1
GW4_OUT4=192.0.2.2
GW1_OUT6=2001:db8:ffff::1
GW4_OUT6=2001:db8:ffff::2

H1="ip netns exec host1"
G1="ip netns exec gw1"
G4="ip netns exec gw4"
H4="ip netns exec host4"

# Tunnel MTU of the xfrm interfaces: rvti's default, which leaves room for
# the largest ESP overhead (IPv6 outer, CBC with HMAC-SHA-512) in 1500.
TOPO_TUN_MTU=1379

# Cipher suites: SUITE -> (ip xfrm) algorithm, key bytes, ICV bits.
SUITES="gcm128 gcm192 gcm256 chacha20poly1305 cbc-sha1 cbc-sha256 cbc-sha384 cbc-sha512"

TOPO_TMP=$(mktemp -d /tmp/rvti-topo.XXXXXX)
_topo_ns=""
declare -A _cap_pid=() _anchor=()

_topo_die() { echo "# topo: $*" >&2; return 1; }

# Starting a process costs a good part of a second in the UML test kernel,
# so the helpers batch `ip` commands, run one shell per gateway, and read
# /proc/net counters of a namespace through an anchor process that lives in
# it (/proc/PID/net/...) with shell builtins only.

# ns_add NAME [forward]: a namespace with lo up, no IPv6 DAD, forwarding on
# when asked, and an anchor process.
ns_add() {
	local fwd=0
	[ "${2:-}" = forward ] && fwd=1
	ip netns add "$1" || return
	_topo_ns="$_topo_ns $1"
	ip -n "$1" link set lo up
	ip netns exec "$1" sh -c "sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 net.ipv4.ip_forward=$fwd \
		net.ipv6.conf.all.forwarding=$fwd >/dev/null && exec sleep 100000" &
	_anchor[$1]=$!
	# The anchor is in the namespace once sleep runs (after sysctl).
	wait_until 60 _anchor_up "${_anchor[$1]}" ||
		_topo_die "namespace $1: anchor did not start"
}
_anchor_up() {
	local comm
	read -r comm 2>/dev/null <"/proc/$1/comm" && [ "$comm" = sleep ]
}

# ns_net NS FILE: the path of /proc/net/FILE as seen in NS (read it with
# shell builtins: no process is started).
ns_net() { echo "/proc/${_anchor[$1]}/net/$2"; }

# topo_up: the four namespaces, links, addresses and host routes, and an
# iperf3 server on host4. No tunnel yet.
topo_up() {
	mkdir -p "$TOPO_TMP"
	ns_add host1 || return
	ns_add gw1 forward || return
	ns_add gw4 forward || return
	ns_add host4 || return
	ip -batch - <<-EOF || return
	link add eth0 netns host1 type veth peer name lan0 netns gw1
	link add wan0 netns gw1 type veth peer name wan0 netns gw4
	link add lan0 netns gw4 type veth peer name eth0 netns host4
	EOF
	ip -n host1 -batch - <<-EOF || return
	link set eth0 up
	addr add $HOST1_V4/24 dev eth0
	addr add $HOST1_V6/64 dev eth0 nodad
	route add default via $GW1_LAN4
	route add default via $GW1_LAN6
	EOF
	ip -n gw1 -batch - <<-EOF || return
	link set lan0 up
	link set wan0 up
	addr add $GW1_LAN4/24 dev lan0
	addr add $GW1_LAN6/64 dev lan0 nodad
	addr add $GW1_OUT4/24 dev wan0
	addr add $GW1_OUT6/64 dev wan0 nodad
	EOF
	ip -n gw4 -batch - <<-EOF || return
	link set lan0 up
	link set wan0 up
	addr add $GW4_LAN4/24 dev lan0
	addr add $GW4_LAN6/64 dev lan0 nodad
	addr add $GW4_OUT4/24 dev wan0
	addr add $GW4_OUT6/64 dev wan0 nodad
	EOF
	ip -n host4 -batch - <<-EOF || return
	link set eth0 up
	addr add $HOST4_V4/24 dev eth0
	addr add $HOST4_V6/64 dev eth0 nodad
	route add default via $GW4_LAN4
	route add default via $GW4_LAN6
	EOF
	iperf_server host4
}

# topo_down: stop what the helpers started and delete every namespace.
topo_down() {
	local n f
	for n in "${!_cap_pid[@]}"; do cap_stop "$n"; done
	for f in "$TOPO_TMP"/iperf3-*.pid; do
		[ -f "$f" ] && kill "$(<"$f")" 2>/dev/null
	done
	for n in "${!_anchor[@]}"; do kill "${_anchor[$n]}" 2>/dev/null; done
	wait 2>/dev/null
	for n in $_topo_ns; do ip netns del "$n" 2>/dev/null; done
	_topo_ns=""
	_anchor=()
	rm -rf "$TOPO_TMP"
}

# iperf_server NS: an iperf3 daemon in NS, waits until it listens.
iperf_server() {
	ip netns exec "$1" iperf3 -s -D -I "$TOPO_TMP/iperf3-$1.pid" || return
	wait_until 60 _iperf_listens "$1" ||
		_topo_die "iperf3 server in $1 does not listen"
}
_iperf_listens() {
	file_has "/proc/${_anchor[$1]}/net/tcp6" ':1451 0+:0000 0A' ||
		file_has "/proc/${_anchor[$1]}/net/tcp" ':1451 0+:0000 0A'
}

# tcp_xfer NS DST: a short TCP transfer (200 KB) from NS to DST's iperf3.
tcp_xfer() {
	ip netns exec "$1" timeout 30 iperf3 -c "$2" -n 200K --connect-timeout 3000
}

# wire_dropped NS: what NS's wan0 could not hand to its peer (a veth's
# tx_dropped: the receiving CPU's backlog was full, netdev_max_backlog).
# On one CPU every namespace's veths share that backlog, and a burst of
# a worker's packets can fill it: lost on the wire, not in rvti.
wire_dropped() {
	ip netns exec "$1" ip -s -j link show wan0 | jq -r '.[0].stats64.tx.dropped'
}

# ping_ok NS DST [COUNT [ARGS...]]: COUNT echo requests, all answered.
# 20 ms apart (root may go below ping's 200 ms floor): the checks count
# answers, and a test run waits through hundreds of these.
ping_ok() {
	local ns=$1 dst=$2 n=${3:-3}
	shift 3 2>/dev/null || shift $#
	ip netns exec "$ns" ping -c "$n" -i 0.02 -W 2 -q "$@" "$dst"
}

# ping_fails NS DST [COUNT]: no echo request answered.
ping_fails() {
	! ip netns exec "$1" ping -c "${3:-3}" -i 0.02 -W 1 -q "$2"
}

# ---- keys and algorithms -------------------------------------------------

# randhex N: N random bytes in hex (bash's SRANDOM: getrandom(2); no process).
randhex() {
	local out="" w n=$1
	while [ "$n" -gt 0 ]; do
		printf -v w '%08x' "$SRANDOM"
		out+=$w
		n=$((n - 4))
	done
	echo "${out:0:$((2 * $1))}"
}

# suite_info SUITE: sets SUITE_KIND (aead|cbc), SUITE_AEAD or SUITE_ENC and
# SUITE_AUTH, SUITE_KEYLEN (with the 4-byte salt for AEAD), SUITE_AUTHKEYLEN,
# SUITE_ICV (bits).
suite_info() {
	SUITE_KIND=aead SUITE_AEAD="" SUITE_ENC="" SUITE_AUTH="" SUITE_AUTHKEYLEN=0 SUITE_ICV=128
	case $1 in
	gcm128) SUITE_AEAD='rfc4106(gcm(aes))' SUITE_KEYLEN=20 ;;
	gcm192) SUITE_AEAD='rfc4106(gcm(aes))' SUITE_KEYLEN=28 ;;
	gcm256) SUITE_AEAD='rfc4106(gcm(aes))' SUITE_KEYLEN=36 ;;
	chacha20poly1305) SUITE_AEAD='rfc7539esp(chacha20,poly1305)' SUITE_KEYLEN=36 ;;
	cbc-sha1) SUITE_KIND=cbc SUITE_ENC='cbc(aes)' SUITE_KEYLEN=16 \
		SUITE_AUTH='hmac(sha1)' SUITE_AUTHKEYLEN=20 SUITE_ICV=96 ;;
	cbc-sha256) SUITE_KIND=cbc SUITE_ENC='cbc(aes)' SUITE_KEYLEN=16 \
		SUITE_AUTH='hmac(sha256)' SUITE_AUTHKEYLEN=32 SUITE_ICV=128 ;;
	cbc-sha384) SUITE_KIND=cbc SUITE_ENC='cbc(aes)' SUITE_KEYLEN=24 \
		SUITE_AUTH='hmac(sha384)' SUITE_AUTHKEYLEN=48 SUITE_ICV=192 ;;
	cbc-sha512) SUITE_KIND=cbc SUITE_ENC='cbc(aes)' SUITE_KEYLEN=32 \
		SUITE_AUTH='hmac(sha512)' SUITE_AUTHKEYLEN=64 SUITE_ICV=256 ;;
	*) _topo_die "unknown suite $1"; return 1 ;;
	esac
}

# suite_key SUITE: fresh key material, "ENCHEX" or "ENCHEX:AUTHHEX".
suite_key() {
	suite_info "$1" || return
	if [ "$SUITE_KIND" = aead ]; then
		randhex "$SUITE_KEYLEN"
	else
		echo "$(randhex "$SUITE_KEYLEN"):$(randhex "$SUITE_AUTHKEYLEN")"
	fi
}

# xfrm_alg_args SUITE KEY: the algorithm words of `ip xfrm state add`.
xfrm_alg_args() {
	suite_info "$1" || return
	if [ "$SUITE_KIND" = aead ]; then
		echo "aead $SUITE_AEAD 0x$2 $SUITE_ICV"
	else
		echo "enc $SUITE_ENC 0x${2%%:*} auth-trunc $SUITE_AUTH 0x${2##*:} $SUITE_ICV"
	fi
}

# rvti_alg_args SUITE KEY: the algorithm words of `rvti sa add`. CBC SAs
# name no ICV length: the tool's default must be XFRM's (RFC 4868) one.
rvti_alg_args() {
	suite_info "$1" || return
	if [ "$SUITE_KIND" = aead ]; then
		echo "aead $SUITE_AEAD key 0x$2 icv $SUITE_ICV"
	else
		echo "enc $SUITE_ENC key 0x${2%%:*} auth $SUITE_AUTH key 0x${2##*:}"
	fi
}

# ---- one gateway ---------------------------------------------------------

# gw_xfrm_up NS DEV OUTDEV IFID LOCAL REMOTE SUITE SPI_OUT KEY_OUT SPI_IN KEY_IN [esn] [encap[=LPORT:RPORT]] -- PREFIX...
# A route-based kernel XFRM tunnel: an xfrm interface DEV on OUTDEV with
# if_id IFID, one SA each way (af-unspec: any inner family; reqid IFID),
# any-to-any policies (IPv4 and IPv6 selectors) bound to the if_id, and
# routes of the PREFIXes into DEV.
gw_xfrm_up() {
	local ns=$1 dev=$2 outdev=$3 ifid=$4 l=$5 r=$6 suite=$7
	local spi_out=$8 key_out=$9 spi_in=${10} key_in=${11} flags="af-unspec" sel dir p
	local encap_out="" encap_in="" oa
	shift 11
	[ "${1:-}" = esn ] && { flags="af-unspec esn"; shift; }
	# ESP in UDP (RFC 3948), the ports as each SA's packets go; the
	# original address is unused.
	if [[ "${1:-}" = encap* ]]; then
		encap_ports "$1"
		oa=$([[ $l = *:* ]] && echo :: || echo 0.0.0.0)
		encap_out="encap espinudp $ENCAP_L $ENCAP_R $oa"
		encap_in="encap espinudp $ENCAP_R $ENCAP_L $oa"
		shift
	fi
	[ "${1:-}" = -- ] && shift
	{
		echo "link add $dev type xfrm dev $outdev if_id $ifid"
		echo "link set $dev mtu $TOPO_TUN_MTU up"
		echo "xfrm state add src $l dst $r proto esp spi $spi_out reqid $ifid mode tunnel" \
			"$(xfrm_alg_args "$suite" "$key_out") if_id $ifid flag $flags replay-window 128 $encap_out"
		echo "xfrm state add src $r dst $l proto esp spi $spi_in reqid $ifid mode tunnel" \
			"$(xfrm_alg_args "$suite" "$key_in") if_id $ifid flag $flags replay-window 128 $encap_in"
		for sel in 0.0.0.0/0 ::/0; do
			echo "xfrm policy add src $sel dst $sel dir out if_id $ifid" \
				"tmpl src $l dst $r proto esp reqid $ifid mode tunnel"
			for dir in in fwd; do
				echo "xfrm policy add src $sel dst $sel dir $dir if_id $ifid" \
					"tmpl src $r dst $l proto esp reqid $ifid mode tunnel"
			done
		done
		for p in "$@"; do echo "route add $p dev $dev"; done
	} | ip -n "$ns" -batch -
}

# gw_xfrm_down NS DEV IFID: remove the interface, its SAs and policies.
gw_xfrm_down() {
	local ns=$1 dev=$2 ifid=$3 sel dir
	{
		echo "link del $dev"
		for sel in 0.0.0.0/0 ::/0; do
			for dir in out in fwd; do
				echo "xfrm policy delete src $sel dst $sel dir $dir if_id $ifid"
			done
		done
		# Last: in iproute2 6.1, batch lines after a deleteall do nothing.
		echo "xfrm state deleteall reqid $ifid"
	} | ip -n "$ns" -force -batch - >/dev/null 2>&1
	return 0
}

# encap_ports encap|encap=LPORT:RPORT: ENCAP_L, ENCAP_R (default 4500).
encap_ports() {
	local p=${1#encap}
	p=${p#=}
	ENCAP_L=${p%%:*} ENCAP_R=${p##*:}
	ENCAP_L=${ENCAP_L:-4500} ENCAP_R=${ENCAP_R:-4500}
}

# gw_rvti_up NS DEV LOCAL REMOTE SUITE SPI_OUT KEY_OUT SPI_IN KEY_IN [esn] [replay-window N] [encap[=LPORT:RPORT]] -- PREFIX...
# An rvti tunnel with one SA each way and routes of the PREFIXes into DEV:
# three processes (ip, rvti --batch, ip -batch), each naming the command
# that failed.
gw_rvti_up() {
	local ns=$1 dev=$2 l=$3 r=$4 suite=$5 spi_out=$6 key_out=$7 spi_in=$8 key_in=$9
	shift 9
	local esn="" rw="" encap_out="" encap_in="" p
	while [ $# -gt 0 ]; do
		case $1 in
		esn) esn=esn ;;
		replay-window) rw="replay-window $2"; shift ;;
		# ESP in UDP (RFC 3948): local and remote port, 4500 by default
		encap*) encap_ports "$1"
			encap_out="encap espinudp $ENCAP_L $ENCAP_R"
			encap_in="encap espinudp $ENCAP_R $ENCAP_L" ;;
		--) shift; break ;;
		esac
		shift
	done
	ip -n "$ns" link add "$dev" type rvti || return
	printf '%s\n' "tunnel set dev $dev local $l remote $r" \
		"sa add dev $dev dir out spi $spi_out $(rvti_alg_args "$suite" "$key_out") $esn $encap_out" \
		"sa add dev $dev dir in spi $spi_in $(rvti_alg_args "$suite" "$key_in") $esn $rw $encap_in" |
		ip netns exec "$ns" rvti --batch - || return
	{
		echo "link set $dev up"
		for p; do echo "route add $p dev $dev"; done
	} | ip -n "$ns" -batch -
}

# ---- the gw1 <-> gw4 tunnel ----------------------------------------------

# tunnel_up KIND1 KIND4 OUTER SUITE [esn]: a tunnel between gw1 (KIND1) and
# gw4 (KIND4), each rvti or xfrm, over outer IPv4 (4) or IPv6 (6), with fresh
# keys and SPIs, and routes of both inner families into it. Sets:
#   TUN1_DEV TUN4_DEV  the tunnel devices (rvti0 or ipsec0)
#   OUT1 OUT4          gw1's and gw4's outer addresses
#   SPI_14 KEY_14      the SA gw1 -> gw4 (gw1 out, gw4 in), SPI in hex
#   SPI_41 KEY_41      the SA gw4 -> gw1
#   TUN_SUITE TUN_ESN TUN_KIND1 TUN_KIND4
# The SPIs differ for every tunnel of a run, so one capture can hold many.
# TUN_ENCAP1 / TUN_ENCAP4 = 1: gw1's / gw4's SAs carry ESP in UDP 4500;
# = LPORT:RPORT: in UDP between these ports (local, remote).
_tun_n=0
_tun_encap() {
	case $1 in
	"") ;;
	1) echo encap ;;
	*) echo "encap=$1" ;;
	esac
}
tunnel_up() {
	local k1=$1 k4=$2 fam=$3 suite=$4 esn=${5:-}
	TUN_KIND1=$k1 TUN_KIND4=$k4 TUN_SUITE=$suite TUN_ESN=$esn
	_tun_n=$((_tun_n + 1))
	SPI_14=$(printf '0x%08x' $((0x14000000 + _tun_n)))
	SPI_41=$(printf '0x%08x' $((0x41000000 + _tun_n)))
	KEY_14=$(suite_key "$suite") || return
	KEY_41=$(suite_key "$suite") || return
	if [ "$fam" = 6 ]; then OUT1=$GW1_OUT6 OUT4=$GW4_OUT6; else OUT1=$GW1_OUT4 OUT4=$GW4_OUT4; fi
	case $k1 in
	rvti) TUN1_DEV=rvti0
		gw_rvti_up gw1 rvti0 "$OUT1" "$OUT4" "$suite" "$SPI_14" "$KEY_14" "$SPI_41" "$KEY_41" \
			$esn $(_tun_encap "${TUN_ENCAP1:-}") -- $SITE4_V4 $SITE4_V6 ;;
	xfrm) TUN1_DEV=ipsec0
		gw_xfrm_up gw1 ipsec0 wan0 41 "$OUT1" "$OUT4" "$suite" "$SPI_14" "$KEY_14" "$SPI_41" "$KEY_41" \
			$esn $(_tun_encap "${TUN_ENCAP1:-}") -- $SITE4_V4 $SITE4_V6 ;;
	*) _topo_die "unknown kind $k1" ;;
	esac || return
	case $k4 in
	rvti) TUN4_DEV=rvti0
		gw_rvti_up gw4 rvti0 "$OUT4" "$OUT1" "$suite" "$SPI_41" "$KEY_41" "$SPI_14" "$KEY_14" \
			$esn $(_tun_encap "${TUN_ENCAP4:-}") -- $SITE1_V4 $SITE1_V6 ;;
	xfrm) TUN4_DEV=ipsec0
		gw_xfrm_up gw4 ipsec0 wan0 1 "$OUT4" "$OUT1" "$suite" "$SPI_41" "$KEY_41" "$SPI_14" "$KEY_14" \
			$esn $(_tun_encap "${TUN_ENCAP4:-}") -- $SITE1_V4 $SITE1_V6 ;;
	*) _topo_die "unknown kind $k4" ;;
	esac
}

# tunnel_traffic TAG H4 H1: through the tunnel, ping host1 -> H4 and
# host4 -> H1 (host4's and host1's addresses), and TCP host1 -> H4.
tunnel_traffic() {
	check "$1: ping host1 -> host4 ($2)" ping_ok host1 "$2" 3
	check "$1: ping host4 -> host1 ($3)" ping_ok host4 "$3" 3
	check "$1: TCP transfer host1 -> host4" tcp_xfer host1 "$2"
}

tunnel_down() {
	case ${TUN_KIND1:-} in
	rvti) ip -n gw1 link del rvti0 2>/dev/null ;;
	xfrm) gw_xfrm_down gw1 ipsec0 41 ;;
	esac
	case ${TUN_KIND4:-} in
	rvti) ip -n gw4 link del rvti0 2>/dev/null ;;
	xfrm) gw_xfrm_down gw4 ipsec0 1 ;;
	esac
	TUN_KIND1="" TUN_KIND4=""
	return 0
}

# sa_encap NS DEV DIR: the ports of DEV's first SA of direction DIR (rvti),
# "SPORT DPORT" ("null null" for bare ESP).
sa_encap() {
	ip netns exec "$1" rvti -j sa list dev "$2" |
		jq -r --arg d "$3" '[.[] | (.sas // [.])[] | select(.dir == $d)][0].encap | "\(.sport) \(.dport)"'
}

# states NS: the state of each rvti device of NS, "rvti0=connected ...".
states() {
	ip netns exec "$1" rvti -j show | jq -r '[.[] | "\(.ifname)=\(.state)"] | join(" ")'
}

# logged PATTERN: how many kernel log lines match PATTERN.
logged() { dmesg | grep -c "$1"; }

# wait_eq EXPECTED SECONDS CMD...: until CMD prints EXPECTED (every 0.2 s);
# else says what it printed last (check prefixes it).
wait_eq() {
	local want=$1 secs=$2 i got
	shift 2
	for i in $(seq $((secs * 5))); do
		got=$("$@")
		[ "$got" = "$want" ] && return 0
		nap 0.2
	done
	echo "after $secs s: $got"
	return 1
}

# out_packets NS DEV: packets of DEV's outbound SAs, summed.
out_packets() {
	ip netns exec "$1" rvti -j sa list dev "$2" |
		jq '[.[] | (.sas // [.])[] | select(.dir == "out") | .stats.packets] | add // 0'
}

# ---- event monitors --------------------------------------------------------

# mon_start NS: `rvti monitor -j` of NS into $TOPO_TMP/mon-NS; mon_stop NS.
declare -A _mon=()
mon_start() {
	ip netns exec "$1" rvti monitor -j >"$TOPO_TMP/mon-$1" 2>&1 &
	_mon[$1]=$!
	nap 0.5
}
mon_stop() { kill "${_mon[$1]}" 2>/dev/null; wait "${_mon[$1]}" 2>/dev/null; }
# mon_count NS JQ_FILTER: how many events of NS's monitor match.
mon_count() { jq -c "select($2)" "$TOPO_TMP/mon-$1" 2>/dev/null | wc -l; }
# mon_wait NS JQ_FILTER N [SECONDS]: wait until N such events came.
mon_wait() {
	local i
	for i in $(seq $((${4:-5} * 10))); do
		[ "$(mon_count "$1" "$2")" -ge "$3" ] && return 0
		nap 0.1
	done
	echo "waited for $3 events ($2); the monitor printed:"
	cat "$TOPO_TMP/mon-$1"
	return 1
}
# ---- counters ------------------------------------------------------------

# rvti_snap NS...: the state of every rvti device of each NS (`rvti -j
# show`), flattened into the associative array SNAP:
#   SNAP[NS.DEV.tun.FIELD]           tunnel stats (no_tx_sa, wrong_source...)
#   SNAP[NS.DEV.tun.drops]           "no_tx_sa no_endpoint wrong_source"
#   SNAP[NS.DEV.DIR.SPI.FIELD]       SA fields and stats (SPI in decimal):
#                                    aead enc auth icv esn replay_window
#                                    packets bytes replayed ... seq
#   SNAP[NS.DEV.DIR.SPI.desc]        "ALG icv BITS esn BOOL[ window N]", ALG
#                                    the AEAD or "ENC+AUTH" (see suite_desc)
#   SNAP[NS.DEV.DIR.SPI.drops]       "replayed outside_window icv_fail malformed"
#   SNAP[NS.json]                    the tool's output
# Missing keys read as empty (missing fields inside strings as "null"):
# every check on them fails. One jq for everything: processes are dear.
declare -A SNAP=()
rvti_snap() {
	local ns k v
	SNAP=()
	for ns; do SNAP[$ns.json]=$(ip netns exec "$ns" rvti -j show 2>&1); done
	while read -r k v; do
		[ -n "$k" ] && SNAP[$k]=$v
	done < <(for ns; do printf '%s\n' "${SNAP[$ns.json]}"; done |
		jq -rn --arg names "$*" '
			[inputs] as $in | ($names | split(" ")) as $ns |
			range(0; $in | length) as $i | $in[$i][] | .ifname as $dev |
			"\($ns[$i]).\($dev)" as $t |
			((.stats // {} | to_entries[] | "\($t).tun.\(.key) \(.value)"),
			 "\($t).tun.drops \(.stats.no_tx_sa) \(.stats.no_endpoint) \(.stats.wrong_source)",
			 (.sas // [] | .[] | "\($t).\(.dir).\(.spi)" as $p |
			  ((to_entries[] | select(.key != "stats") | "\($p).\(.key) \(.value)"),
			   (.stats // {} | to_entries[] | "\($p).\(.key) \(.value)"),
			   "\($p).desc \(.aead // "\(.enc)+\(.auth)") icv \(.icv) esn \(.esn)\(
				if .dir == "in" then " window \(.replay_window)" else "" end)",
			   "\($p).drops \(.stats.replayed) \(.stats.outside_window) \(.stats.icv_fail) \(.stats.malformed)")))' 2>/dev/null)
}

# snap NS DEV DIR SPI FIELD / snap NS DEV tun FIELD: one value of SNAP.
snap() {
	if [ "$3" = tun ]; then
		echo "${SNAP[$1.$2.tun.$4]:-}"
	else
		echo "${SNAP[$1.$2.$3.$(($4)).$5]:-}"
	fi
}

# snap_show NS: the tool's output, as TAP comments.
snap_show() { sed 's/^/#   /' <<<"${SNAP[$1.json]:-}"; }

# xfrm_snap NS: packets through each XFRM state of NS, into XSNAP[SPI]
# (SPI in decimal).
declare -A XSNAP=()
xfrm_snap() {
	local spi n
	XSNAP=()
	while read -r spi n; do
		[[ "$spi" =~ ^[0-9]+$ ]] && XSNAP[$spi]=$n
	done < <(ip -n "$1" -s xfrm state | awk '
		# With -s: "proto esp spi 0x14000001(335544321) reqid ...".
		/proto esp spi/ {
			for (i = 1; i <= NF; i++) if ($i == "spi") spi = $(i + 1)
			sub(/^[^(]*\(/, "", spi); sub(/\).*/, "", spi)
		}
		/lifetime current:/ { cur = 1; next }
		cur && /\(packets\)/ && spi != "" { sub(/\(packets\).*/, ""); print spi, $NF; spi = "" }
		{ cur = 0 }')
}

# xfrm_stat NS FIELD: a counter of /proc/net/xfrm_stat in NS.
xfrm_stat() {
	local k v
	while read -r k v; do
		[ "$k" = "$2" ] && { echo "$v"; return; }
	done <"$(ns_net "$1" xfrm_stat)"
}

# xfrm_errors NS: the non-zero counters of /proc/net/xfrm_stat (all of them
# are errors).
xfrm_errors() {
	local k v out=""
	while read -r k v; do
		[ -n "$v" ] && [ "$v" != 0 ] && out="$out$k=$v "
	done <"$(ns_net "$1" xfrm_stat)"
	echo "$out"
}

# snmp_stat NS GROUP FIELD: a counter of /proc/net/snmp (e.g. Icmp InEchos:
# echo requests delivered to NS).
snmp_stat() {
	local hdr=() val=() line i
	while read -r line; do
		case $line in
		"$2: "*)
			if [ ${#hdr[@]} -eq 0 ]; then read -ra hdr <<<"$line"; else read -ra val <<<"$line"; fi ;;
		esac
	done <"$(ns_net "$1" snmp)"
	for i in "${!hdr[@]}"; do
		[ "${hdr[$i]}" = "$3" ] && { echo "${val[$i]}"; return; }
	done
}

# echo_requests NS: IPv4 and IPv6 echo requests delivered to NS.
echo_requests() {
	local v4 v6 k v
	v4=$(snmp_stat "$1" Icmp InEchos)
	while read -r k v; do [ "$k" = Icmp6InEchos ] && v6=$v; done <"$(ns_net "$1" snmp6)"
	echo $((v4 + v6))
}

# check_inc NAME BEFORE AFTER [MIN]: a counter rose by at least MIN (1).
check_inc() {
	local name=$1 b=$2 a=$3 min=${4:-1}
	if [[ "$b" =~ ^[0-9]+$ && "$a" =~ ^[0-9]+$ ]] && [ $((a - b)) -ge "$min" ]; then
		pass "$name"
	else
		fail "$name"
		echo "#   expected an increase of at least $min: before '$b', after '$a'"
	fi
}

# check_delta NAME BEFORE AFTER N: a counter rose by exactly N.
check_delta() {
	local name=$1 b=$2 a=$3 n=$4
	if [[ "$b" =~ ^[0-9]+$ && "$a" =~ ^[0-9]+$ ]] && [ $((a - b)) -eq "$n" ]; then
		pass "$name"
	else
		fail "$name"
		echo "#   expected an increase of exactly $n: before '$b', after '$a'"
	fi
}

# check_num NAME VALUE: VALUE is a number (an rvti counter that exists).
check_num() {
	if [[ "$2" =~ ^[0-9]+$ ]]; then pass "$1"; else fail "$1"; echo "#   not a number: '$2'"; fi
}

# ---- capture -------------------------------------------------------------

# cap_start NAME NS DEV [FILTER]: capture (ESP by default) on DEV in NS into
# $TOPO_TMP/NAME.pcap in the background; returns once tcpdump listens.
cap_start() {
	local name=$1 ns=$2 dev=$3
	rm -f "$TOPO_TMP/$name.pcap" "$TOPO_TMP/$name.err" "$TOPO_TMP/$name.sum"
	# Immediate mode: no packet is left in the ring when tcpdump stops. Its
	# ring has one slot per snapshot length: keep that small (all packets
	# here fit in 2048 bytes) so that bursts fit (4 MiB).
	ip netns exec "$ns" tcpdump -Z root -U -n --immediate-mode -s 2048 -B 4096 \
		-i "$dev" -w "$TOPO_TMP/$name.pcap" "${4:-esp}" 2>"$TOPO_TMP/$name.err" &
	_cap_pid[$name]=$!
	wait_until 60 file_has "$TOPO_TMP/$name.err" 'listening on' && return 0
	_topo_die "tcpdump on $ns/$dev did not start: $(cat "$TOPO_TMP/$name.err")"
}

# cap_stop NAME: stop the capture (after the last packets are written) and
# summarise it: one line per (source, destination, SPI):
#   SRC DST SPI COUNT FIRST_SEQ LAST_SEQ GAPS MIN_SEQ MAX_SEQ DISTINCT
# (SPI, sequence numbers decimal; FIRST/LAST in capture order, MIN/MAX the
# lowest and highest; GAPS: how often a sequence number was not the
# previous one plus one; DISTINCT: how many different sequence numbers)
# and the number of packets tcpdump lost (its "dropped by kernel") into
# NAME.lost.
cap_stop() {
	local pid=${_cap_pid[$1]:-}
	if [ -n "$pid" ]; then
		nap 0.2
		kill -INT "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		unset "_cap_pid[$1]"
	fi
	sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$TOPO_TMP/$1.err" >"$TOPO_TMP/$1.lost"
	tcpdump -tnr "$TOPO_TMP/$1.pcap" 2>/dev/null | awk '
		function hex(s,   i, n) {
			s = tolower(substr(s, 3)); n = 0
			for (i = 1; i <= length(s); i++) n = n * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return n
		}
		$1 ~ /^IP6?$/ && $5 ~ /^ESP\(spi=/ {
			split($5, f, /[=,)]/); spi = hex(f[2]); seq = hex(f[4])
			dst = $4; sub(/:$/, "", dst)
			k = $2 " " dst " " spi
			if (!(k in n)) { order[++nk] = k; first[k] = lo[k] = hi[k] = seq }
			else if (seq != last[k] + 1) gaps[k]++
			if (seq < lo[k]) lo[k] = seq
			if (seq > hi[k]) hi[k] = seq
			if (!((k, seq) in seen)) { seen[k, seq] = 1; u[k]++ }
			n[k]++; last[k] = seq
		}
		END {
			for (i = 1; i <= nk; i++) {
				k = order[i]
				print k, n[k], first[k], last[k], gaps[k] + 0, lo[k], hi[k], u[k]
			}
		}
	' >"$TOPO_TMP/$1.sum"
}

cap_file() { echo "$TOPO_TMP/$1.pcap"; }

# cap_check NAME SRC DST SPI MIN [first]: the stopped capture holds at least
# MIN ESP packets SRC > DST with SPI, each with the previous sequence number
# plus one; with "first", the first of them has sequence number 1.
cap_check() {
	local name=$1 src=$2 dst=$3 spi=$(($4)) min=$5 s d p n f l g rest lost
	lost=$(<"$TOPO_TMP/$name.lost")
	if [ -n "$lost" ] && [ "$lost" != 0 ]; then
		echo "the capture itself lost $lost packets (tcpdump: dropped by kernel)"
		return 1
	fi
	while read -r s d p n f l g rest; do
		[ "$s $d $p" = "$src $dst $spi" ] || continue
		if [ "$n" -lt "$min" ]; then
			echo "$n ESP packets $src > $dst with SPI $4, expected at least $min"
		elif [ "$g" -ne 0 ]; then
			echo "sequence numbers of SPI $4 do not increase by one ($g gaps, $f..$l)"
		elif [ "${6:-}" = first ] && [ "$f" -ne 1 ]; then
			echo "the first packet with SPI $4 has sequence number $f, expected 1"
		else
			echo "$n ESP packets $src > $dst with SPI $4, sequence numbers $f..$l"
			return 0
		fi
		return 1
	done <"$TOPO_TMP/$name.sum"
	echo "no ESP packet $src > $dst with SPI $4; the capture has (src dst spi count first last gaps min max distinct):"
	cat "$TOPO_TMP/$name.sum"
	return 1
}

# cap_spis NAME SRC DST: the SPIs (decimal) seen SRC > DST.
cap_spis() {
	local s d p rest out=""
	while read -r s d p rest; do
		[ "$s $d" = "$2 $3" ] && out="$out$p "
	done <"$TOPO_TMP/$1.sum"
	echo "${out% }"
}

# cap_has_bytes NAME HEX: the raw capture contains the byte string HEX.
cap_has_bytes() {
	od -An -tx1 -v "$TOPO_TMP/$1.pcap" | tr -d ' \n' | grep -q "$2"
}

# ---- ESP packets by hand -------------------------------------------------

# The ESP helper: reads ESP packets out of a capture, sends raw ESP payloads
# from a chosen source address, and builds rfc4106(gcm(aes)) packets with a
# known key (needs the python3 `cryptography` module).
_TOPO_ESP_PY='
import socket, struct, sys, os

def pcap_esp(path, src, dst):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    e = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    off = 24
    while off + 16 <= len(data):
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if link == 1:
            etype, pkt = struct.unpack("!H", pkt[12:14])[0], pkt[14:]
        elif link == 113:
            etype, pkt = struct.unpack("!H", pkt[14:16])[0], pkt[16:]
        else:
            sys.exit("unsupported link type %d" % link)
        if etype == 0x0800 and pkt[9] == 50:
            ihl = (pkt[0] & 15) * 4
            s, d = socket.inet_ntop(socket.AF_INET, pkt[12:16]), socket.inet_ntop(socket.AF_INET, pkt[16:20])
            tot = struct.unpack("!H", pkt[2:4])[0]
            esp = pkt[ihl:tot]
        elif etype == 0x86dd and pkt[6] == 50:
            s, d = socket.inet_ntop(socket.AF_INET6, pkt[8:24]), socket.inet_ntop(socket.AF_INET6, pkt[24:40])
            plen = struct.unpack("!H", pkt[4:6])[0]
            esp = pkt[40:40 + plen]
        else:
            continue
        if s != src or d != dst:
            continue
        spi, seq = struct.unpack("!II", esp[:8])
        print(spi, seq, esp.hex())

def send(src, dst, hexdata):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_RAW, 50)
    s.bind((src, 0))
    s.sendto(bytes.fromhex(hexdata), (dst, 0))

def send_frags(src, dst, hexdata, cut):
    """One ESP payload as two IPv4 fragments: CUT bytes (a multiple of 8),
    then the rest."""
    data, cut = bytes.fromhex(hexdata), int(cut)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    ident = os.getpid() & 0xffff
    for off, chunk, mf in ((0, data[:cut], 1), (cut, data[cut:], 0)):
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(chunk), ident,
                          (mf << 13) | (off // 8), 64, 50, 0,
                          socket.inet_aton(src), socket.inet_aton(dst))
        hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        s.sendto(hdr + chunk, (dst, 0))

def icmp_err(src, dst, qsrc, qdst, spi, mtu):
    """An ICMP fragmentation-needed (IPv4) or packet-too-big (IPv6) error
    from SRC to DST, about an ESP packet QSRC > QDST with SPI."""
    esp = struct.pack("!II", int(spi, 0), 1)
    if ":" in dst:
        q = struct.pack("!IHBB16s16s", 6 << 28, 1400, 50, 64,
                        socket.inet_pton(socket.AF_INET6, qsrc),
                        socket.inet_pton(socket.AF_INET6, qdst)) + esp
        msg = struct.pack("!BBHI", 2, 0, 0, int(mtu)) + q
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    else:
        q = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 1420, 1, 0x4000, 64, 50, 0,
                        socket.inet_aton(qsrc), socket.inet_aton(qdst))
        q = q[:10] + struct.pack("!H", csum(q)) + q[12:] + esp
        msg = struct.pack("!BBHHH", 3, 4, 0, 0, int(mtu)) + q
        msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.bind((src, 0))
    s.sendto(msg, (dst, 0))

def csum(b):
    if len(b) % 2:
        b += b"\0"
    t = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while t >> 16:
        t = (t & 0xffff) + (t >> 16)
    return ~t & 0xffff

def echo4(src, dst, ident, seq, size=16):
    payload = (b"rvti-esp-bad-test" * (size // 16 + 1))[:size]
    icmp = struct.pack("!BBHHH", 8, 0, 0, ident, seq) + payload
    icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
    tot = 20 + len(icmp)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, ident, 0x4000, 64, 1, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + icmp

def gcm(keyhex, spi, seq, src, dst, variant):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    if variant not in ("good", "badpad", "badpadlen", "nh41", "dummy", "big"):
        sys.exit("unknown variant " + variant)
    key = bytes.fromhex(keyhex)
    aes, salt = key[:-4], key[-4:]
    inner = echo4(src, dst, 0x5254, seq & 0xffff, 1200 if variant == "big" else 16)
    padlen = (-(len(inner) + 2)) % 4
    if padlen < 4:
        padlen += 4
    pad = bytearray(range(1, padlen + 1))
    if variant == "badpad":
        pad[1] ^= 0x80
    trailer_len = padlen
    if variant == "badpadlen":
        trailer_len = 250
    nexthdr = {"nh41": 41, "dummy": 59}.get(variant, 4)
    plain = inner + bytes(pad) + bytes([trailer_len, nexthdr])
    iv = os.urandom(8)
    hdr = struct.pack("!II", spi, seq)
    ct = AESGCM(aes).encrypt(salt + iv, plain, hdr)
    print((hdr + iv + ct).hex())

cmd = sys.argv[1]
if cmd == "pcap":
    pcap_esp(*sys.argv[2:5])
elif cmd == "send":
    send(*sys.argv[2:5])
elif cmd == "sendfrags":
    send_frags(*sys.argv[2:6])
elif cmd == "icmperr":
    icmp_err(*sys.argv[2:8])
elif cmd == "gcm":
    key, spi, src, dst = sys.argv[2:6]
    for p in sys.argv[6:]:
        seq, _, variant = p.partition(":")
        gcm(key, int(spi, 0), int(seq, 0), src, dst, variant or "good")
elif cmd == "have-crypto":
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
else:
    sys.exit("unknown command " + cmd)
'

esp_py() { python3 -c "$_TOPO_ESP_PY" "$@"; }

# cap_packets NAME SRC DST: "SPI SEQ HEX" of each ESP packet SRC > DST
# (HEX: the ESP header and everything after it, without the IP header).
cap_packets() { esp_py pcap "$TOPO_TMP/$1.pcap" "$2" "$3"; }

# esp_send NS SRC DST HEX: send one ESP payload from SRC (a local address
# of NS) to DST through a raw IP socket: the kernel adds the IP header.
esp_send() { ip netns exec "$1" python3 -c "$_TOPO_ESP_PY" send "$2" "$3" "$4"; }

# esp_send_frags NS SRC DST HEX CUT: the same, as two IPv4 fragments, the
# first carrying CUT bytes of the ESP payload (a multiple of 8).
esp_send_frags() { ip netns exec "$1" python3 -c "$_TOPO_ESP_PY" sendfrags "$2" "$3" "$4" "$5"; }

# icmp_err NS SRC DST QSRC QDST SPI MTU: from NS, an ICMP fragmentation
# needed (or ICMPv6 packet too big) SRC > DST quoting an ESP packet
# QSRC > QDST with SPI, announcing MTU.
icmp_err() { ip netns exec "$1" python3 -c "$_TOPO_ESP_PY" icmperr "${@:2}"; }

# esp_flip_last HEX: the packet with its last byte (inside the ICV) changed.
esp_flip_last() {
	local h=$1
	[[ "$h" =~ ^([0-9a-f]*)([0-9a-f]{2})$ ]] || { echo "$h"; return; }
	printf '%s%02x\n' "${BASH_REMATCH[1]}" $((0x${BASH_REMATCH[2]} ^ 0x01))
}

# esp_gcm KEYHEX SPI INNER_SRC INNER_DST SEQ[:VARIANT]...: one
# rfc4106(gcm(aes)) ESP packet (hex, no IP header) per SEQ, each carrying an
# ICMP echo request INNER_SRC > INNER_DST, ICV 128 bits, no ESN. VARIANT:
# good (default); big: an echo request with 1200 bytes of payload; badpad: one padding byte is not the RFC 4303 monotonic
# value; badpadlen: the pad length exceeds the payload; nh41: next header
# says IPv6 for the IPv4 packet inside; dummy: next header 59, a dummy
# packet (RFC 4303 section 2.6). All carry a valid
# ICV. Importing the crypto module takes seconds: build them all at once.
esp_gcm() { esp_py gcm "$@"; }

have_crypto() { esp_py have-crypto 2>/dev/null; }

# not CMD...: CMD fails (for check).
not() { ! "$@"; }

# sa_desc NS DEV DIR SPI: "ALG icv BITS esn BOOL[ window N]" of one SA.
sa_desc() { echo "${SNAP[$1.$2.$3.$(($4)).desc]:-}"; }

# suite_desc SUITE [esn] [WINDOW]: what sa_desc should print for the suite.
suite_desc() {
	suite_info "$1" || return
	local a=$SUITE_AEAD esn=false
	[ "$SUITE_KIND" = cbc ] && a="$SUITE_ENC+$SUITE_AUTH"
	[ "${2:-}" = esn ] && esn=true
	echo "$a icv $SUITE_ICV esn $esn${3:+ window $3}"
}

# sa_drops NS DEV SPI: "replayed outside_window icv_fail malformed" of one
# inbound SA.
sa_drops() { echo "${SNAP[$1.$2.in.$(($3)).drops]:-}"; }

# tun_drops NS DEV: "no_tx_sa no_endpoint wrong_source" of one tunnel.
tun_drops() { echo "${SNAP[$1.$2.tun.drops]:-}"; }
