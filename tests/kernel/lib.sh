# Shared helpers for the test scripts that run on the host.
# shellcheck shell=bash

log() { echo "[rvti] $*" >&2; }

# Install Debian packages that are missing; quiet when all are present.
rvti_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing: ${missing[*]}"
	if [ ! -f /var/lib/apt/.rvti-updated ] || [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock)" ]; then
		apt-get update -qq >&2 && touch /var/lib/apt/.rvti-updated
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

rvti_cache_dir() { echo "${RVTI_CACHE:-/var/cache/rvti}"; }

# Path of the cached UML tree for the source version, fragment and patches.
rvti_uml_tree() {
	local here srcver hash
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
	hash=$(cat "$here/uml.config" "$here"/patches/*.patch 2>/dev/null | sha256sum | cut -c1-12)
	echo "$(rvti_cache_dir)/uml-$srcver-$hash"
}
