#!/usr/bin/env python3
"""Writes the load benchmark's test zone and query files (deterministic: a fixed seed).

    make-queries.py zone  OUT.zone [--origin bench.test.] [--hosts 3000]
    make-queries.py mix   ZONE OUT.queries [--origin O] [--count 20000]
    make-queries.py cold  OUT.queries [--origin O] [--count 500000] [--prefix u]

`zone` writes a zone of a few thousand names: hosts with A/AAAA (some MX, TXT), CNAMEs to them,
wildcards (`*.wN`), mail hosts with `_25._tcp` TLSA, and delegations with glue.

`mix` reads a zone written by `zone` (with dnspython, so the mix is built from what the file
really holds, not from the generator's assumptions) and writes a dnsperf query file mixing:
existing names of several types, CNAMEs, names under a wildcard, NODATA (an existing name, a type
it lacks), NXDOMAIN, TLSA at `_25._tcp`, and names below a delegation (referrals).

`cold` writes unique NXDOMAIN names one label below the origin: with NSEC3 white lies
(nsec3-narrow) each needs a freshly signed NSEC3 for its next closer name, so a server cannot
answer one from a cache of earlier answers.
"""
import argparse
import random
import sys

import dns.name
import dns.rdatatype
import dns.zone

SEED = 20261129


def write_zone(out, origin, hosts):
    rng = random.Random(SEED)
    lines = [
        f"$ORIGIN {origin}",
        "$TTL 3600",
        "@ IN SOA ns1 hostmaster 2026112901 7200 3600 1209600 300",
        "@ IN NS ns1",
        "@ IN NS ns2",
        "@ IN MX 10 mx0",
        '@ IN TXT "v=spf1 mx -all"',
        "@ IN A 192.0.2.1",
        "@ IN AAAA 2001:db8::1",
        "ns1 IN A 192.0.2.53",
        "ns2 IN A 192.0.2.54",
        "ns2 IN AAAA 2001:db8::54",
    ]
    for i in range(hosts):
        name = f"h{i:05d}"
        lines.append(f"{name} IN A 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}")
        if i % 2 == 0:
            lines.append(f"{name} IN AAAA 2001:db8:{i >> 16:x}:{i & 0xffff:x}::1")
        if i % 7 == 0:
            lines.append(f'{name} IN TXT "host {i} id={rng.getrandbits(64):016x}"')
        if i % 11 == 0:
            lines.append(f"{name} IN MX 10 mx{i % 20}")
    for i in range(hosts // 10):
        lines.append(f"c{i:05d} IN CNAME h{rng.randrange(hosts):05d}")
    for i in range(50):
        lines.append(f"*.w{i} IN A 192.0.2.{100 + i % 100}")
        lines.append(f"*.w{i} IN AAAA 2001:db8:ffff::{i:x}")
    for i in range(20):
        lines.append(f"mx{i} IN A 192.0.2.{200 + i}")
        lines.append(f"_25._tcp.mx{i} IN TLSA 3 1 1 {rng.getrandbits(256):064x}")
    for i in range(20):
        lines.append(f"d{i} IN NS ns.d{i}")
        lines.append(f"ns.d{i} IN A 198.51.100.{i + 1}")
    out.write("\n".join(lines) + "\n")


def write_mix(zonefile, out, origin, count):
    zone = dns.zone.from_file(zonefile, origin=origin, relativize=False, check_origin=True)
    apex = zone.origin
    by_kind = {"A": [], "AAAA": [], "MX": [], "TXT": [], "CNAME": [], "TLSA": [], "nodata": [], "deleg": []}
    wild_parents = []
    for name, node in sorted(zone.nodes.items()):
        types = {rds.rdtype for rds in node.rdatasets}
        text = name.to_text()
        if name.labels[0] == b"*":
            wild_parents.append(name.parent())
            continue
        if dns.rdatatype.NS in types and name != apex:
            by_kind["deleg"].append(name)
            continue
        if any(name.is_subdomain(d) and name != d for d in by_kind["deleg"]):
            continue  # glue: a query for it is a referral, counted with the delegations
        for t in ("A", "AAAA", "MX", "TXT", "CNAME", "TLSA"):
            if dns.rdatatype.from_text(t) in types:
                by_kind[t].append(text)
        if dns.rdatatype.CNAME not in types and dns.rdatatype.SRV not in types:
            by_kind["nodata"].append(text)
    rng = random.Random(SEED)
    # (share of the mix, how to draw one query)
    mix = [
        (30, lambda: f"{rng.choice(by_kind['A'])} A"),
        (12, lambda: f"{rng.choice(by_kind['AAAA'])} AAAA"),
        (4, lambda: f"{rng.choice(by_kind['MX'])} MX"),
        (4, lambda: f"{rng.choice(by_kind['TXT'])} TXT"),
        (10, lambda: f"{rng.choice(by_kind['CNAME'])} {rng.choice(['A', 'AAAA'])}"),
        (10, lambda: f"x{rng.randrange(10**6)}.{rng.choice(wild_parents).to_text()} {rng.choice(['A', 'AAAA'])}"),
        (8, lambda: f"{rng.choice(by_kind['nodata'])} SRV"),
        (14, lambda: f"nx{rng.randrange(10**6)}.{apex.to_text()} {rng.choice(['A', 'AAAA', 'MX'])}"),
        (5, lambda: f"{rng.choice(by_kind['TLSA'])} TLSA"),
        (3, lambda: f"www.{rng.choice(by_kind['deleg']).to_text()} A"),
    ]
    for kind, items in by_kind.items():
        if not items:
            sys.exit(f"make-queries: the zone has no names for {kind}")
    if not wild_parents:
        sys.exit("make-queries: the zone has no wildcards")
    total = sum(w for w, _ in mix)
    for _ in range(count):
        pick = rng.randrange(total)
        for weight, draw in mix:
            if pick < weight:
                out.write(draw() + "\n")
                break
            pick -= weight


def write_cold(out, origin, count, prefix):
    for i in range(count):
        out.write(f"{prefix}-{i:07d}.{origin} A\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["zone", "mix", "cold"])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--origin", default="bench.test.")
    parser.add_argument("--hosts", type=int, default=3000)
    parser.add_argument("--count", type=int)
    parser.add_argument("--prefix", default="u", help="cold: the first label's prefix (runs must not share names)")
    args = parser.parse_args()
    origin = args.origin if args.origin.endswith(".") else args.origin + "."
    if args.what == "zone":
        with open(args.paths[0], "w") as out:
            write_zone(out, origin, args.hosts)
    elif args.what == "mix":
        with open(args.paths[1], "w") as out:
            write_mix(args.paths[0], out, origin, args.count or 20000)
    else:
        with open(args.paths[0], "w") as out:
            write_cold(out, origin, args.count or 500000, args.prefix)


if __name__ == "__main__":
    main()
