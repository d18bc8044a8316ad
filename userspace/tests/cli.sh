#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Command-line tests of the rvti binary: exit codes and messages of paths
# that need no rvti module. Prints one TAP line per case.
#
# Usage: tests/cli.sh ./rvti

RVTI=${1:-./rvti}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failed=0

# t NAME EXPECTED_EXIT STDOUT_REGEX STDERR_REGEX -- ARGS...
# A regex of "" asks for an empty stream, "." for any.
t() {
	name=$1 want=$2 outre=$3 errre=$4
	shift 5
	"$RVTI" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	ok=1
	if [ "$rc" != "$want" ]; then
		echo "# $name: exit $rc, expected $want" >&2
		ok=0
	fi
	for s in out err; do
		if [ "$s" = out ]; then re=$outre; else re=$errre; fi
		if [ -z "$re" ]; then
			if [ -s "$tmp/$s" ]; then
				echo "# $name: unexpected std$s:" >&2
				sed 's/^/#   /' "$tmp/$s" >&2
				ok=0
			fi
		elif ! grep -Eq -- "$re" "$tmp/$s"; then
			echo "# $name: std$s does not match /$re/:" >&2
			sed 's/^/#   /' "$tmp/$s" >&2
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok - cli_$name"
	else
		echo "not ok - cli_$name"
		failed=1
	fi
}

USET='^Usage: rvti tunnel set dev NAME \[local ADDR\|any\] \[remote ADDR\|any\] \[ttl 1-255\|inherit\] \[df copy\|set\|clear\] \[site LABEL\|none\] \[transit on\|off\] \[encap-port PORT\|none\]$'

t help 0 '^Usage: rvti \[OPTIONS\] COMMAND' '' -- help
t help_option 0 '^  rvti tunnel set dev NAME' '' -- --help
t help_short_option 0 '^  rvti show \[dev NAME\]' '' -- -h
t tunnel_help 0 '^       rvti tunnel show \[dev NAME\]$' '' -- tunnel help
t tunnel_set_help 0 "$USET" '' -- tunnel set help
t show_help 0 '^Usage: rvti show \[dev NAME\]$' '' -- show help
t no_command 2 '' '^Usage: rvti \[OPTIONS\]' --
t unknown_command 2 '' '^rvti: unknown command \(not shown: it could be a key\)$' -- frobnicate
t unknown_known_command 2 '' '^rvti: unknown command "peer"$' -- peer
t unknown_option 2 '' '^rvti: unknown option "-x"$' -- -x show
t unknown_long_option 2 '' '^rvti: unknown long option \(not shown: it could be a key\)$' -- --xml show
t set_missing_dev 2 '' "$USET" -- tunnel set local 192.0.2.1
t set_nothing 2 '' 'local and/or remote' -- tunnel set dev rvti0
t set_mixed_families 2 '' 'same family' -- \
	tunnel set dev rvti0 local 192.0.2.1 remote 2001:db8::1
t set_bad_address 2 '' '^rvti: invalid remote address \(expected' -- \
	tunnel set dev rvti0 remote 2001:db8::zz
t set_unknown_keyword 2 '' '^rvti: unknown keyword "peer"$' -- \
	tunnel set dev rvti0 peer 192.0.2.1
t set_missing_value 2 '' "$USET" -- -j tunnel set dev rvti0 local
t set_ttl_zero 2 '' '^rvti: invalid ttl \(expected 1 to 255' -- tunnel set dev rvti0 ttl 0
t set_ttl_256 2 '' '^rvti: invalid ttl \(expected 1 to 255' -- tunnel set dev rvti0 ttl 256
t set_ttl_garbage 2 '' "$USET" -- tunnel set dev rvti0 ttl 64x
t set_ttl_missing 2 '' 'missing argument after "ttl"' -- tunnel set dev rvti0 ttl
t set_ttl_twice 2 '' '"ttl" given twice' -- \
	tunnel set dev rvti0 ttl 64 ttl inherit
