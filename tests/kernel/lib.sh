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

# _rvti_fragment DEBUG_NAME BASE BENCH VARIANT: the configuration fragment
# of a kernel variant on stdout: BASE for the debug variant (DEBUG_NAME),
# and for "bench" BASE without its "# Debug kernel" section, plus BENCH.
_rvti_fragment() {
	local here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	case $4 in
	"$1") cat "$here/$2" ;;
	bench)
		sed '/^# Debug kernel/,$d' "$here/$2"
		cat "$here/$3"
		;;
	*) echo "unknown kernel variant: $4" >&2; return 1 ;;
	esac
}

# The UML kernel's: "debug" (the default, the test kernel) is uml.config;
# "bench" adds bench.config to uml.config's part before its debug section.
rvti_uml_fragment() {
	_rvti_fragment debug uml.config bench.config "${1:-${RVTI_UML_VARIANT:-debug}}"
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

# The x86_64 kernel's: "kasan" (the default, the SMP debug kernel of `make
# check-kasan`) is kasan.config; "bench" (`make bench-smp`) adds
# x86-bench.config to kasan.config's part before its debug section.
rvti_kasan_fragment() {
	_rvti_fragment kasan kasan.config x86-bench.config "${1:-${RVTI_X86_VARIANT:-kasan}}"
}

# Path of the cached x86_64 tree (tests/kernel/build-kasan.sh) for the
# source version, the variant's fragment and kasan-patches/: kasan-VERSION-HASH
# for the KASAN kernel, x86-VARIANT-VERSION-HASH for the others.
rvti_kasan_tree() {
	local here srcver hash variant=${1:-${RVTI_X86_VARIANT:-kasan}} prefix=kasan-
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
	hash=$({ rvti_kasan_fragment "$variant"; cat "$here"/kasan-patches/*.patch 2>/dev/null; } |
		sha256sum | cut -c1-12)
	[ "$variant" = kasan ] || prefix=x86-$variant-
	echo "$(rvti_cache_dir)/$prefix$srcver-$hash"
}

# Fail (listing them) when lines of the config fragment $1 did not stick in
# the .config $2: merge_config only warns, and a test would silently run on
# the wrong kernel. "=n" holds when the symbol is unset or absent.
rvti_check_config() {
	local frag=$1 cfg=$2 line sym missing=0
	while IFS= read -r line; do
		sym=${line%%=*}
		case "$line" in
		CONFIG_*=n)
			grep -q "^$sym=" "$cfg" || continue
			;;
		CONFIG_*=*)
			grep -qx "$line" "$cfg" && continue
			;;
		*) continue ;;
		esac
		echo "config: $line did not stick ($(grep -E "^(# )?$sym[= ]" "$cfg" ||
			echo absent))" >&2
		missing=1
	done <"$frag"
	return "$missing"
}

# Kernel reports: any of them in a test kernel's console, dmesg or kmemleak
# log fails the run, whatever the payload said (lockdep, RCU, UBSAN, KASAN
# ("BUG: KASAN: ..."), sleeping in atomic context ("BUG: sleeping function"),
# kmemleak, debug objects, refcount, list corruption, WARNING, oops, hung
# tasks, devices stuck in unregister_netdevice).
RVTI_REPORT_PAT='BUG:|WARNING:|UBSAN:|Oops|Kernel panic|unreferenced object|ODEBUG:|kmemleak: .*suspected|refcount_t:|list_(add|del) corruption|general protection|unregister_netdevice: waiting|INFO: task .* blocked|possible recursive locking|circular locking|suspicious RCU'

# rvti_guest_verdict RES PAYLOAD BOOT_RC [WHAT]: after a test kernel's run
# with its results in RES (output.log, rc, console.log, dmesg.log,
# kmemleak.log), print the payload's output and the kernel's verdict as TAP
# lines; returns the run's exit status. WHAT names the kernel in the lines.
rvti_guest_verdict() {
	local res=$1 payload=$2 boot_rc=$3 what=${4:-kernel} rc reports
	[ -f "$res/output.log" ] && cat "$res/output.log"
	if [ -f "$res/rc" ] && [ "$(cat "$res/rc")" != 0 ] &&
	   ! grep -q '^not ok - ' "$res/output.log" 2>/dev/null; then
		# A payload that failed without saying which check: still a failure.
		echo "not ok - $(basename "$payload"): exited $(cat "$res/rc") without a failing check"
	fi
	if [ -f "$res/rc" ] && ! grep -Eq '^(not )?ok - ' "$res/output.log" 2>/dev/null; then
		echo "not ok - $(basename "$payload"): ran no check"
		echo 1 >"$res/rc"
	fi
	if [ ! -f "$res/rc" ]; then
		echo "not ok - $what: the guest did not finish (exit $boot_rc); console tail:"
		tail -40 "$res/console.log" | sed 's/^/# /'
		rc=1
	else
		rc=$(cat "$res/rc")
	fi
	reports=$(cat "$res/console.log" "$res/dmesg.log" "$res/kmemleak.log" 2>/dev/null |
		grep -E "$RVTI_REPORT_PAT" | sort -u)
	if [ -n "$reports" ]; then
		echo "not ok - $what: reports in the debug kernel's log"
		echo "$reports" | head -20 | sed 's/^/# /'
		grep -E -A25 "$RVTI_REPORT_PAT" "$res/console.log" "$res/kmemleak.log" 2>/dev/null |
			head -80 | sed 's/^/# /'
		[ "$rc" = 0 ] && rc=1
	else
		echo "ok - $what: no lockdep, RCU, UBSAN, KASAN, kmemleak, debug-objects or WARNING reports"
	fi
	return "$rc"
}

# rvti_build_module KDIR OUT [MAKE ARGS...]: build rvti.ko (and
# rvti_kunit.ko where KDIR has KUnit) from a copy of kmod/, uapi/ and Kbuild,
# so that the in-tree objects (built for the UML kernel) are not
# overwritten. The modules land in OUT, make's output in OUT/build.log.
# With RVTI_BUILD_REV set, the sources are those of that git revision.
rvti_build_module() {
	local kdir=$1 out=$2 repo tmp rc=0
	shift 2
	repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	tmp=$(mktemp -d /tmp/rvti-build.XXXXXX)
	mkdir -p "$out"
	if [ -n "${RVTI_BUILD_REV:-}" ]; then
		git -C "$repo" archive "$RVTI_BUILD_REV" kmod uapi Kbuild | tar -x -C "$tmp" ||
			{ echo "git archive $RVTI_BUILD_REV failed" >"$out/build.log"; rm -rf "$tmp"; return 1; }
	else
		cp -r "$repo/kmod" "$repo/uapi" "$repo/Kbuild" "$tmp/"
	fi
	make -C "$kdir" M="$tmp" "$@" modules >"$out/build.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && cp "$tmp"/kmod/*.ko "$out/"
	rm -rf "$tmp"
	return "$rc"
}
