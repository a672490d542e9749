import Foundation
import SigilTestSupport
import Testing

@testable import SigilServerTestSupport

/// The queries of ISC's EDNS compliance tester (`genreport`, DNS-Compliance-Testing), sent by the
/// `dig` command line its test table gives for each: none may get FORMERR from the decoder's rules
/// (one question; no answer or authority; in additional only OPT, and TSIG for `dnswkk`).
@Suite(.requires(.dig))
struct GenreportQueryTests {
    /// genreport's test name, its dig options, and the status Sigil answers with.
    static let cases: [(String, [String], String)] = [
        ("dns", ["+noedns", "+noad", "+norec", "SOA"], "NOERROR"),
        ("aa", ["+noedns", "+noad", "+norec", "+aaflag", "SOA"], "NOERROR"),
        ("ad", ["+noedns", "+ad", "+norec", "SOA"], "NOERROR"),
        ("cd", ["+noedns", "+noad", "+norec", "+cd", "SOA"], "NOERROR"),
        ("ra", ["+noedns", "+noad", "+norec", "+raflag", "SOA"], "NOERROR"),
        ("rd", ["+noedns", "+noad", "+rec", "SOA"], "NOERROR"),
        ("tc", ["+noedns", "+noad", "+norec", "+tcflag", "SOA"], "NOERROR"),
        ("zflag", ["+noedns", "+noad", "+norec", "+zflag", "SOA"], "NOERROR"),
        ("opcode", ["+noedns", "+noad", "+norec", "+header-only", "+opcode=15"], "NOTIMP"),
        ("type666", ["+noedns", "+noad", "+norec", "TYPE666"], "NOERROR"),
        ("tcp", ["+noedns", "+noad", "+norec", "+tcp", "SOA"], "NOERROR"),
        ("edns", ["+edns=0", "+nocookie", "+noad", "+norec", "SOA"], "NOERROR"),
        ("edns1", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "SOA"], "BADVERS"),
        (
            "edns@512",
            ["+edns=0", "+nocookie", "+noad", "+norec", "+dnssec", "+ignore", "+bufsize=512", "DNSKEY"], "NOERROR"
        ),
        ("ednsopt", ["+edns=0", "+nocookie", "+noad", "+norec", "+ednsopt=100", "SOA"], "NOERROR"),
        ("edns1opt", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "+ednsopt=100", "SOA"], "BADVERS"),
        ("do", ["+edns=0", "+nocookie", "+noad", "+norec", "+dnssec", "SOA"], "NOERROR"),
        ("docd", ["+edns=0", "+nocookie", "+noad", "+norec", "+dnssec", "+cd", "SOA"], "NOERROR"),
        ("edns1do", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "+dnssec", "SOA"], "BADVERS"),
        ("ednsflags", ["+edns=0", "+nocookie", "+noad", "+norec", "+ednsflags=0x0080", "SOA"], "NOERROR"),
        (
            "optlist",
            [
                "+edns=0", "+noad", "+norec", "+nsid", "+subnet=0.0.0.0/0", "+expire", "+cookie=0102030405060708",
                "SOA",
            ], "NOERROR"
        ),
        ("ednsnsid", ["+edns=0", "+nocookie", "+noad", "+norec", "+nsid", "SOA"], "NOERROR"),
        ("ednscookie", ["+edns=0", "+noad", "+norec", "+cookie=0102030405060708", "SOA"], "NOERROR"),
        ("ednsexpire", ["+edns=0", "+nocookie", "+noad", "+norec", "+expire", "SOA"], "NOERROR"),
        ("ednssubnet", ["+edns=0", "+nocookie", "+noad", "+norec", "+subnet=0.0.0.0/0", "SOA"], "NOERROR"),
        ("edns1nsid", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "+nsid", "SOA"], "BADVERS"),
        (
            "edns1cookie", ["+edns=1", "+noednsneg", "+noad", "+norec", "+cookie=0102030405060708", "SOA"],
            "BADVERS"
        ),
        ("edns1expire", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "+expire", "SOA"], "BADVERS"),
        (
            "edns1subnet", ["+edns=1", "+noednsneg", "+nocookie", "+noad", "+norec", "+subnet=0.0.0.0/0", "SOA"],
            "BADVERS"
        ),
        (
            "ednstcp", ["+edns=0", "+nocookie", "+noad", "+norec", "+dnssec", "+bufsize=512", "+tcp", "DNSKEY"],
            "NOERROR"
        ),
        ("bind11", ["+edns=0", "+cookie=0102030405060708", "+noad", "+norec", "+dnssec", "SOA"], "NOERROR"),
        ("dig11", ["+edns=0", "+cookie=0102030405060708", "+ad", "+rec", "SOA"], "NOERROR"),
        // A TSIG-signed query with a key the server does not have (key "."): NOTAUTH with TSIG error
        // BADKEY (RFC 8945 §5.2.1), as BIND and Knot answer it.
        (
            "dnswkk",
            ["+noedns", "+noad", "+norec", "-y", "hmac-sha256:.:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "SOA"],
            "NOTAUTH"
        ),
    ]

    @Test func noQueryIsFormErr() throws {
        let (server, _) = try startIntegrationServer(udpWorkers: 1)
        for (name, options, expected) in Self.cases {
            var arguments = ["@127.0.0.1", "-p", "\(server.port)", "+time=2", "+tries=1"] + options
            if !options.contains("+header-only") { arguments.insert("it.test", at: arguments.count - 1) }
            let output = try Subprocess.run("dig", arguments)
            let status = output.stdout.split(separator: "\n").lazy.compactMap { line -> Substring? in
                guard let range = line.range(of: "status: ") else { return nil }
                return line[range.upperBound...].prefix { $0 != "," }
            }.first
            #expect(status.map(String.init) == expected, "genreport \(name): \(output.stdout)")
        }
    }
}
