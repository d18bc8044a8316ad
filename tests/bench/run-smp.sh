#!/usr/bin/env bash
# `make bench-smp`: the benchmark of tests/bench/guest.sh with 1 and then 2
# CPUs, in an x86_64 SMP kernel under qemu (TCG: every vCPU is a thread of
# the host, so 2 vCPUs need the machine's 2 cores and nothing else running).
# The kernel is the non-debug benchmark variant of the x86_64 test kernel
# (tests/kernel/build-kasan.sh bench: kasan.config without its debug
# section, plus x86-bench.config and pktgen); RVTI_X86_VARIANT=kasan runs the
# KASAN kernel instead. One tunnel; TCP with 1 and with 4 flows (iperf3
# -P 4) and the packet rates of pktgen (one kernel thread on CPU 0, as one
# receive queue would be), every veth receiving through a NAPI ring as a
# NIC (guest.sh's napi option), each mode ROUNDS times:
#   tests/bench/run-smp.sh [ROUNDS [SECONDS [MODES...]]]
# Defaults: 3 rounds of 3 s of plain (routing without a tunnel: what the
# guest itself gains from a second vCPU), xfrm-gcm128, rvti-gcm128,
# rvtiserial-gcm128 (rvti with parallel_crypto=0), xfrm-chacha, rvti-chacha
# and wg;
# RVTI_BENCH_SMP_TESTS (tcp+tcp4+udp1400+udp64) chooses the measurements;
# the word "perf" among the modes profiles each mode's TCP and UDP tests in the
# first round (guest.sh), into the guest output kept beside the JSON.
# RVTI_BENCH_CPU sets qemu's CPU model (default: qemu's own, without AES-NI
# or AVX2, where every AEAD runs its generic C code; "max": TCG's AES-NI,
# PCLMULQDQ and AVX2, which the x86 AEAD drivers of the kernel use, as on an
# operator's router; the guest prints which driver each AEAD had).
# Prints medians per CPU count, the scaling (2 CPUs / 1 CPU), rvti/XFRM,
# rvti/WireGuard and parallel/serial rvti, and writes them as JSON
# ($RVTI_BENCH_JSON or a dated file under /var/tmp). Under TCG the absolute
# figures are an emulator's: only the ratios mean something. Nothing
# asserts a time.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
. "$repo/tests/kernel/lib.sh"

