#!/usr/bin/env python3
"""Exits 0 if the server on 127.0.0.1:PORT answers ORIGIN's SOA with a record within 20 ms.

Usage: soa-ready.py PORT ORIGIN (for startup.sh's poll loop)."""

import socket
import struct
import sys

port, origin = int(sys.argv[1]), sys.argv[2]
name = b"".join(bytes([len(label)]) + label.encode() for label in origin.strip(".").split(".")) + b"\0"
query = struct.pack("!HHHHHH", 0x5151, 0, 1, 0, 0, 0) + name + struct.pack("!HH", 6, 1)
with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
    sock.settimeout(0.02)
    try:
        sock.sendto(query, ("127.0.0.1", port))
        reply = sock.recv(4096)
    except OSError:
        sys.exit(1)
ok = len(reply) >= 12 and reply[:2] == query[:2] and reply[3] & 0x0F == 0 and struct.unpack("!H", reply[6:8])[0] > 0
sys.exit(0 if ok else 1)
