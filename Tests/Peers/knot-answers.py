#!/usr/bin/env python3
"""Answers a list of queries with Knot DNS, for the DNSZone differential test.

usage: knot-answers.py WORKDIR

WORKDIR holds `zones.txt` (lines "ORIGIN FILE", FILE relative to WORKDIR) and `queries.txt`
(lines "NAME TYPE"). The script starts knotd on a free 127.0.0.1 port (another one if knotd finds
it taken) with a configuration of its own in WORKDIR, waits until every zone answers its SOA,
sends each query once over UDP without RD and EDNS, and prints "NAME TYPE HEX" per query, HEX
being Knot's raw response. knotd is always stopped on the way out.
"""
import os
import socket
import subprocess
import sys
import time

import dns.message
import dns.rdatatype


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
        udp.bind(("127.0.0.1", 0))
        port = udp.getsockname()[1]
        tcp.bind(("127.0.0.1", port))
        return port


def ask(port, name, rdtype, timeout=1.0):
    query = dns.message.make_query(name, dns.rdatatype.from_text(rdtype), use_edns=False)
    query.flags = 0  # no RD: an authoritative question
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(query.to_wire(), ("127.0.0.1", port))
        data, _ = sock.recvfrom(65535)
        return data


def start_knotd(work, zones, port):
    """knotd on `port`, serving every zone; None if its bind failed (the port was taken between
    free_port() and knotd's bind: the caller tries another, like Tests/SigilTestSupport/PeerPort)."""
    conf = os.path.join(work, "knot.conf")
    with open(conf, "w") as out:
        out.write(f"server:\n    listen: 127.0.0.1@{port}\n    rundir: {work}\n"
                  "    udp-workers: 1\n    tcp-workers: 1\n    background-workers: 1\n")
        out.write(f"database:\n    storage: {work}/db\n")
        out.write("log:\n  - target: stderr\n    any: warning\n")
        out.write(f"template:\n  - id: default\n    storage: {work}\n")
        out.write("zone:\n")
        for origin, path in zones:
            out.write(f"  - domain: {origin}\n    file: {os.path.join(work, path)}\n    zonefile-sync: -1\n")
    log_path = os.path.join(work, "knotd.log")
    with open(log_path, "w") as log:
        knotd = subprocess.Popen(["knotd", "-c", conf], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 20
    pending = [origin for origin, _ in zones]
    while pending:
        if knotd.poll() is not None:
            if "address already in use" in open(log_path).read().lower():
                return None
            sys.exit("knotd exited; see " + log_path)
        if time.time() > deadline:
            knotd.terminate()
            sys.exit("knotd did not serve every zone; see " + log_path)
        try:
            reply = dns.message.from_wire(ask(port, pending[0], "SOA", timeout=0.2))
            if reply.rcode() == 0 and reply.answer:
                pending.pop(0)
                continue
        except (OSError, dns.exception.DNSException):
            pass
        time.sleep(0.1)
    return knotd


def main():
    work = os.path.abspath(sys.argv[1])
    zones = [line.split() for line in open(os.path.join(work, "zones.txt")) if line.strip()]
    queries = [line.split() for line in open(os.path.join(work, "queries.txt")) if line.strip()]
    os.makedirs(os.path.join(work, "db"), exist_ok=True)
    for _ in range(5):
        port = free_port()
        knotd = start_knotd(work, zones, port)
        if knotd is not None:
            break
    else:
        sys.exit("knotd lost its port to another program five times")
    try:
        for name, rdtype in queries:
            print(name, rdtype, ask(port, name, rdtype).hex())
    finally:
        knotd.terminate()
        knotd.wait(timeout=10)

if __name__ == "__main__":
    main()
