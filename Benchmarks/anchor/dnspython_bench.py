#!/usr/bin/env python3
"""The anchor for the codec micro-benchmarks: dnspython doing the same work on the same packets.

    python3 Benchmarks/anchor/dnspython_bench.py [--repeat N]

Prints one line per benchmark, `name<TAB>median ns/op`, with the names CodecBenchmarks uses.
Each benchmark is timed in `repeat` rounds of enough operations to last about 0.1 s; the median
of the rounds' per-operation times is reported, which is what a shared, noisy machine allows.
"""
import argparse
import statistics
import sys
import timeit

import dns.message
import dns.name

from packets import PACKETS


def cases():
    query = PACKETS["query"]
    positive = dns.message.from_wire(PACKETS["positive"])
    nxdomain = dns.message.from_wire(PACKETS["nxdomain"])
    left = dns.name.from_text("a.b.www.Example.TEST.")
    right = dns.name.from_text("a.c.www.example.test.")
    assert left < right
    return {
        "Query.decode": lambda: dns.message.from_wire(query),
        "Encode.positiveSigned": lambda: positive.to_wire(max_size=1232),
        "Encode.nxdomainSigned": lambda: nxdomain.to_wire(max_size=1232),
        "DNSName.parse": lambda: dns.name.from_text("www.example.test."),
        "DNSName.canonicalCompare": lambda: left < right,
    }


def median_ns(function, repeat):
    timer = timeit.Timer(function)
    number, _ = timer.autorange()  # enough calls for at least 0.2 s
    number = max(1, number // 2)
    rounds = timer.repeat(repeat=repeat, number=number)
    return statistics.median(rounds) / number * 1e9


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    for name, function in cases().items():
        print(f"{name}\t{median_ns(function, args.repeat):.0f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
