#!/usr/bin/env python3
"""Validates Sigil's signed DNS responses with dnspython, independently of Sigil's own code.

Input (JSON on stdin or in argv[1]):
  {"origin": "example.test.", "now": <unix time>, "dnskey": ["<DNSKEY RR text>", ...],
   "cases": [{"qname": ..., "qtype": "A", "expect": <kind>, "wire": "<response hex>"}, ...]}

Kinds: answer (positive or CNAME chain), wildcard, nxdomain, nodata, wildcard-nodata,
referral-secure, referral-insecure.

For every case: each RRset in the answer and authority sections (except NS at a delegation)
must carry an RRSIG that dns.dnssec.validate accepts with the zone's DNSKEY RRset; signed
RRsets in additional are validated too; no NSEC3 record may appear twice; and the NSEC3
records must prove what the kind requires (RFC 5155 sections 7.2 and 8), with hashes computed
by dns.dnssec.nsec3_hash. Prints "ok <qname> <qtype>" or "FAIL <qname> <qtype>: <reason>"
per case; exits 1 if any case failed.
"""
import base64
import json
import sys

import dns._features

# dnspython 2.9 declares its DNSSEC feature to need cryptography >= 50, but what it calls exists
# in the cryptography 48 installed here; enable it instead of failing every validation.
dns._features.force("dnssec", True)

import dns.dnssec  # noqa: E402
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.flags

B32HEX = str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUV", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def b32hex_decode(text):
    text = text.upper().translate(B32HEX)
    return base64.b32decode(text + "=" * (-len(text) % 8))


class Failure(Exception):
    pass


def check(condition, reason):
    if not condition:
        raise Failure(reason)


def nsec3_hash(name):
    return b32hex_decode(dns.dnssec.nsec3_hash(name, None, 0, 1))


def validate_section(msg, section, keys, now, origin, allow_unsigned):
    for rrset in section:
        if rrset.rdtype == dns.rdatatype.RRSIG:
            continue
        sigs = next((r for r in section if r.rdtype == dns.rdatatype.RRSIG and r.covers == rrset.rdtype
                     and r.name == rrset.name), None)
        if sigs is None:
            check(allow_unsigned(rrset), f"{rrset.name} {dns.rdatatype.to_text(rrset.rdtype)} has no RRSIG")
            continue
        try:
            dns.dnssec.validate(rrset, sigs, keys, now=now)
        except dns.dnssec.ValidationFailure as error:
            raise Failure(f"{rrset.name} {dns.rdatatype.to_text(rrset.rdtype)}: {error}")
        for sig in sigs:
            check(sig.original_ttl >= rrset.ttl, f"{rrset.name}: TTL above the original TTL")


def nsec3_records(msg, origin):
    records = []
    for rrset in msg.authority:
        if rrset.rdtype != dns.rdatatype.NSEC3:
            continue
        check(rrset.name.parent() == origin, f"NSEC3 owner {rrset.name} is not directly below the apex")
        owner = b32hex_decode(rrset.name.labels[0].decode())
        for rdata in rrset:
            check(rdata.algorithm == 1 and rdata.iterations == 0 and rdata.salt == b"" and rdata.flags == 0,
                  f"NSEC3 {rrset.name}: parameters are not 1 0 0 - (RFC 9276)")
            types = set()
            for window, bitmap in rdata.windows:
                for index, byte in enumerate(bitmap):
                    for bit in range(8):
                        if byte & (0x80 >> bit):
                            types.add(window * 256 + index * 8 + bit)
            records.append((owner, rdata.next, types))
    owners = [owner for owner, _, _ in records]
    check(len(owners) == len(set(owners)), "an NSEC3 record appears twice")
    return records


def matching(records, name):
    h = nsec3_hash(name)
    for owner, _, types in records:
        if owner == h:
            return types
    return None


def covered(records, name):
    h = nsec3_hash(name)
    for owner, nxt, _ in records:
        if owner < nxt:
            if owner < h < nxt:
                return True
        elif h > owner or h < nxt:
            return True
    return False


def closest_encloser(records, qname, origin):
    """RFC 5155 section 8.3: the closest provable encloser and the covered next closer name."""
    name = qname
    next_closer = None
    while True:
        if matching(records, name) is not None:
            check(next_closer is not None, f"{qname} itself has a matching NSEC3")
            check(covered(records, next_closer), f"next closer {next_closer} is not covered")
            return name
        check(name != origin, f"no closest encloser proof for {qname}")
        next_closer = name
        name = name.parent()


def final_name(msg, qname):
    """The end of the CNAME chain in the answer, the name the negative proof is about."""
    name = qname
    for _ in range(10):
        rrset = msg.get_rrset(msg.answer, name, dns.rdataclass.IN, dns.rdatatype.CNAME)
        if rrset is None:
            return name
        name = rrset[0].target
    return name