rounds=${1:-3}
secs=${2:-3}
shift 2 2>/dev/null || shift $#
[ $# -gt 0 ] || set -- plain xfrm-gcm128 rvti-gcm128 rvtiserial-gcm128 xfrm-chacha rvti-chacha wg
tests=${RVTI_BENCH_SMP_TESTS:-tcp+tcp4+udp1400+udp64}
export RVTI_X86_VARIANT=${RVTI_X86_VARIANT:-bench}

rvti_need_pkgs make gcc pkg-config libmnl-dev libjson-c-dev python3 jq iproute2 \
	iputils-ping iperf3 wireguard-tools ethtool kmod qemu-system-x86
tree=$("$repo/tests/kernel/build-kasan.sh" "$RVTI_X86_VARIANT" | tail -1) ||
	{ echo "not ok - build the x86_64 $RVTI_X86_VARIANT kernel" >&2; exit 1; }
kmod=$(mktemp -d /tmp/rvti-bench-smp-ko.XXXXXX)
raw=$(mktemp -d /tmp/rvti-bench-smp.XXXXXX)
trap 'rm -rf "$kmod" "$raw"' EXIT
rvti_build_module "$tree" "$kmod" ||
	{ tail -30 "$kmod/build.log" >&2; echo "not ok - build rvti.ko for the x86_64 $RVTI_X86_VARIANT kernel" >&2; exit 1; }
# RVTI_BENCH_BASE=REV: also rvti as of git revision REV, as the modes
# base-SUITE (as run.sh), to measure a change in one run.
if [ -n "${RVTI_BENCH_BASE:-}" ]; then
	RVTI_BUILD_REV=$RVTI_BENCH_BASE rvti_build_module "$tree" "$kmod/base" ||
		{ tail -30 "$kmod/base/build.log" >&2; echo "not ok - build rvti.ko of $RVTI_BENCH_BASE" >&2; exit 1; }
fi
make -C "$repo/userspace" >/dev/null || { echo "not ok - build the rvti tool" >&2; exit 1; }

json=${RVTI_BENCH_JSON:-/var/tmp/rvti-bench-smp-$(date -u +%Y%m%dT%H%M%SZ).json}
start=$(date +%s)
rc=0
for cpus in 1 2; do
	log "bench with $cpus CPU(s): $* ($tests)"
	RVTI_KASAN_CPUS=$cpus RVTI_KASAN_KMOD=$kmod RVTI_KASAN_CPU=${RVTI_BENCH_CPU:-} \
		"$repo/tests/kernel/run-kasan.sh" "$here/guest.sh" \
		"$(IFS=,; echo "/run/results/kmod,$rounds,$secs,tests=$tests,nomicro,napi,$*")" |
		tee "$raw/$cpus" | grep -E '^(not )?ok - ' >&2
	[ "${PIPESTATUS[0]}" = 0 ] || rc=1
	# The guest's whole output, its "# perf" profiles included.
	cp "$raw/$cpus" "${json%.json}-${cpus}cpu.log"
done
elapsed=$(( $(date +%s) - start ))

python3 - "$raw" "$json" "$tree" "$rounds" "$secs" "$elapsed" "${RVTI_BENCH_CPU:-qemu64}" <<'EOF'
import json, statistics, sys
raw, path, kernel, rounds, secs, elapsed, cpu = sys.argv[1:8]
med, spread = {}, {}
for cpus in ("1", "2"):
    s = {}
    with open(f"{raw}/{cpus}") as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[:2] == ["#", "bench"]:
                s.setdefault((w[2], w[3]), []).append(int(w[5]))
    med[cpus] = {k: statistics.median(v) for k, v in s.items()}
    # How far the rounds were apart: (max - min) / median, in %.
    spread[cpus] = {k: round(100 * (max(v) - min(v)) / statistics.median(v))
                    for k, v in s.items() if statistics.median(v)}
keys = sorted(set(med["1"]) | set(med["2"]))
tests = sorted({t for _, t in keys})
# TCP in Mbit/s (receiver), packet rates in thousands of packets/s.
# rtt: the median ping under load, in ms (lower is better).
unit = lambda t: ((1e6, "Mbit/s") if t.startswith("tcp") else
                  (1e3, "ms") if t == "rtt" else (1e3, "kpps"))
print()
print(f"Medians of {rounds} rounds, {secs} s each, host1 -> host4 through one tunnel "
      f"(x86_64 kernel under qemu TCG, CPU model {cpu}: ratios only); kernel {kernel}")
print("(spread: the rounds' max - min, in % of their median, 1 CPU / 2 CPUs: what a"
      " ratio within it does not show)")
print(f"{'mode':<19}{'test':<9}{'1 CPU':>10}{'2 CPUs':>10}{'2/1':>8}  {'unit':<8}spread")
out = {"kernel": kernel, "cpu_model": cpu, "rounds": int(rounds), "seconds": int(secs),
       "elapsed_seconds": int(elapsed), "medians": {}, "scaling": {}, "ratios": {},
       "spread_percent": {}}
for m, t in keys:
    a, b = med["1"].get((m, t)), med["2"].get((m, t))
    sc = round(b / a, 3) if a and b else None
    out["medians"].setdefault(m, {})[t] = {"1": a, "2": b}
    out["scaling"].setdefault(m, {})[t] = sc
    sp = [spread[c].get((m, t)) for c in ("1", "2")]
    out["spread_percent"].setdefault(m, {})[t] = {"1": sp[0], "2": sp[1]}
    d, u = unit(t)
    f = lambda v: f"{v / d:>10.1f}" if v else f"{'-':>10}"
    g = lambda v: "-" if v is None else f"{v}%"
    print(f"{m:<19}{t:<9}{f(a)}{f(b)}{sc if sc else '-':>8}  {u:<8}{g(sp[0])} / {g(sp[1])}")
print()
pairs = [(f"rvti-{s}", f"xfrm-{s}") for s in ("gcm128", "chacha", "null")]
pairs += [("rvti-chacha", "wg"), ("rvti-gcm128", "rvtiserial-gcm128")]
pairs += [(f"rvtifq-{s}", f"rvti-{s}") for s in ("gcm128", "chacha")]
pairs += [(f"rvti-{s}", f"base-{s}") for s in ("gcm128", "chacha")]
for c in ("1", "2"):
    for t in tests:
        for r, x in pairs:
            a, b = med[c].get((r, t)), med[c].get((x, t))
            if a and b:
                v = round(a / b, 3)
                out["ratios"][f"{r}/{x} {t} {c}cpu"] = v
                print(f"{r}/{x} {t}, {c} CPU(s): {v}")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
print(f"\nwhole run: {elapsed} s")
EOF
echo "JSON: $json (guest output: ${json%.json}-1cpu.log, -2cpu.log)"
exit "$rc"
