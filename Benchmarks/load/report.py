#!/usr/bin/env python3
"""Turns run.sh's per-run results into the Markdown tables of docs/PERFORMANCE.md.

Input lines: `phase label round qps lost_percent cpu_us_per_query completed`. Every figure in the
tables is the median over rounds; ratios are taken between medians.
"""
import argparse
import os
import platform
import statistics
import subprocess
from collections import defaultdict

NAMES = {
    "sigil": ("Sigil", "plain, 1 UDP worker"),
    "knot": ("Knot DNS", "plain, 1 UDP worker"),
    "nsd": ("NSD", "plain, 1 server"),
    "sigil-signed": ("Sigil", "online signing, ECDSA P-256, NSEC3"),
    "knot-presigned": ("Knot DNS", "presigned (automatic), ECDSA P-256, NSEC3"),
    "knot-online": ("Knot DNS", "mod-onlinesign, ECDSA P-256"),
    "pdns": ("PowerDNS", "bind backend, live signing, ECDSA P-256, NSEC3 narrow"),
    "sigil-narrow": ("Sigil", "online signing, ECDSA P-256, NSEC3 narrow"),
    "sigil-narrow-ed25519": ("Sigil", "online signing, Ed25519 (libsodium), NSEC3 narrow"),
}
ORDER = {"plain": ["sigil", "knot", "nsd"], "signed": ["sigil-signed", "knot-presigned", "knot-online", "pdns"],
         "cold": ["sigil-narrow", "sigil-narrow-ed25519", "pdns"], "tcp": ["sigil", "knot", "nsd"]}


