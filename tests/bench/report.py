#!/usr/bin/env python3
"""Table and JSON of a `make bench` run (tests/bench/run.sh).

    report.py OUTPUT JSON KERNEL ROUNDS SECONDS ELAPSED

OUTPUT is the guest's output; its lines "# bench MODE TEST ROUND VALUE"
are the measurements and "# micro ..." the in-kernel microbenchmark's.
"""
import json
import statistics
import sys

TESTS = [("tcp", "TCP Mbit/s", 1e-6), ("udp1400", "UDP 1400 B kpps", 1e-3),
         ("udp64", "UDP 64 B kpps", 1e-3)]
SUITES = ["gcm128", "chacha", "null"]


def main():
    out, path, kernel, rounds, secs, elapsed = sys.argv[1:7]
    samples = {}
    micro = []
    with open(out) as f:
        for line in f:
            w = line.split()
            if len(w) == 6 and w[:2] == ["#", "bench"]:
                samples.setdefault(w[2], {}).setdefault(w[3], []).append(int(w[5]))
            elif len(w) > 2 and w[:2] == ["#", "micro"]:
                micro.append(" ".join(w[2:]))

    medians = {m: {t: statistics.median(v) for t, v in tests.items()}
               for m, tests in samples.items()}

    def ratio(a, b, t):
        try:
            return round(medians[a][t] / medians[b][t], 3)
        except (KeyError, ZeroDivisionError):
            return None

    ratios = {}
    for s in SUITES:
        for t, _, _ in TESTS:
            ratios.setdefault(f"rvti-{s}/xfrm-{s}", {})[t] = \
                ratio(f"rvti-{s}", f"xfrm-{s}", t)
    for s in SUITES:
        for t, _, _ in TESTS:
            ratios.setdefault(f"rvti-{s}/wg", {})[t] = ratio(f"rvti-{s}", "wg", t)
    for s in SUITES:
        for t, _, _ in TESTS:
            ratios.setdefault(f"rvti-{s}/plain", {})[t] = ratio(f"rvti-{s}", "plain", t)
    for s in SUITES:
        for t, _, _ in TESTS:
            ratios.setdefault(f"rvti-{s}/base-{s}", {})[t] = \
                ratio(f"rvti-{s}", f"base-{s}", t)

    order = ["plain", "wg"] + [f"{k}-{s}" for s in SUITES
                               for k in ("xfrm", "rvti", "base")]
    order += sorted(m for m in medians if m not in order)
    hdr = f"{'mode':<14}" + "".join(f"{h:>18}" for _, h, _ in TESTS) + f"{'rounds':>8}"
    print()
    print(f"Medians of {rounds} rounds, {secs} s each, host1 -> host4 "
          f"through gw1 = gw4 (UML bench kernel, 1 CPU):")
    print(hdr)
    for m in order:
        if m not in medians:
            continue
        cells = "".join(
            f"{medians[m][t] * k:>18.1f}" if t in medians[m] else f"{'-':>18}"
            for t, _, k in TESTS)
        n = min(len(v) for v in samples[m].values())
        print(f"{m:<14}{cells}{n:>8}")
    print()
    print(f"{'ratio':<22}" + "".join(f"{h:>18}" for _, h, _ in TESTS))
    for r, v in ratios.items():
        if all(x is None for x in v.values()):
            continue
        print(f"{r:<22}" + "".join(
            f"{v[t]:>18.3f}" if v[t] is not None else f"{'-':>18}"
            for t, _, _ in TESTS))
    if micro:
        print()
        print("In-kernel microbenchmark (ns per packet):")
        for line in micro:
            print("  " + line)
    print(f"\nwhole run: {elapsed} s")

    with open(path, "w") as f:
        json.dump({"kernel": kernel, "rounds": int(rounds), "seconds": int(secs),
                   "elapsed_seconds": int(elapsed),
                   "units": {"tcp": "bit/s", "udp1400": "packet/s received",
                             "udp64": "packet/s received"},
                   "samples": samples, "medians": medians, "ratios": ratios,
                   "micro": micro}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
