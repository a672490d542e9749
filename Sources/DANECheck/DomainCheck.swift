import DNSWire
import Foundation
import Synchronization

package enum Verdict: String, Codable, Sendable, Comparable {
    case pass, warn, fail

    package static func < (lhs: Verdict, rhs: Verdict) -> Bool {
        let order: [Verdict] = [.pass, .warn, .fail]
        return order.firstIndex(of: lhs)! < order.firstIndex(of: rhs)!
    }
}

/// One line of the report: what was checked where, the verdict, and why.
package struct Finding: Codable, Sendable {
    package var scope: String
    package var check: String
    package var verdict: Verdict
    package var detail: String
}

package struct MXReport: Codable, Sendable {
    package var host: String
    package var preference: UInt16
    package var ttl: UInt32 = 0
    package var addresses: [String] = []
    package var addressesSecure = false
    package var tlsaOwner: String?
    package var tlsa: [String] = []
    package var tlsaSecurity: Security?
    package var nextKeyPublished = false
    package var connections: [SMTPProbeResult] = []
}

package struct DomainReport: Codable, Sendable {
    package var domain: String
    package var verdict: Verdict = .pass
    package var mxSecurity: Security?
    package var mx: [MXReport] = []
    package var findings: [Finding] = []
}

/// `sigil dane check`: everything a sending MTA and the provider's validation look at for one
/// domain, each a pass, warn or fail with the reason.
package struct DomainCheck: Sendable {
    package var lookup: any SecureLookup
    package var smtpPort: UInt16 = 25
    package var timeout: Double = 5
    package var mtaSTS: MTASTSOptions?

    package init(lookup: any SecureLookup, smtpPort: UInt16 = 25, timeout: Double = 5, mtaSTS: MTASTSOptions? = nil) {
        self.lookup = lookup
        self.smtpPort = smtpPort
        self.timeout = timeout
        self.mtaSTS = mtaSTS
    }

    package func run(_ domain: DNSName) -> DomainReport {
        let scope = SMTPProbe.lowercaseText(domain)
        var report = DomainReport(domain: scope)
        func add(_ scope: String, _ check: String, _ verdict: Verdict, _ detail: String) {
            report.findings.append(Finding(scope: scope, check: check, verdict: verdict, detail: detail))
        }
        let mx = lookup.lookup(domain, .mx)
        report.mxSecurity = mx.security
        let exchanges = mx.records.compactMap { record -> (UInt16, DNSName, UInt32)? in
            guard case .mx(let data) = record.data else { return nil }
            return (data.preference, data.exchange, record.ttl)
        }.sorted { $0.0 < $1.0 }
        if mx.security == .bogus {
            add(scope, "MX", .fail, mx.reason ?? "bogus")
        } else if exchanges.isEmpty {
            add(scope, "MX", .fail, mx.nameError ? "the domain does not exist" : "no MX records")
        } else {
            let list = exchanges.map { "\($0.0) \(SMTPProbe.lowercaseText($0.1)) (TTL \($0.2))" }.joined(
                separator: ", ")
            add(
                scope, "MX", mx.security == .secure ? .pass : .fail,
                mx.security == .secure
                    ? "secure: \(list)" : "not DNSSEC-validated (\(mx.reason ?? "insecure")): \(list)")
            // The provider's MX validation: one MX, or one preferred host (as 0 and 10).
            let lowest = exchanges.filter { $0.0 == exchanges[0].0 }
            if exchanges.count == 1 {
                add(scope, "MX preconditions", .pass, "a single MX")
            } else if lowest.count == 1 {
                add(
                    scope, "MX preconditions", .pass,
                    "one preferred MX: priorities " + exchanges.map { "\($0.0)" }.joined(separator: "/"))
            } else {
                add(
                    scope, "MX preconditions", .warn,
                    "\(lowest.count) MX hosts share the lowest priority \(exchanges[0].0)")
            }
        }
        checkTXT(domain, label: "_mta-sts", prefix: "v=STSv1", check: "MTA-STS TXT", RecordSyntax.mtaSTSRecord, add)
        checkTXT(domain, label: "_smtp._tls", prefix: "v=TLSRPTv1", check: "TLSRPT TXT", RecordSyntax.tlsrptRecord, add)
        if let mtaSTS {
            for finding in MTASTS.check(domain: domain, mx: exchanges.map(\.1), lookup: lookup, options: mtaSTS) {
                report.findings.append(finding)
            }
        }

        // The MX hosts in parallel, each on its own thread (the work is waiting on the network).
        let results = Mutex<[Int: (MXReport, [Finding])]>([:])
        let group = DispatchGroup()
        for (index, exchange) in exchanges.enumerated() {
            group.enter()
            let thread = Thread { [self] in
                var outcome = checkHost(exchange.1, preference: exchange.0, domain: domain)
                outcome.0.ttl = exchange.2
                results.withLock { $0[index] = outcome }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        for index in exchanges.indices {
            if let (host, findings) = results.withLock({ $0[index] }) {
                report.mx.append(host)
                report.findings += findings
            }
        }
        report.verdict = report.findings.map(\.verdict).max() ?? .fail
        return report
    }

    private func checkTXT(
        _ domain: DNSName, label: String, prefix: String, check: String, _ syntax: (String) -> String?,
        _ add: (String, String, Verdict, String) -> Void
    ) {
        guard let owner = try? DNSName(text: label, origin: domain) else { return }
        let scope = SMTPProbe.lowercaseText(owner)
        let answer = lookup.lookup(owner, .txt)
        let texts = RecordSyntax.txt(answer.records, prefix: prefix)
        if answer.security == .bogus {
            add(scope, check, .fail, answer.reason ?? "bogus")
        } else if texts.isEmpty {
            add(scope, check, .warn, "no \(prefix) record")
        } else if texts.count > 1 {
            add(scope, check, .fail, "\(texts.count) \(prefix) records (there must be one)")
        } else if let problem = syntax(texts[0]) {
            add(scope, check, .fail, "\(problem): \"\(texts[0])\"")
        } else {
            add(scope, check, .pass, "\"\(texts[0])\"" + (answer.security == .secure ? "" : " (not validated)"))
        }
    }

    /// Addresses, TLSA RRset, and a STARTTLS connection to each address.
    func checkHost(_ host: DNSName, preference: UInt16, domain: DNSName) -> (MXReport, [Finding]) {
        let scope = SMTPProbe.lowercaseText(host)
        var report = MXReport(host: scope, preference: preference)
        var findings: [Finding] = []
        func add(_ check: String, _ verdict: Verdict, _ detail: String) {
            findings.append(Finding(scope: scope, check: check, verdict: verdict, detail: detail))
        }
        let v4 = lookup.lookup(host, .a)
        let v6 = lookup.lookup(host, .aaaa)
        for record in v4.records + v6.records {
            switch record.data {
            case .a(let a): report.addresses.append(a.text)
            case .aaaa(let aaaa): report.addresses.append(aaaa.text)
            default: break
            }
        }
        report.addressesSecure = v4.security == .secure && v6.security == .secure
        let bogus = [v4, v6].first { $0.security == .bogus }
        if let bogus {
            add("addresses", .fail, bogus.reason ?? "bogus")
        } else if report.addresses.isEmpty {
            add("addresses", .fail, "no A or AAAA records")
        } else {
            add(
                "addresses", report.addressesSecure ? .pass : .warn,
                report.addresses.joined(separator: ", ") + (report.addressesSecure ? " (secure)" : " (not validated)"))
        }

        // RFC 7672 §2.2.2: when the address lookup followed secure CNAMEs, TLSA records are looked
        // for at the final target first, then at the MX host name itself.
        let alias = v4.aliases.last ?? v6.aliases.last
        var bases = [host]
        if let alias, report.addressesSecure { bases.insert(alias, at: 0) }
        var tlsa = LookupAnswer(name: host, security: .bogus, reason: "no lookup")
        for base in bases {
            guard let owner = try? DNSName(text: "_\(smtpPort)._tcp", origin: base) else { continue }
            tlsa = lookup.lookup(owner, .tlsa)
            report.tlsaOwner = SMTPProbe.lowercaseText(owner)
            if !tlsa.records.isEmpty || tlsa.security == .bogus { break }
        }
        report.tlsaSecurity = tlsa.security
        let records = tlsa.records.compactMap { record -> TLSA? in
            if case .tlsa(let data) = record.data { return data }
            return nil
        }
        report.tlsa = records.map(\.text)
        let owner = report.tlsaOwner ?? scope
        var usable: [TLSA] = []
        if tlsa.security == .bogus {
            add("TLSA", .fail, "\(owner): \(tlsa.reason ?? "bogus")")
        } else if records.isEmpty {
            add("TLSA", .fail, "no TLSA records at \(owner)" + (tlsa.security == .secure ? " (securely denied)" : ""))
        } else if tlsa.security != .secure {
            add(
                "TLSA", .fail, "\(owner): TLSA records not DNSSEC-validated, so unusable (\(tlsa.reason ?? "insecure"))"
            )
        } else {
            for record in records {
                if let problem = RecordSyntax.tlsaProblem(record) {
                    add("TLSA", .fail, "malformed TLSA \(record.text): \(problem)")
                } else if record.usage < 2 {
                    add(
                        "TLSA", .warn,
                        "\(record.usage) \(record.selector) \(record.matchingType): usages 0 and 1 are unusable for SMTP (RFC 7672 §3.1.3)"
                    )
                } else {
                    usable.append(record)
                }
            }
            add(
                "TLSA", usable.isEmpty ? .fail : .pass,
                "\(owner): \(records.count) secure record(s), \(usable.count) usable, TTL \(tlsa.ttl)")
        }

        guard !report.addresses.isEmpty, !usable.isEmpty else {
            return (report, findings)
        }
        for address in report.addresses {
            let result = SMTPProbe.probe(
                address: address, port: smtpPort, host: host, domain: domain, tlsa: usable, timeout: timeout)
            report.connections.append(result)
            let target = address.contains(":") ? "[\(address)]:\(smtpPort)" : "\(address):\(smtpPort)"
            if result.verified, let matched = result.matched {
                add("STARTTLS \(target)", .pass, "DANE match: \(abbreviate(matched))")
            } else {
                add("STARTTLS \(target)", .fail, result.error ?? "not verified")
            }
            if let days = result.expiryDays {
                let byEE = result.matched?.hasPrefix("3 ") == true
                if result.expired {
                    add(
                        "certificate \(target)", byEE ? .warn : .fail,
                        "expired \(count(-days, "day")) ago" + (byEE ? " (DANE-EE ignores expiry)" : ""))
                } else {
                    add("certificate \(target)", days < 14 ? .warn : .pass, "expires in \(count(days, "day"))")
                }
            }
        }
        // The safe-rollover habit: "3 1 1 current + 3 1 1 next" (RFC 7671 §8.1), or a DANE-TA
        // record that survives a new key from the same CA.
        let matchedSet = Set(report.connections.compactMap(\.matched).map { $0.uppercased() })
        let others = usable.filter { !matchedSet.contains($0.text.uppercased()) }
        report.nextKeyPublished = !matchedSet.isEmpty && !others.isEmpty
        if !matchedSet.isEmpty {
            if let next = others.first(where: { $0.usage == 3 }) {
                add("next key", .pass, "another DANE-EE record is published: \(abbreviate(next.text))")
            } else if let ta = others.first(where: { $0.usage == 2 }) {
                add("next key", .pass, "a DANE-TA record covers a renewal by the same CA: \(abbreviate(ta.text))")
            } else {
                add(
                    "next key", .warn,
                    "no record for a next key: a renewal with a new key breaks DANE until caches expire")
            }
        }
        return (report, findings)
    }

    func count(_ number: Int, _ unit: String) -> String { number == 1 ? "1 \(unit)" : "\(number) \(unit)s" }

    func abbreviate(_ record: String) -> String {
        let fields = record.split(separator: " ")
        guard fields.count == 4, fields[3].count > 16 else { return record }
        return fields[0...2].joined(separator: " ") + " " + fields[3].prefix(12).lowercased() + "…"
    }
}

extension DomainReport {
    /// The table: one line per finding, verdict first.
    package var table: String {
        let scopeWidth = min(40, findings.map(\.scope.count).max() ?? 0)
        let checkWidth = min(36, findings.map(\.check.count).max() ?? 0)
        var lines = findings.map { finding in
            let verdict = finding.verdict.rawValue.uppercased().padding(toLength: 4, withPad: " ", startingAt: 0)
            return
                "\(verdict)  \(finding.scope.padding(toLength: max(scopeWidth, finding.scope.count), withPad: " ", startingAt: 0))  \(finding.check.padding(toLength: max(checkWidth, finding.check.count), withPad: " ", startingAt: 0))  \(finding.detail)"
        }
        lines.append("\(domain): \(verdict.rawValue.uppercased())")
        return lines.joined(separator: "\n")
    }

    package var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}