def version(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=5)
        return (out.stdout + out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("results")
    parser.add_argument("--seconds", type=int)
    parser.add_argument("--rounds", type=int)
    parser.add_argument("--openssl", type=float)
    parser.add_argument("--openssl-ed25519", type=float, default=0)
    parser.add_argument("--micro-ed25519", type=float, default=0,
                        help="Sign.ed25519 ops/s (SigningBenchmarks), Sigil's own signature rate")
    parser.add_argument("--load", nargs=2)
    args = parser.parse_args()

    runs = defaultdict(list)
    by_round = defaultdict(dict)
    with open(args.results) as f:
        for line in f:
            phase, label, round_, qps, lost, cpu, done = line.split()[:7]
            runs[(phase, label)].append((float(qps), float(lost), float(cpu), int(done)))
            by_round[(phase, round_)][label] = (float(qps), float(cpu))
    med = {}
    for key, values in runs.items():
        med[key] = tuple(statistics.median(v[i] for v in values) for i in range(3)) + (max(v[1] for v in values),)

    cpu_model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model}, {platform.system()} {platform.release()}; "
          f"load average (1, 5, 15 min) {args.load[0]} at the start, {args.load[1]} at the end.")
    print(f"dnsperf: 1 thread, 4 clients, {args.seconds} s per run, {args.rounds} rounds, servers interleaved; "
          "medians over rounds (worst lost % in brackets).")
    print(f"Peers: {version(['knotd', '--version'])}; {version(['nsd', '-v'])}; "
          f"{version(['pdns_server', '--version']).split('PowerDNS ', 1)[-1].split(' (C)')[0]}.")
    print()

    def table(phase, title):
        labels = [label for label in ORDER[phase] if (phase, label) in med]
        labels += sorted(label for p, label in med if p == phase and label not in labels)
        if not labels:
            return
        print(f"**{title}**")
        print()
        print("| Server | Mode | qps | lost % (worst) | server CPU µs/query |")
        print("|---|---|---:|---:|---:|")
        for label in labels:
            qps, lost, cpu, worst = med[(phase, label)]
            variant_mode = ("online signing, ECDSA P-256, NSEC3 narrow (SIGIL_VARIANTS)" if phase == "cold"
                            else "plain, 1 UDP worker (SIGIL_VARIANTS)")
            name, mode = NAMES.get(label, (f"Sigil `{label}`", variant_mode))
            if phase == "tcp":
                mode = {"sigil": "TCP, 2 event loops (default)", "knot": "TCP, tcp-workers 1",
                        "nsd": "TCP, 1 server"}.get(label, mode)
            print(f"| {name} | {mode} | {qps:,.0f} | {lost:.3f} ({worst:.3f}) | {cpu:.2f} |")
        print()

    def ratio(phase, a, b, index):
        if (phase, a) not in med or (phase, b) not in med or med[(phase, b)][index] == 0:
            return None
        return med[(phase, a)][index] / med[(phase, b)][index]

    def verdict(value, target, higher_is_better):
        if value is None:
            return "not measured"
        met = value >= target if higher_is_better else value <= target
        return "met" if met else "**not met**"

    table("plain", "Plain (no DNSSEC, query mix without DO)")
    table("signed", "Signed (query mix with DO; warm: the mix repeats)")
    table("cold", "Cold signing (unique NXDOMAIN names with DO, each needing a fresh NSEC3 signature)")
    table("tcp", "TCP (the plain mix over dnsperf -m tcp, default TCP limits)")

    rows = [
        ("Sigil / Knot CPU per query (plain)", ratio("plain", "sigil", "knot", 2), "≤ 0.8", 0.8, False),
        ("Sigil / NSD CPU per query (plain)", ratio("plain", "sigil", "nsd", 2), "≤ 0.8", 0.8, False),
        ("Sigil / Knot qps (plain)", ratio("plain", "sigil", "knot", 0), "≥ 1.2", 1.2, True),
        ("Sigil / NSD qps (plain)", ratio("plain", "sigil", "nsd", 0), "≥ 1.2", 1.2, True),
        ("Sigil / Knot CPU per query (TCP)", ratio("tcp", "sigil", "knot", 2), "≤ 1.0", 1.0, False),
        ("Sigil / NSD CPU per query (TCP)", ratio("tcp", "sigil", "nsd", 2), "≤ 1.0", 1.0, False),
        ("Sigil / Knot qps (TCP)", ratio("tcp", "sigil", "knot", 0), "≥ 1.0", 1.0, True),
        ("Sigil / NSD qps (TCP)", ratio("tcp", "sigil", "nsd", 0), "≥ 1.0", 1.0, True),
        ("Sigil signed / Knot presigned CPU per query", ratio("signed", "sigil-signed", "knot-presigned", 2),
         "≤ 1.0 (aim 0.8)", 1.0, False),
        ("Sigil signed / Knot mod-onlinesign qps", ratio("signed", "sigil-signed", "knot-online", 0), "≥ 10",
         10, True),
        ("Sigil signed / PowerDNS qps", ratio("signed", "sigil-signed", "pdns", 0), "≥ 1.5", 1.5, True),
        # The same two as capacity (queries per CPU-second of the server: 1 / CPU per query). On two
        # shared cores dnsperf needs about as much CPU per query as the fastest servers, so their
        # measured qps is the client's limit as much as theirs; this one is not.
        ("Sigil signed / Knot mod-onlinesign, queries per server CPU-second",
         ratio("signed", "knot-online", "sigil-signed", 2), "(≥ 10)", 10, True),
        ("Sigil signed / PowerDNS, queries per server CPU-second",
         ratio("signed", "pdns", "sigil-signed", 2), "(≥ 1.5)", 1.5, True),
    ]
    cold = med.get(("cold", "sigil-narrow"))
    if cold:
        sigs = cold[0]
        sigs_per_cpu_s = 1e6 / cold[2] if cold[2] else 0
        rows.append(("Sigil cold signatures/s ÷ openssl sign/s", sigs / args.openssl if args.openssl else None,
                     "≥ 0.8", 0.8, True))
        rows.append(("Sigil cold signatures per CPU-second ÷ openssl sign/s",
                     sigs_per_cpu_s / args.openssl if args.openssl else None, "(≥ 0.8)", 0.8, True))
    ed = med.get(("cold", "sigil-narrow-ed25519"))
    if ed:
        # Secondary: libsodium's Ed25519 is several times OpenSSL 3.0's, so the openssl ratio flatters
        # Sigil; the ratio to Sign.ed25519 (libsodium's signature plus the RRSIG work) is the overhead.
        ed_per_cpu_s = 1e6 / ed[2] if ed[2] else 0
        rows.append(("Sigil cold Ed25519 signatures per CPU-second ÷ openssl ed25519 sign/s",
                     ed_per_cpu_s / args.openssl_ed25519 if args.openssl_ed25519 else None, "(≥ 0.8)", 0.8, True))
        rows.append(("Sigil cold Ed25519 signatures per CPU-second ÷ `Sign.ed25519` ops/s",
                     ed_per_cpu_s / args.micro_ed25519 if args.micro_ed25519 else None, "(≥ 0.8)", 0.8, True))
    print("| Ratio | Value | Target | Status |")
    print("|---|---:|---|---|")
    for name, value, target_text, target, higher in rows:
        shown = "–" if value is None else f"{value:.2f}"
        print(f"| {name} | {shown} | {target_text} | {verdict(value, target, higher)} |")
    # Ratios taken within each round (servers measured minutes apart at most), then the median.
    # by_round values are (qps, cpu): index 0 is qps, 1 is CPU per query.
    def per_round(phase, a, b, index):
        values = [r[a][index] / r[b][index] for (p, _), r in by_round.items()
                  if p == phase and a in r and b in r and r[b][index]]
        return f"{statistics.median(values):.2f}" if values else "–"

    def per_round_table(title, columns, rows_):
        print()
        print(f"| {title} | " + " | ".join(name for name, _, _, _ in columns) + " |")
        print("|---|" + "---:|" * len(columns))
        for label in rows_:
            print(f"| {label} | " + " | ".join(per_round(phase, label, peer, index)
                                                for _, phase, peer, index in columns) + " |")

    sigils = sorted(label for p, label in med if p == "plain" and label not in ("knot", "nsd"))
    if sigils:
        per_round_table("Per-round ratio, median over rounds",
                        [("CPU/query ÷ Knot", "plain", "knot", 1), ("÷ NSD", "plain", "nsd", 1),
                         ("qps ÷ Knot", "plain", "knot", 0), ("÷ NSD", "plain", "nsd", 0)], sigils)
    if ("signed", "sigil-signed") in med:
        per_round_table("Signed, per-round ratio, median over rounds",
                        [("CPU/query ÷ Knot presigned", "signed", "knot-presigned", 1),
                         ("qps ÷ Knot mod-onlinesign", "signed", "knot-online", 0),
                         ("qps ÷ PowerDNS", "signed", "pdns", 0)], ["sigil-signed"])
    # Cold variants (SIGIL_VARIANTS) against this build's Sigil. The ratio is variant ÷ this build.
    variants = sorted(label for p, label in med if p == "cold" and label not in ORDER["cold"])
    if variants:
        per_round_table("Cold, per-round ratio, median over rounds",
                        [("CPU/answer ÷ this build's", "cold", "sigil-narrow", 1),
                         ("qps ÷ this build's", "cold", "sigil-narrow", 0)], variants)
    lost_any = [k for k, v in med.items() if v[3] > 0 and k[1].startswith("sigil")]
    print()
    print(f"Nothing lost (Sigil, every run): {'**not met**: ' + ', '.join('/'.join(k) for k in lost_any) if lost_any else 'met'}.")
    if cold:
        print(f"Cold signing: one fresh signature per answer (the next closer name's NSEC3; the closest "
              f"encloser's and the wildcard's repeat), so signatures/s ≈ qps = {cold[0]:,.0f}; "
              f"per CPU-second of the server {1e6 / cold[2]:,.0f}" if cold[2] else "")
        print(f"`openssl speed -seconds 3 ecdsap256`, one core: {args.openssl:,.0f} sign/s.")
    if ed:
        print(f"Cold Ed25519: signatures/s ≈ qps = {ed[0]:,.0f}; per CPU-second of the server "
              f"{1e6 / ed[2]:,.0f}" if ed[2] else "")
        print(f"`openssl speed -seconds 3 ed25519`, one core: {args.openssl_ed25519:,.0f} sign/s"
              + (f"; `Sign.ed25519`: {args.micro_ed25519:,.0f} ops/s." if args.micro_ed25519 else "."))
    elif args.openssl:
        print(f"`openssl speed -seconds 3 ecdsap256`, one core: {args.openssl:,.0f} sign/s "
              "(Sigil cold signing not measured: it does not sign yet).")


if __name__ == "__main__":
    main()