t set_bad_df 2 '' '^rvti: invalid df \(expected "copy"' -- tunnel set dev rvti0 df on
t set_df_twice 2 '' '"df" given twice' -- tunnel set dev rvti0 df set df copy
t show_bad_dev 2 '' 'invalid device name' -- show dev 0123456789abcdef
t show_extra 2 '' '^Usage: rvti tunnel show \[dev NAME\]$' -- \
	tunnel show dev rvti0 dev rvti1

SAADD='^Usage: rvti sa add dev NAME dir in\|out spi SPI ALGORITHM \[icv BITS\] \[esn\] \[replay-window N\] \[seq N\] \[encap espinudp SPORT DPORT\] \[LIMIT N\]\.\.\.$'
AEAD='aead rfc4106(gcm(aes)) key 0x00112233445566778899aabbccddeeff01020304'

t sa_help 0 "$SAADD" '' -- sa help
t sa_in_top_help 0 '^  rvti sa del dev NAME dir in\|out spi SPI$' '' -- help
t sa_add_help 0 '^ALGORITHM := ' '' -- sa add help
t sa_list_help 0 '^Usage: rvti sa list \[dev NAME\]$' '' -- sa list help
t sa_add_missing_spi 2 '' 'missing "spi SPI"' -- sa add dev rvti0 dir in $AEAD
t sa_add_no_alg 2 '' 'missing algorithm' -- sa add dev rvti0 dir in spi 256
t sa_add_mixed 2 '' 'cannot be combined' -- \
	sa add dev rvti0 dir in spi 256 $AEAD auth sha1 key 0x00
t sa_add_enc_only 2 '' '"enc" needs "auth' -- \
	sa add dev rvti0 dir out spi 256 enc 'cbc(aes)' key 0x0011
t sa_add_missing_key 2 '' "$SAADD" -- \
	sa add dev rvti0 dir out spi 256 enc aes-cbc key 0x0011 auth sha1
t sa_add_bad_dir 2 '' '^rvti: invalid direction \(expected "in" or "out"\)$' -- \
	sa add dev rvti0 dir up spi 256 $AEAD
t sa_add_bad_spi 2 '' '^rvti: invalid SPI \(expected' -- \
	sa add dev rvti0 dir in spi 0x1g $AEAD
t sa_add_twice 2 '' '"esn" given twice' -- \
	sa add dev rvti0 dir in spi 256 $AEAD esn esn
t sa_add_key_file_missing 1 '' '^rvti: cannot read the aead key from "/nonexistent/k": No such file or directory$' -- \
	sa add dev rvti0 dir in spi 256 aead aes-gcm key @/nonexistent/k
t sa_del_missing_dir 2 '' '^Usage: rvti sa del dev NAME dir in\|out spi SPI$' -- \
	sa del dev rvti0 spi 256
t sa_list_extra 2 '' 'a device goes after the keyword "dev"' -- sa list rvti0

# A key manager's commands (issue 8): usage errors before any netlink.
OUT="sa add dev rvti0 dir out spi 0x1004 $AEAD"
t sa_get_help 0 '^Usage: rvti sa get dev NAME dir in\|out spi SPI$' '' -- sa get help
t sa_flush_help 0 '^Usage: rvti sa flush \[dev NAME\]$' '' -- sa flush help
t sa_allocspi_help 0 '^Usage: rvti sa allocspi dev NAME \[min MIN\] \[max MAX\]$' '' -- sa allocspi help
t sa_add_limits_help 0 '^LIMIT := \{ soft-bytes \| hard-bytes' '' -- sa add help
t monitor_help 0 '^Usage: rvti monitor \[-j\]$' '' -- monitor help
t monitor_in_top_help 0 '^  rvti monitor \[-j\]$' '' -- help
t sa_add_seq_in 2 '' '^rvti: "seq" goes with "dir out" only: it is the last sequence number sent$' -- \
	sa add dev rvti0 dir in spi 0x1004 $AEAD seq 5
