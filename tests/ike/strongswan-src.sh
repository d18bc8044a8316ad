#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs Debian's strongSwan (charon, swanctl) and fetches and configures
# the strongSwan sources of the very same Debian version, so that the
# kernel-rvti charon plugin (userspace/charon/) can be built against them
# and loaded into Debian's own charon.
#
#   tests/ike/strongswan-src.sh [--no-install]
#
# The sources go to $RVTI_STRONGSWAN_CACHE (default /var/cache/rvti), as
# strongswan-<upstream version>/, configured by Debian's own debian/rules.
# The installed binaries are pinned to that same Debian version. The
# script is idempotent: a configured tree (marker .rvti-configured, which
# holds the Debian version) is kept. It prints the tree's path last.
# --no-install: install nothing (the packages must already be there).
set -euo pipefail

cache=${RVTI_STRONGSWAN_CACHE:-/var/cache/rvti}
install=1
[ "${1:-}" = --no-install ] && install=0

die() { echo "strongswan-src: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, /var/cache)"
command -v apt-get >/dev/null || die "apt-get not found: Debian 12 expected"

# A deb-src stanza for every "Types: deb" stanza of the configured Debian
# sources, with the same URIs, suites, components and keyring.
srcfile=/etc/apt/sources.list.d/rvti-deb-src.sources
if [ ! -e "$srcfile" ]; then
	[ -r /etc/apt/sources.list.d/debian.sources ] ||
		die "/etc/apt/sources.list.d/debian.sources not found: write a deb-src entry by hand"
	awk '
		BEGIN { RS = ""; ORS = "\n\n" }
		/(^|\n)Types:[^\n]*deb/ {
			out = ""
			n = split($0, l, "\n")
			for (i = 1; i <= n; i++) {
				if (l[i] ~ /^#/)
					continue
				if (l[i] ~ /^Types:/)
					l[i] = "Types: deb-src"
				out = out l[i] "\n"
			}
			printf "%s\n", out
		}' /etc/apt/sources.list.d/debian.sources > "$srcfile.tmp"
	grep -q '^Types: deb-src' "$srcfile.tmp" ||
		die "no 'Types: deb' stanza in debian.sources"
	mv "$srcfile.tmp" "$srcfile"
	apt-get update -q >/dev/null || die "apt-get update failed after adding $srcfile"
fi

pkgs="strongswan-charon strongswan-swanctl strongswan-libcharon libstrongswan
	libstrongswan-standard-plugins"

# Done before: a tree configured for the installed version (its packages
# and build dependencies were installed when it was made).
inst=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null || true)
for t in "$cache"/strongswan-*/; do
	t=${t%/}
	if [ -n "$inst" ] && [ -e "$t/.rvti-configured" ] &&
	   [ "$(cat "$t/.rvti-configured")" = "$inst" ]; then
		echo "$t"
		exit 0
	fi
done

# The source of the exact Debian version whose binaries charon runs: the
# newest version for which the registry has both the binaries and the
# source (a security update's source may be missing from a mirror).
mkdir -p "$cache"
work=$(mktemp -d "$cache/strongswan-src.XXXXXX")
trap 'rm -rf "$work"' EXIT
debver=
for v in $(apt-cache madison strongswan-charon | awk '{print $3}'); do
	if (cd "$work" && apt-get source -q --download-only "strongswan=$v" \
		>/dev/null 2>&1); then
		debver=$v
		break
	fi
	rm -f "$work"/strongswan_*
done
[ -n "$debver" ] || die "no version of strongswan-charon has its source package in the configured sources"
upver=${debver%%-*}
upver=${upver#*:}
tree=$cache/strongswan-$upver

if [ $install = 1 ]; then
	# The binaries pinned to the source's version (--allow-downgrades:
	# the newest binary may be one whose source is not reachable), with
	# every other installed package of the strongswan source package, as
	# they depend on each other's exact version.
	pkgs="$pkgs $(dpkg-query -W -f '${db:Status-Abbrev} ${Package} ${source:Package}\n' 2>/dev/null |
		awk '$1 == "ii" && $3 == "strongswan" { print $2 }')"
	# Their direct dependencies built from the same source as well
	# (strongswan-starter): left out, apt takes the newest, which wants
	# the newest libstrongswan, and the install fails as "held broken
	# packages" whenever a security update's source is not reachable.
	# shellcheck disable=SC2046
	pkgs="$pkgs $(apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances $(for p in $pkgs; do echo "$p=$debver"; done) 2>/dev/null |
		awk '$1 == "Depends:" && $2 !~ /^</ { print $2 }' | sort -u |
		while read -r d; do
			apt-cache madison "$d" | awk -v v="$debver" '$3 == v { f = 1 }
				END { exit !f }' && echo "$d"
		done)"
	pkgs=$(echo $pkgs | tr ' ' '\n' | sort -u)
	# shellcheck disable=SC2046
	DEBIAN_FRONTEND=noninteractive apt-get install -q -y --allow-downgrades \
		--no-install-recommends $(for p in $pkgs; do echo "$p=$debver"; done) \
		>/dev/null || die "apt-get install of strongSwan $debver failed"
	# What debian/rules needs to configure (debhelper, autotools and the
	# libraries its configure line checks for).
	DEBIAN_FRONTEND=noninteractive apt-get build-dep -q -y "strongswan=$debver" \
		>/dev/null || die "apt-get build-dep strongswan=$debver failed"
fi
inst=$(dpkg-query -W -f '${Version}' strongswan-charon 2>/dev/null) ||
	die "strongswan-charon is not installed"
[ "$inst" = "$debver" ] ||
	die "strongswan-charon $inst is installed, but the source is $debver: run without --no-install"

if [ -e "$tree/.rvti-configured" ] &&
   [ "$(cat "$tree/.rvti-configured")" = "$debver" ]; then
	echo "$tree"
	exit 0
fi

(cd "$work" && dpkg-source -q -x strongswan_*.dsc src >/dev/null 2>&1) ||
	die "dpkg-source could not unpack strongswan $debver"
rm -rf "$tree"
mv "$work/src" "$tree"
cd "$tree"

# Configure exactly as Debian's build did: dh's autoreconf step, then the
# override_dh_auto_configure target of debian/rules (its CONFIGUREARGS,
# with dpkg-buildflags' CFLAGS). config.h then holds what Debian's charon
# was compiled with; Documentation/ike.rst says how the match is checked.
{ dh_autoreconf && debian/rules override_dh_auto_configure; } \
	>.rvti-configure.log 2>&1 ||
	die "configuring as debian/rules does failed: see $tree/.rvti-configure.log"
# Builds nothing else: the plugin needs only the headers and config.h.
echo "$debver" > .rvti-configured
trap - EXIT
rm -rf "$work"
echo "$tree"