def check_case(case, keys, now, origin):
    wire = bytes.fromhex(case["wire"])
    msg = dns.message.from_wire(wire)
    qname = dns.name.from_text(case["qname"])
    qtype = dns.rdatatype.from_text(case["qtype"])
    expect = case["expect"]
    authority_count = int.from_bytes(wire[8:10], "big")
    check(authority_count == sum(len(r) for r in msg.authority), "duplicate records in authority")

    referral = expect.startswith("referral")
    check(bool(msg.flags & dns.flags.AA) != referral, "AA flag wrong")
    validate_section(msg, msg.answer, keys, now, origin, lambda r: False)
    validate_section(msg, msg.authority, keys, now, origin,
                     lambda r: r.rdtype == dns.rdatatype.NS and r.name != origin)
    validate_section(msg, msg.additional, keys, now, origin, lambda r: True)
    records = nsec3_records(msg, origin)
    target = final_name(msg, qname)

    # Wildcard expansions need the next closer name covered (RFC 5155 section 7.2.6).
    expanded = False
    for rrset in msg.answer:
        for sig in msg.answer:
            if sig.rdtype == dns.rdatatype.RRSIG and sig.name == rrset.name and sig.covers == rrset.rdtype:
                labels = len(rrset.name.labels) - 1
                if sig[0].labels < labels:
                    expanded = True
                    next_closer = dns.name.Name(rrset.name.labels[-(sig[0].labels + 2):])
                    check(covered(records, next_closer), f"wildcard answer: {next_closer} not covered")

    if expect in ("answer", "wildcard"):
        check(msg.rcode() == dns.rcode.NOERROR, "rcode is not NOERROR")
        check(msg.get_rrset(msg.answer, target, dns.rdataclass.IN, qtype) is not None, "no answer of the type")
        check(expanded == (expect == "wildcard"), "wildcard expansion expected" if expect == "wildcard"
              else "unexpected wildcard expansion")
    elif expect == "nxdomain":
        check(msg.rcode() == dns.rcode.NXDOMAIN, "rcode is not NXDOMAIN")
        encloser = closest_encloser(records, target, origin)
        check(covered(records, dns.name.Name((b"*",) + encloser.labels)), f"*.{encloser} is not covered")
    elif expect == "nodata":
        check(msg.rcode() == dns.rcode.NOERROR, "rcode is not NOERROR")
        check(msg.get_rrset(msg.answer, target, dns.rdataclass.IN, qtype) is None, "NODATA has the data")
        types = matching(records, target)
        check(types is not None, f"no NSEC3 matches {target}")
        check(qtype not in types and dns.rdatatype.CNAME not in types, f"the bitmap of {target} has the type")
    elif expect == "wildcard-nodata":
        check(msg.rcode() == dns.rcode.NOERROR, "rcode is not NOERROR")
        encloser = closest_encloser(records, target, origin)
        types = matching(records, dns.name.Name((b"*",) + encloser.labels))
        check(types is not None, f"no NSEC3 matches *.{encloser}")
        check(qtype not in types and dns.rdatatype.CNAME not in types, "the wildcard's bitmap has the type")
    elif referral:
        cut = [r.name for r in msg.authority if r.rdtype == dns.rdatatype.NS]
        check(len(cut) == 1, "a referral has one NS RRset")
        ds = msg.get_rrset(msg.authority, cut[0], dns.rdataclass.IN, dns.rdatatype.DS)
        if expect == "referral-secure":
            check(ds is not None, "no DS in a referral to a signed child")
        else:
            check(ds is None, "DS in a referral to an unsigned child")
            types = matching(records, cut[0])
            check(types is not None, f"no NSEC3 matches the delegation {cut[0]}")
            check(dns.rdatatype.NS in types and dns.rdatatype.DS not in types
                  and dns.rdatatype.SOA not in types, "the delegation's bitmap does not prove no DS")
    else:
        raise Failure(f"unknown expectation {expect}")


def main():
    data = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    origin = dns.name.from_text(data["origin"])
    dnskey = dns.rrset.from_text_list(origin, 3600, "IN", "DNSKEY",
                                      [line.split(None, 4)[4] for line in data["dnskey"]])
    keys = {origin: dnskey}
    failed = 0
    for case in data["cases"]:
        try:
            check_case(case, keys, data["now"], origin)
            print(f"ok {case['qname']} {case['qtype']}")
        except (Failure, dns.exception.DNSException, ValueError) as error:
            failed += 1
            print(f"FAIL {case['qname']} {case['qtype']} ({case['expect']}): {error}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