t sa_add_soft_above_hard 2 '' '^rvti: soft-bytes is above hard-bytes: a soft limit must not exceed its hard limit$' -- \
	$OUT soft-bytes 2G hard-bytes 1G
t sa_add_soft_above_hard_time 2 '' '^rvti: soft-time is above hard-time' -- \
	$OUT hard-time 60 soft-time 61
t sa_add_bad_bytes 2 '' '^rvti: invalid hard-bytes \(expected a 64-bit number of bytes' -- \
	$OUT hard-bytes 1T
t sa_add_bad_packets 2 '' '^rvti: invalid soft-packets \(expected a 64-bit number, decimal or 0xHEX\)$' -- \
	$OUT soft-packets 10K
t sa_add_seq_overflow 2 '' '^rvti: invalid seq \(expected a 64-bit number' -- \
	$OUT seq 18446744073709551616
t sa_get_missing_spi 2 '' '^Usage: rvti sa get dev NAME dir in\|out spi SPI$' -- sa get dev rvti0 dir in
t sa_allocspi_no_dev 2 '' 'missing "dev NAME"' -- sa allocspi min 0x1000
t sa_allocspi_empty 2 '' '^rvti: empty range: "min" is above "max"$' -- \
	sa allocspi dev rvti0 min 0x2000 max 0x1000
t sa_allocspi_reserved 2 '' 'SPIs 0 to 255 are reserved' -- sa allocspi dev rvti0 min 1
t monitor_extra 2 '' '^Usage: rvti monitor \[-j\]$' -- monitor now

# SPIs 0 to 255 are reserved (RFC 4303): refused before any netlink.
SPIRES='^rvti: SPIs 0 to 255 are reserved \(RFC 4303\): use 256 to 4294967295$'
t sa_add_spi_255 2 '' "$SPIRES" -- sa add dev rvti0 dir in spi 255 $AEAD
t sa_add_spi_0xff 2 '' "$SPIRES" -- sa add dev rvti0 dir in spi 0xff $AEAD
t sa_add_spi_0 2 '' "$SPIRES" -- sa add dev rvti0 dir in spi 0 $AEAD
t sa_del_spi_1 2 '' "$SPIRES" -- sa del dev rvti0 dir in spi 1

# No message repeats a word that could be key material: for key-like words
# (hex with and without 0x, base64, an ip xfrm string key) in every place a
# command takes a word, the output holds neither the word nor a piece of it.
# ip xfrm's positional form is refused with where the key goes.
t xfrm_positional_key 2 '' \
	'^rvti: unknown keyword after "aead" \(argument 9, not shown: it could be a key\): the key goes after the keyword "key" \(key 0xHEX or key @FILE\)$' -- \
	sa add dev x dir out spi 0x1000 aead 'rfc4106(gcm(aes))' \
	0x00112233445566778899aabbccddeeff01020304 128

KEYS='0x00112233445566778899aabbccddeeff01020304
00112233445566778899aabbccddeeff01020304
0X5EC2E75EC2E75EC2E75EC2E75EC2E701
ABEiM0RVZneImaq7zN3u/wECAwQ=
c2VjcmV0LWtleS1tYXRlcmlhbA
mysecretpassphrase!!'

