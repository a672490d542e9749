#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora with dnspython, an implementation independent of Sigil.

    python3 Fuzz/make_corpus.py

Fuzz/corpus/decoder/: whole DNS messages in wire form (queries, answers, referrals, signed
negative answers, a truncated packet). Fuzz/corpus/presentation/: presentation-format RDATA and
names, as dnspython prints them, including the RFC 3597 generic form. Fuzz/corpus/pipeline/:
queries for the names of the pipeline fuzzer's zones. Fuzz/corpus/tcp/: those queries framed as a
TCP stream. Fuzz/corpus/zonefile/: zone files, NUL-separated from the files they $INCLUDE.
"""
import os

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
ORIGIN = dns.name.from_text("example.test.")

RRSIG_A = ("A 13 3 300 20301231000000 20240101000000 12345 example.test. "
           "MWpe3RmdzlEYu/0cYJQ4E8pwiqIBbtbjgP05MVpB/PU/V6fLkTXSx5M3zz5l0gAvlPfzJ1DIr8R9X5Y3j1d0Tw==")
RRSIG_NSEC3 = RRSIG_A.replace("A 13 3", "NSEC3 13 3")
NSEC3 = "1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG"


def rrset(owner, ttl, rdtype, *texts):
    return dns.rrset.from_text(owner, ttl, "IN", rdtype, *texts)


def query(name, rdtype, **kwargs):
    return dns.message.make_query(name, rdtype, **kwargs)


def response(q, answers=(), authority=(), additional=(), rcode=dns.rcode.NOERROR):
    r = dns.message.make_response(q)
    r.flags |= dns.flags.AA
    r.set_rcode(rcode)
    r.answer.extend(answers)
    r.authority.extend(authority)
    r.additional.extend(additional)
    return r


def messages():
    q = query("www.example.test.", "A", use_edns=0, want_dnssec=True, payload=1232)
    yield "query-a-do", q
    yield "query-mx-plain", query("Example.TEST.", "MX", use_edns=False)
    cookie = dns.edns.GenericOption(dns.edns.COOKIE, bytes(range(8)))
    yield "query-cookie", query("a.example.test.", "AAAA", use_edns=0, options=[cookie])
    soa = rrset("example.test.", 3600, "SOA", "ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300")
    yield "answer-a-rrsig", response(q, [rrset("www.example.test.", 300, "A", "192.0.2.1"),
                                         rrset("www.example.test.", 300, "RRSIG", RRSIG_A)])
    nx = query("nope.example.test.", "A", use_edns=0, want_dnssec=True)
    yield "nxdomain-nsec3", response(nx, authority=[
        soa, rrset("example.test.", 300, "RRSIG", RRSIG_A.replace("A 13 3", "SOA 13 2")),
        rrset("2vptu5timamqttgl4luu9kg21e0aor3s.example.test.", 300, "NSEC3", NSEC3),
        rrset("2vptu5timamqttgl4luu9kg21e0aor3s.example.test.", 300, "RRSIG", RRSIG_NSEC3),
    ], rcode=dns.rcode.NXDOMAIN)
    mxq = query("example.test.", "MX", use_edns=0)
    yield "answer-mx-glue", response(mxq, [rrset("example.test.", 300, "MX", "10 mx1.example.test.",
                                                 "20 mx2.example.test.")],
                                     additional=[rrset("mx1.example.test.", 300, "A", "192.0.2.25"),
                                                 rrset("mx2.example.test.", 300, "AAAA", "2001:db8::25")])
    txtq = query("txt.example.test.", "TXT", use_edns=0)
    yield "answer-txt", response(txtq, [rrset("txt.example.test.", 300, "TXT",
                                              '"v=spf1 -all" "" "quote\\" and \\\\ and \\255"')])
    cq = query("alias.example.test.", "A")
    yield "answer-cname-chain", response(cq, [rrset("alias.example.test.", 300, "CNAME", "www.example.test."),
                                              rrset("www.example.test.", 300, "A", "192.0.2.1", "192.0.2.2")])
    dq = query("a.b.old.example.test.", "A", use_edns=0)
    yield "answer-dname", response(dq, [rrset("old.example.test.", 300, "DNAME", "new.example.test."),
                                        rrset("a.b.old.example.test.", 300, "CNAME", "a.b.new.example.test.")])
    rq = query("child.example.test.", "A")
    referral = response(rq, authority=[rrset("child.example.test.", 300, "NS", "ns.child.example.test.")],
                        additional=[rrset("ns.child.example.test.", 300, "A", "192.0.2.53")])
    referral.flags &= ~dns.flags.AA
    yield "referral", referral
    uq = query("x.example.test.", "TYPE65280", use_edns=0)
    yield "answer-unknown-type", response(uq, [rrset("x.example.test.", 60, "TYPE65280", "\\# 3 abcdef")])
    yield "refused-no-question", dns.message.Message(id=7)


def packets():
    for name, message in messages():
        yield name, message.to_wire()
    # A response cut short inside its answer section: decoders must fail cleanly, not trap.
    full = dict(messages())["answer-mx-glue"].to_wire()
    yield "truncated", full[: len(full) - 9]


def presentation():
    yield "name-plain", "www.example.test."
    yield "name-escapes", "a\\.b\\032c.\\\\x\\255.example.test."
    yield "name-relative", "mail"
    yield "a", dns.rdata.from_text("IN", "A", "192.0.2.1").to_text()
    yield "aaaa", dns.rdata.from_text("IN", "AAAA", "2001:db8:0:0:1::1").to_text()
    yield "mx", dns.rdata.from_text("IN", "MX", "10 mx1", origin=ORIGIN).to_text(origin=ORIGIN, relativize=True)
    yield "soa", dns.rdata.from_text("IN", "SOA", "ns1 hostmaster 2024010101 2h 15m 2w 5m",
                                     origin=ORIGIN).to_text()
    yield "txt", dns.rdata.from_text("IN", "TXT", '"hello world" "semi;colon" "\\"q\\" \\009"').to_text()
    yield "cname", dns.rdata.from_text("IN", "CNAME", "www.example.test.").to_text()
    for label, rdtype, text in [("rrsig-generic", "RRSIG", RRSIG_A), ("nsec3-generic", "NSEC3", NSEC3),
                                ("a-generic", "A", "192.0.2.7")]:
        wire = dns.rdata.from_text("IN", rdtype, text).to_wire()
        yield label, "\\# %d %s" % (len(wire), wire.hex())


def pipeline_queries():
    """Queries for the pipeline fuzzer's zones (Fuzz/Sources/PipelineFuzzer.swift)."""
    cases = [
        ("signed.test.", "SOA"), ("www.signed.test.", "A"), ("alias.signed.test.", "AAAA"),
        ("x.wild.signed.test.", "TXT"), ("y.cwild.signed.test.", "A"), ("nope.signed.test.", "A"),
        ("a.secure.signed.test.", "A"), ("secure.signed.test.", "DS"), ("insecure.signed.test.", "NS"),
        ("a.moved.signed.test.", "A"), ("MIXED.case.signed.test.", "TXT"), ("signed.test.", "DNSKEY"),
        ("_443._tcp.www.deep.signed.test.", "TLSA"), ("deep.signed.test.", "A"), ("signed.test.", "NSEC3PARAM"),
        ("narrow.test.", "DNSKEY"), ("b.c.narrow.test.", "A"), ("q.any.narrow.test.", "MX"),
        ("missing.narrow.test.", "AAAA"), ("x.sub.narrow.test.", "A"), ("host.narrow.test.", "SSHFP"),
        ("big.plain.test.", "A"), ("txt.plain.test.", "TXT"), ("a.child.plain.test.", "A"),
        ("x.away.plain.test.", "A"), ("z.star.plain.test.", "TXT"), ("srv.plain.test.", "SRV"),
        ("plain.test.", "ANY"), ("other.example.", "A"), ("plain.test.", "AXFR"),
    ]
    for index, (name, rdtype) in enumerate(cases):
        dnssec = index % 3 != 2
        q = dns.message.make_query(name, rdtype, use_edns=0 if dnssec or index % 2 else False,
                                   want_dnssec=dnssec, payload=1232 if index % 4 else 512)
        if index % 5 == 0:
            q.use_edns(0, dns.flags.DO, 1232, options=[dns.edns.GenericOption(dns.edns.COOKIE, bytes(range(8)))])
        yield "query-%02d-%s-%s" % (index, name.rstrip(".").replace(".", "_").lower(), rdtype.lower()), q.to_wire()
    notify = dns.message.make_query("signed.test.", "SOA")
    notify.set_opcode(dns.opcode.NOTIFY)
    yield "notify", notify.to_wire()
    yield "edns-version-1", dns.message.make_query("www.signed.test.", "A", use_edns=1).to_wire()
    yield "chaos", dns.message.make_query("version.bind.", "TXT", rdclass="CH").to_wire()


