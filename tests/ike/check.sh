#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The `ike` stage of `make check` (tests/run-all.sh runs it after building
# the test kernel, the module and the tool): installs Debian's strongSwan
# and prepares its sources (strongswan-src.sh), builds the kernel-rvti
# plugin with -Werror and installs it where Debian's charon looks, checks
# the sources' view of charon's structures against Debian's build
# (abi-check.sh). Prints TAP lines ("ok - ike: ..."); exits non-zero when
# the guests' tests (psk.sh, demo-ike-guest.sh, queued by run-all.sh)
# cannot run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)

if ! ss=$("$here/strongswan-src.sh" 2>/tmp/rvti-ss-src.err | tail -1) || [ -z "$ss" ]; then
	echo "not ok - ike: strongSwan installed and its sources prepared"
	sed 's/^/#   /' /tmp/rvti-ss-src.err
	exit 1
fi
echo "ok - ike: strongSwan $(cat "$ss/.rvti-configured") installed and its sources prepared"
if out=$(make -C "$repo/userspace/charon" -s STRONGSWAN_SRC="$ss" install 2>&1); then
	echo "ok - ike: the kernel-rvti plugin builds (-Werror) and installs"
else
	echo "not ok - ike: the kernel-rvti plugin builds (-Werror) and installs"
	sed 's/^/#   /' <<<"$out" | head -30
	exit 1
fi
"$here/abi-check.sh" "$ss" 2>&1 | sed 's/^ok - /ok - ike: /; s/^not ok - /not ok - ike: /'
exit 0