# NAME|ARGUMENTS, KEY standing for the key. All are usage errors but
# help_after, where "help" comes before the key.
NOKEY='xfrm_aead|sa add dev rvti0 dir out spi 0x1000 aead rfc4106(gcm(aes)) KEY 128
xfrm_enc_auth|sa add dev rvti0 dir out spi 0x1000 enc cbc(aes) KEY auth hmac(sha1) KEY
add_trailing|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 KEY
add_first|sa add KEY
add_key|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key KEY icv x
add_alg|sa add dev rvti0 dir out spi 0x1000 aead KEY key 0x00 esn esn
add_dev|sa add dev KEY dir in spi 0x1000 aead aes-gcm key 0x00
add_dir|sa add dev rvti0 dir KEY spi 0x1000 aead aes-gcm key 0x00
add_spi|sa add dev rvti0 dir in spi KEY aead aes-gcm key 0x00
add_icv|sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key 0x00 icv KEY
add_replay|sa add dev rvti0 dir in spi 0x1000 aead aes-gcm key 0x00 replay-window KEY
add_seq|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 seq KEY
add_soft_bytes|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 soft-bytes KEY
add_hard_time|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 hard-time KEY
add_limit_trailing|sa add dev rvti0 dir out spi 0x1000 aead aes-gcm key 0x00 hard-packets 10 KEY
get_dev|sa get dev KEY dir in spi 0x1000
get_spi|sa get dev rvti0 dir in spi KEY
get_trailing|sa get dev rvti0 dir in spi 0x1000 KEY
flush_first|sa flush KEY
flush_dev|sa flush dev KEY
allocspi_min|sa allocspi dev rvti0 min KEY
allocspi_max|sa allocspi dev rvti0 max KEY
allocspi_trailing|sa allocspi dev rvti0 KEY
monitor|monitor KEY
monitor_json|monitor -j KEY
del_trailing|sa del dev rvti0 dir in spi 0x1000 KEY
del_first|sa del KEY
del_dev|sa del dev KEY dir in spi 0x1000
del_dir|sa del dev rvti0 dir KEY spi 0x1000
del_spi|sa del dev rvti0 dir in spi KEY
set_trailing|tunnel set dev rvti0 ttl 64 KEY
set_first|tunnel set KEY
set_dev|tunnel set dev KEY ttl 64
set_local|tunnel set dev rvti0 local KEY
set_remote|tunnel set dev rvti0 remote KEY
set_ttl|tunnel set dev rvti0 ttl KEY
set_df|tunnel set dev rvti0 df KEY
show_first|show KEY
show_dev|show dev KEY
show_trailing|show dev rvti0 KEY
tunnel_show|tunnel show KEY
sa_list|sa list KEY
sa_list_dev|sa list dev KEY
command|KEY
subcommand|sa KEY
tunnel_subcommand|tunnel KEY
help_extra|help sa add KEY
help_after|sa del help KEY
json_option|-j -p sa add KEY
long_option|--KEY show
short_option|-KEY show'

# no_key NAME LINE: LINE with each of KEYS for KEY.
no_key() {
	name=$1 line=$2 want=2 ok=1
	[ "$name" = help_after ] && want=0
	for key in $KEYS; do
		# a piece from the middle of the key counts as the key
		piece=$(printf '%s' "$key" | cut -c8-15)
		# shellcheck disable=SC2046 # the words of the line
		set -- $(printf '%s\n' "$line" | sed "s|KEY|$key|g")
		"$RVTI" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		if [ "$rc" != "$want" ]; then
			echo "# no_key_$name: exit $rc, expected $want ($key)" >&2
			ok=0
		fi
		if grep -qF -e "$key" -e "$piece" "$tmp/out" "$tmp/err"; then
			echo "# no_key_$name: $key shown:" >&2
			sed 's/^/#   /' "$tmp/out" "$tmp/err" >&2
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok - cli_no_key_$name"
	else
		echo "not ok - cli_no_key_$name"
		failed=1
	fi
}

# Split at newlines only, and no globbing of the words.
set -f
IFS_SAVED=$IFS
IFS='
'
for entry in $NOKEY; do
	IFS=$IFS_SAVED
	no_key "${entry%%|*}" "${entry#*|}"
	IFS='
'
done
IFS=$IFS_SAVED
set +f

PADD='^Usage: rvti prefix add dev NAME PREFIX \[route\]$'
t prefix_help 0 '^       rvti prefix flush dev NAME$' '' -- prefix help
t prefix_add_help 0 '^PREFIX := ADDR/LEN' '' -- prefix add help
t prefix_add_missing_dev 2 '' "$PADD" -- prefix add 10.1.0.0/16
t prefix_add_missing_prefix 2 '' 'missing the prefix' -- prefix add dev rvti0
t prefix_add_bad_len 2 '' 'an IPv4 prefix length is 0 to 32' -- \
	prefix add dev rvti0 10.1.0.0/33