def tcp_streams():
    """Pipelined queries as a TCP stream; the first byte seeds how the fuzzer cuts the stream."""
    queries = [wire for _, wire in pipeline_queries()]
    framed = [len(w).to_bytes(2, "big") + w for w in queries]
    yield "one", b"\x00" + framed[1]
    yield "pipelined", b"\x07" + b"".join(framed[:8])
    yield "partial-tail", b"\x31" + b"".join(framed[8:12]) + framed[12][:5]
    yield "empty-and-max", b"\xff" + b"\x00\x00" + framed[3] + b"\xff\xff" + bytes(100)


ZONE = """$TTL 3600
$ORIGIN example.test.
@ IN SOA ns1 hostmaster (
        2024010101 ; serial
        7200 3600 1209600 300 )
  NS ns1
  NS ns2.other.test.
ns1 A 192.0.2.53
www 300 IN CNAME @
mail MX 10 @
txt TXT "a;b" "\\"q\\""
"""


def zonefiles():
    yield "plain", ZONE
    yield "include", ZONE + "$INCLUDE 1\n$INCLUDE ./2 sub\nafter A 192.0.2.9\n" + "\0" \
        + "in1 AAAA 2001:db8::1\n$INCLUDE 2\n" + "\0" + "$ORIGIN deeper\nx TXT \"in2\"\n* A 192.0.2.2\n"
    yield "include-loop", ZONE + "$INCLUDE 1\n\0$INCLUDE 1\n"
    yield "include-fanout", ZONE + "$INCLUDE 1\n" * 4 + "\0" + "$INCLUDE 2\n" * 4 + "\0x TXT x\n"
    yield "generic-and-dnssec", ZONE + (
        "a TYPE65280 \\# 3 abcdef\n"
        "b RRSIG A 13 3 300 20301231000000 20240101000000 12345 example.test. "
        "MWpe3RmdzlEYu/0cYJQ4E8pwiqIBbtbjgP05MVpB/PU/V6fLkTXSx5M3zz5l0gAvlPfzJ1DIr8R9X5Y3j1d0Tw==\n"
        "c DS 12345 13 2 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
        "d DNAME elsewhere.test.\n_25._tcp.mail TLSA 3 1 1 0011\nsub NS ns.sub\nns.sub A 192.0.2.3\n")
    yield "errors", "$TTL x\n@ SOA\n$GENERATE 1-2 a A 1.2.3.$\n( unbalanced\n\"open\n$INCLUDE\n"


def write(directory, items):
    path = os.path.join(HERE, "corpus", directory)
    os.makedirs(path, exist_ok=True)
    for name, data in items:
        if isinstance(data, str):
            data = data.encode()
        with open(os.path.join(path, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    write("decoder", packets())
    write("presentation", presentation())
    write("pipeline", pipeline_queries())
    write("tcp", tcp_streams())
    write("zonefile", zonefiles())
