#!/usr/bin/env python3
"""Writes a deterministic zone file of exactly N resource records (default 1,000,000) for the
zone-load benchmark: the same file is loaded by Sigil, Knot DNS and NSD.

The mix imitates a large hosting zone: hosts with A and AAAA, mail exchangers with `_25._tcp`
TLSA records (DANE), CNAME aliases, SRV services, TXT (SPF, verification tokens), and
delegations with in-zone glue, some signed (DS). Owners repeat on continuation lines as they do
in real zone files, and some records carry their own TTL.

Usage: generate-zone.py OUTPUT [RECORDS] [ORIGIN]
The output depends only on the arguments (a fixed-seed PRNG), so runs are comparable.
"""

import random
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    origin = sys.argv[3] if len(sys.argv) > 3 else "bench.test."
    rng = random.Random(20240611)

    lines = [
        f"$ORIGIN {origin}",
        "$TTL 3600",
        "@ IN SOA ns1 hostmaster 2024061101 7200 3600 1209600 300",
        "  IN NS ns1",
        "  IN NS ns2",
        "  IN MX 10 mx0",
        '  IN TXT "v=spf1 mx -all"',
        "ns1 IN A 192.0.2.1",
        "ns2 IN AAAA 2001:db8::2",
    ]
    count = 7

    def ipv4() -> str:
        return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"

    def ipv6() -> str:
        return f"2001:db8:{rng.randrange(65536):x}:{rng.randrange(65536):x}::{rng.randrange(1, 65536):x}"

    def hexdigits(n: int) -> str:
        return "".join(f"{rng.randrange(256):02X}" for _ in range(n))

    # (kind, weight): each kind writes a small group of records for one new owner.
    kinds = [("host", 40), ("mx", 8), ("alias", 14), ("srv", 6), ("txt", 10), ("deleg", 5), ("wide", 3)]
    names = [k for k, _ in kinds]
    weights = [w for _, w in kinds]
    hosts = 1  # host0 exists below, so aliases and SRV targets always have a host to name
    lines.append("host0 IN A 192.0.2.10")
    lines.append("mx0 IN A 192.0.2.25")
    count += 2
    serial = 0
    while count < total:
        serial += 1
        kind = rng.choices(names, weights)[0]
        group: list[str] = []
        if kind == "host":
            name = f"host{hosts}"
            hosts += 1
            group.append(f"{name} IN A {ipv4()}")
            if rng.random() < 0.6:
                group.append(f"    IN AAAA {ipv6()}")
            if rng.random() < 0.2:
                group.append(f"    IN A {ipv4()}")
        elif kind == "mx":
            name = f"mx{serial}"
            group.append(f"{name} 300 IN A {ipv4()}")
            group.append(f"    IN AAAA {ipv6()}")
            group.append(f"_25._tcp.{name} IN TLSA 3 1 1 {hexdigits(32)}")
            group.append(f"mail{serial} IN MX 10 {name}")
            group.append(f"    IN MX 20 mx0.{origin}")
        elif kind == "alias":
            target = f"host{rng.randrange(hosts)}"
            group.append(f"www{serial} 600 IN CNAME {target}")
        elif kind == "srv":
            target = f"host{rng.randrange(hosts)}"
            group.append(f"_sip._tcp.svc{serial} IN SRV 10 60 5060 {target}")
            group.append(f"_sip._udp.svc{serial} IN SRV 20 40 5060 {target}.{origin}")
        elif kind == "txt":
            if rng.random() < 0.5:
                group.append(f'txt{serial} IN TXT "v=spf1 ip4:{ipv4()} include:_spf.example.net ~all"')
            else:
                group.append(f'txt{serial} IN TXT "verification={hexdigits(16)}" "part two; with spaces"')
        elif kind == "deleg":
            name = f"sub{serial}"
            group.append(f"{name} 86400 IN NS ns1.{name}")
            group.append(f"    86400 IN NS ns.provider.example.")
            group.append(f"ns1.{name} 86400 IN A {ipv4()}")
            if rng.random() < 0.3:
                group.append(f"{name} 86400 IN DS {rng.randrange(65536)} 13 2 {hexdigits(32)}")
        else:  # a wide RRset: several addresses behind one name
            name = f"pool{serial}"
            group.append(f"{name} IN A {ipv4()}")
            for _ in range(rng.randrange(3, 8)):
                group.append(f"    IN A {ipv4()}")
        group = group[: total - count]
        lines.extend(group)
        count += len(group)

    with open(path, "w", encoding="ascii") as out:
        out.write("\n".join(lines))
        out.write("\n")
    print(f"{path}: {count} records, origin {origin}", file=sys.stderr)


if __name__ == "__main__":
    main()
