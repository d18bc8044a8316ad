# Helpers to run Debian's charon in the test kernel's namespaces. Source
# after guest.sh and topo.sh.
# shellcheck shell=bash
#
# Each charon runs in a gateway's network namespace and in a mount
# namespace of its own: a private tmpfs /run (pid file, vici socket) and
# its own /etc/swanctl bound over the host's (read-only) one, with its own
# strongswan.conf (STRONGSWAN_CONF). swanctl runs in the same namespaces
# (nsenter), so it talks to that charon only.

CHARON=${CHARON:-/usr/lib/ipsec/charon}
declare -A _charon_pid=()

# ss_dir NS: the configuration and log directory of NS's charon.
ss_dir() { echo "$TOPO_TMP/strongswan-$1"; }

# ss_conf NS BACKEND: strongswan.conf of NS's charon. BACKEND rvti loads
# kernel-rvti before kernel-netlink (charon takes the first kernel-ipsec
# backend that loads; kernel-netlink still does the networking part);
# BACKEND netlink is stock strongSwan (kernel-rvti not loaded).
ss_conf() {
	local d rvti_load
	d=$(ss_dir "$1")
	case $2 in
	rvti) rvti_load=2 ;;
	netlink) rvti_load=no ;;
	*) echo "ss_conf: unknown backend $2" >&2; return 1 ;;
	esac
	mkdir -p "$d"/swanctl/{conf.d,x509,x509ca,x509ocsp,x509aa,x509ac,x509crl,pubkey,private,rsa,ecdsa,bliss,pkcs8,pkcs12} || return
	cat >"$d/strongswan.conf" <<-EOF
	charon {
		load_modular = yes
		# route-based: the tests route the sites into the tunnels
		install_routes = no
		install_virtual_ip = no
		# quick dead peer detection: about 25 s after the last reply
		# (2 s, then 3.6, 6.5 and 11.7 s), yet room for a slow guest
		retransmit_timeout = 2
		retransmit_tries = 3
		plugins {
			include /etc/strongswan.d/charon/*.conf
			kernel-rvti {
				load = $rvti_load
			}
		}
		filelog {
			test {
				path = $d/charon.log
				time_format = %T
				default = 1
				knl = 2
				cfg = 1
				ike = 1
				flush_line = yes
			}
		}
	}
	# swanctl only talks to charon: not Debian's default plugin list,
	# which names plugins of packages that are not installed
	swanctl {
		load = pem pkcs1 pkcs8 x509 pubkey openssl random
	}
	EOF
}

# charon_start NS: start NS's charon (ss_conf first) and wait until its
# vici socket answers.
charon_start() {
	local ns=$1 d i
	d=$(ss_dir "$ns")
	: >"$d/charon.log"
	# shellcheck disable=SC2016
	ip netns exec "$ns" unshare -m --propagation private bash -c '
		mount -t tmpfs tmpfs /run &&
		mount --bind "$1/swanctl" /etc/swanctl &&
		STRONGSWAN_CONF=$1/strongswan.conf exec "$2"
	' _ "$d" "$CHARON" >"$d/charon.out" 2>&1 &
	_charon_pid[$ns]=$!
	for i in $(seq 200); do
		if swanctl_in "$ns" --stats >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "${_charon_pid[$ns]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "# charon in $ns did not come up; its log:" >&2
	sed 's/^/#   /' "$d/charon.log" "$d/charon.out" >&2
	return 1
}

# The pid of charon itself: the child of bash that exec'd it (same pid).
charon_stop() {
	local ns=$1 pid=${_charon_pid[$1]:-}
	[ -n "$pid" ] || return 0
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "_charon_pid[$ns]"
}

# charon_kill NS: a crash, not a shutdown (no DELETE sent to the peer).
charon_kill() {
	local ns=$1 pid=${_charon_pid[$1]:-}
	[ -n "$pid" ] || return 0
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "_charon_pid[$ns]"
}

charon_stop_all() {
	local ns
	for ns in "${!_charon_pid[@]}"; do charon_stop "$ns"; done
}

# swanctl_in NS ARGS...: swanctl in the namespaces of NS's charon.
swanctl_in() {
	local ns=$1
	shift
	STRONGSWAN_CONF=$(ss_dir "$ns")/strongswan.conf \
		nsenter -t "${_charon_pid[$ns]}" -m -n swanctl "$@"
}

# ss_log NS: the log of NS's charon, for a failed check.
ss_log() { sed 's/^/#   /' "$(ss_dir "$1")/charon.log"; }

# ike_gw_rvti NS IFID LOCAL REMOTE PREFIX...: rvtiIFID in NS with the
# endpoints and no SA (charon brings them), routes of the PREFIXes into it.
ike_gw_rvti() {
	local ns=$1 dev=rvti$2 l=$3 r=$4 p
	shift 4
	{
		echo "link add $dev type rvti"
		echo "link set $dev up"
		for p; do echo "route add $p dev $dev"; done
	} | ip -n "$ns" -batch - &&
		ip netns exec "$ns" rvti tunnel set dev "$dev" local "$l" remote "$r"
}

# ike_gw_xfrm NS IFID PREFIX...: the XFRM interface ipsec0 on wan0 with
# if_id IFID (charon's policies and SAs bind to it), routes into it.
ike_gw_xfrm() {
	local ns=$1 ifid=$2 p
	shift 2
	{
		echo "link add ipsec0 type xfrm dev wan0 if_id $ifid"
		echo "link set ipsec0 mtu $TOPO_TUN_MTU up"
		for p; do echo "route add $p dev ipsec0"; done
	} | ip -n "$ns" -batch -
}

# swanctl_conf NS LOCAL REMOTE ESP_PROPOSALS [CHILD_OPTION [SECRET]]: a
# route-based connection "vnet" (if_id $IFID, pre-shared key $PSK or
# SECRET) between the addresses LOCAL and REMOTE, which are also the IKE
# identities unless LOCAL_ID / REMOTE_ID say otherwise (behind a NAT;
# REMOTE may then be %any). IKE_PROPOSALS, DPD_DELAY, CONN_OPTS (lines
# of the connection), LOCAL_TS and REMOTE_TS change the defaults. CONN
# names the connection, its child and secret instead of "vnet" and puts
# them in conf.d/CONN.conf, beside the others (swanctl.conf includes
# conf.d, as Debian's does).
swanctl_conf() {
	local lid=${LOCAL_ID:-$2} rid=${REMOTE_ID:-$3} conn=${CONN:-vnet} f
	f=$(ss_dir "$1")/swanctl/swanctl.conf
	if [ -n "${CONN:-}" ]; then
		echo 'include conf.d/*.conf' >"$f"
		f=$(ss_dir "$1")/swanctl/conf.d/$conn.conf
	fi
	cat >"$f" <<-EOF
	connections {
		$conn {
			version = 2
			local_addrs = $2
			remote_addrs = $3
			proposals = ${IKE_PROPOSALS:-aes256-sha256-modp2048}
			rekey_time = 8h
			dpd_delay = ${DPD_DELAY:-10s}
			${CONN_OPTS:-}
			local {
				auth = psk
				id = $lid
			}
			remote {
				auth = psk
				id = $rid
			}
			children {
				$conn {
					local_ts = ${LOCAL_TS:-0.0.0.0/0, ::/0}
					remote_ts = ${REMOTE_TS:-0.0.0.0/0, ::/0}
					if_id_in = $IFID
					if_id_out = $IFID
					esp_proposals = $4
					rekey_time = 1h
					start_action = none
					${5:-}
				}
			}
		}
	}
	secrets {
		ike-$conn {
			id-1 = $lid
			id-2 = $rid
			secret = "${6:-$PSK}"
		}
	}
	EOF
}

# ike_peer_arg ARG...: the test's peer, $peer: xfrm (stock charon with an
# XFRM interface, the default) or rvti (kernel-rvti), from peer=xfrm|rvti;
# any other argument ends the test as failed.
ike_peer_arg() {
	local a
	peer=xfrm
	for a; do
		case $a in
		peer=xfrm | peer=rvti) peer=${a#peer=} ;;
		*) fail "unknown argument $a"; finish ;;
		esac
	done
}
