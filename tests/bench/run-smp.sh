#!/usr/bin/env bash
# `make bench-smp`: the benchmark of tests/bench/guest.sh with 1 and then 2
# CPUs, in the only multi-CPU test kernel there is: the x86_64 KASAN kernel
# under qemu (TCG), tests/kernel/build-kasan.sh. One tunnel, TCP with 1 and
# with 4 flows (iperf3 -P 4), each mode ROUNDS times:
#   tests/bench/run-smp.sh [ROUNDS [SECONDS [MODES...]]]
# Defaults: 3 rounds of 5 s of xfrm-gcm128, rvti-gcm128 and wg. Prints
# medians per CPU count, the scaling (2 CPUs / 1 CPU) and rvti/XFRM, and
# writes them as JSON ($RVTI_BENCH_JSON or a dated file under /var/tmp).
# That kernel is a debug kernel (KASAN, lockdep, kmemleak...): its absolute
# figures are low and only the ratios mean something. Nothing asserts a
# time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/kernel/lib.sh"

rounds=${1:-3}
secs=${2:-5}
shift 2 2>/dev/null || shift $#
[ $# -gt 0 ] || set -- xfrm-gcm128 rvti-gcm128 wg

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 jq iproute2 \
	iputils-ping iperf3 wireguard-tools kmod qemu-system-x86
tree=$("$repo/tests/kernel/build-kasan.sh" | tail -1) ||
	{ echo "not ok - build the KASAN kernel" >&2; exit 1; }
kmod=$(mktemp -d /tmp/rvti-bench-smp-ko.XXXXXX)
raw=$(mktemp -d /tmp/rvti-bench-smp.XXXXXX)
trap 'rm -rf "$kmod" "$raw"' EXIT
rvti_build_module "$tree" "$kmod" ||
	{ tail -30 "$kmod/build.log" >&2; echo "not ok - build rvti.ko for the KASAN kernel" >&2; exit 1; }
make -C "$repo/userspace" >/dev/null || { echo "not ok - build the rvti tool" >&2; exit 1; }

json=${RVTI_BENCH_JSON:-/var/tmp/rvti-bench-smp-$(date -u +%Y%m%dT%H%M%SZ).json}
start=$(date +%s)
rc=0
for cpus in 1 2; do
	log "bench with $cpus CPU(s): $*"
	RVTI_KASAN_CPUS=$cpus RVTI_KASAN_KMOD=$kmod \
		"$repo/tests/kernel/run-kasan.sh" "$here/guest.sh" \
		"$(IFS=,; echo "/run/results/kmod,$rounds,$secs,tests=tcp+tcp4,nomicro,$*")" |
		tee "$raw/$cpus" | grep -E '^(not )?ok - ' >&2
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
done
elapsed=$(( $(date +%s) - start ))

python3 - "$raw" "$json" "$tree" "$rounds" "$secs" "$elapsed" <<'EOF'
import json, statistics, sys
raw, path, kernel, rounds, secs, elapsed = sys.argv[1:7]
med = {}
for cpus in ("1", "2"):
    s = {}
    with open(f"{raw}/{cpus}") as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[:2] == ["#", "bench"]:
                s.setdefault((w[2], w[3]), []).append(int(w[5]))
    med[cpus] = {k: statistics.median(v) for k, v in s.items()}
keys = sorted(set(med["1"]) | set(med["2"]))
print()
print(f"Medians of {rounds} rounds, {secs} s each, TCP host1 -> host4 through one tunnel, "
      "Mbit/s (x86_64 KASAN kernel under qemu TCG: ratios only)")
print(f"{'mode':<14}{'test':<8}{'1 CPU':>10}{'2 CPUs':>10}{'2/1':>8}")
out = {"kernel": kernel, "rounds": int(rounds), "seconds": int(secs),
       "elapsed_seconds": int(elapsed), "medians": {}, "scaling": {}, "ratios": {}}
for m, t in keys:
    a, b = med["1"].get((m, t)), med["2"].get((m, t))
    sc = round(b / a, 3) if a and b else None
    out["medians"].setdefault(m, {})[t] = {"1": a, "2": b}
    out["scaling"].setdefault(m, {})[t] = sc
    f = lambda v: f"{v / 1e6:>10.1f}" if v else f"{'-':>10}"
    print(f"{m:<14}{t:<8}{f(a)}{f(b)}{sc if sc else '-':>8}")
print()
for c in ("1", "2"):
    for t in ("tcp", "tcp4"):
        for s in ("gcm128", "chacha"):
            x, r = med[c].get((f"xfrm-{s}", t)), med[c].get((f"rvti-{s}", t))
            if x and r:
                v = round(r / x, 3)
                out["ratios"][f"rvti-{s}/xfrm-{s} {t} {c}cpu"] = v
                print(f"rvti-{s}/xfrm-{s} {t}, {c} CPU(s): {v}")
        w, r = med[c].get(("wg", t)), med[c].get(("rvti-chacha", t))
        if w and r:
            out["ratios"][f"rvti-chacha/wg {t} {c}cpu"] = round(r / w, 3)
            print(f"rvti-chacha/wg {t}, {c} CPU(s): {round(r / w, 3)}")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"\nwhole run: {elapsed} s")
EOF
echo "JSON: $json"
exit "$rc"
