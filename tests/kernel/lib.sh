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

# The configuration fragment of a kernel variant on stdout: "debug" (the
# default, the test kernel) is uml.config; "bench" is uml.config without its
# debug section, plus bench.config.
rvti_uml_fragment() {
	local here variant=${1:-${RVTI_UML_VARIANT:-debug}}
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	case $variant in
	debug) cat "$here/uml.config" ;;
	bench)
		sed '/^# Debug kernel/,$d' "$here/uml.config"
		cat "$here/bench.config"
		;;
	*) echo "unknown UML kernel variant: $variant" >&2; return 1 ;;
	esac
}

# Path of the cached UML tree for the source version, fragment and patches.
# The debug kernel's name is uml-VERSION-HASH; other variants put their name
# in front of the version, so that no two variants share a tree.
rvti_uml_tree() {
	local here srcver hash variant=${1:-${RVTI_UML_VARIANT:-debug}} prefix=uml-
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
	hash=$({ rvti_uml_fragment "$variant"; cat "$here"/patches/*.patch 2>/dev/null; } |
		sha256sum | cut -c1-12)
	[ "$variant" = debug ] || prefix=uml-$variant-
	echo "$(rvti_cache_dir)/$prefix$srcver-$hash"
}