t prefix_add_name 2 '' 'numeric IPv4 or IPv6 address' -- \
	prefix add dev rvti0 example.com/16
t prefix_del_route 2 '' '"route" goes with "prefix add" only' -- \
	prefix del dev rvti0 10.1.0.0/16 route
t prefix_flush_no_dev 2 '' '^Usage: rvti prefix flush dev NAME$' -- prefix flush
t set_bad_transit 2 '' 'invalid transit "yes"' -- tunnel set dev rvti0 transit yes
t set_bad_site 2 '' 'invalid site "a b"' -- tunnel set dev rvti0 site 'a b'
t route_sync_extra 2 '' 'unknown argument "now"' -- route sync now
t batch_and_command 2 '' 'a command and --batch' -- -b /dev/null show
t batch_missing_file 1 '' 'cannot open /nonexistent' -- -b /nonexistent
printf '# a comment, and an empty line\n\nprefix add dev rvti0 10.1.0.0/33\nshow\n' >"$tmp/batch"
t batch_stops_at_usage_error 2 '' ':3: the command failed$' -- -b "$tmp/batch"

# Without the module loaded (as on a development host), commands that talk
# to the kernel say so; with it, they work or fail for another reason.
if "$RVTI" show >/dev/null 2>"$tmp/probe"; then
	echo "ok - cli_show_no_family # SKIP the rvti family exists here"
elif grep -q 'generic netlink family "rvti" not found' "$tmp/probe"; then
	msg='^rvti: generic netlink family "rvti" not found \(is the rvti module loaded\?\)$'
	t show_no_family 1 '' "$msg" -- show
	t json_show_no_family 1 '' "$msg" -- -j -p show
	t set_no_family 1 '' "$msg" -- tunnel set dev rvti0 local any
	t set_ttl_no_family 1 '' "$msg" -- tunnel set dev rvti0 ttl 64
	t set_df_no_family 1 '' "$msg" -- tunnel set dev rvti0 df clear
	t sa_add_no_family 1 '' "$msg" -- sa add dev rvti0 dir in spi 256 $AEAD
	t sa_del_no_family 1 '' "$msg" -- sa del dev rvti0 dir in spi 256
	# the lowest and the highest SPI get past the tool's checks
	t sa_add_spi_256_no_family 1 '' "$msg" -- \
		sa add dev rvti0 dir in spi 256 $AEAD
	t sa_add_spi_max_no_family 1 '' "$msg" -- \
		sa add dev rvti0 dir in spi 0xffffffff $AEAD
	t sa_del_spi_256_no_family 1 '' "$msg" -- sa del dev rvti0 dir in spi 0x100
	t sa_list_no_family 1 '' "$msg" -- -j sa list
	t prefix_add_no_family 1 '' "$msg" -- prefix add dev rvti0 10.1.0.0/16
	t prefix_list_no_family 1 '' "$msg" -- prefix list
	t sa_get_no_family 1 '' "$msg" -- sa get dev rvti0 dir in spi 256
	t sa_flush_no_family 1 '' "$msg" -- sa flush
	t sa_allocspi_no_family 1 '' "$msg" -- -j sa allocspi dev rvti0
	t sa_add_limits_no_family 1 '' "$msg" -- \
		$OUT seq 1 soft-bytes 1M hard-bytes 2M soft-time 10 hard-time 20
	# equal soft and hard limits get past the tool, as the kernel takes them
	t sa_add_equal_limits_no_family 1 '' "$msg" -- \
		$OUT soft-time 60 hard-time 60
	t monitor_no_family 1 '' "$msg" -- monitor
else
	echo "ok - cli_show_no_family # SKIP $(head -1 "$tmp/probe")"
fi

exit $failed
