import CZlib
import Foundation

/// RFC 8460 aggregate reports, summarised per reporting organisation, day and policy.
package enum TLSRPT {
    package struct Failure: Sendable, Equatable {
        package var resultType: String
        package var sendingIP: String
        package var receivingIP: String
        package var receivingMX: String
        package var count: Int
    }

    package struct PolicySummary: Sendable {
        package var organization: String
        package var day: String
        package var policyType: String
        package var policyDomain: String
        package var policyStrings: [String]
        package var mxHosts: [String]
        package var successful: Int
        package var failed: Int
        package var failures: [Failure]
        package var file: String
    }

    /// A report that could not be read, and why.
    package struct Malformed: Sendable {
        package var file: String
        package var reason: String
    }

    /// The bytes of a report file, gunzipped when they start with the gzip magic (`.json.gz`,
    /// RFC 8460 §5.3).
    package static func contents(of path: String) throws(ValidationFailure) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationFailure("cannot read the file")
        }
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == 0x1F, bytes[1] == 0x8B else { return bytes }
        return try gunzip(bytes)
    }

    /// zlib's inflate with gzip framing; at most 64 MiB out.
    package static func gunzip(_ input: [UInt8]) throws(ValidationFailure) -> [UInt8] {
        var stream = z_stream()
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ValidationFailure("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                let result = chunk.withUnsafeMutableBufferPointer { buffer -> Int32 in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                output += chunk[0..<(chunk.count - Int(stream.avail_out))]
                if result == Z_STREAM_END { return Z_OK }
                if result != Z_OK { return result }
                if output.count > 64 << 20 { return Z_MEM_ERROR }
                if stream.avail_in == 0 && stream.avail_out != 0 { return Z_BUF_ERROR }
            }
        }
        guard status == Z_OK else { throw ValidationFailure("not valid gzip data (zlib error \(status))") }
        return output
    }

    /// Parses one report against RFC 8460 §4.4's required fields.
    package static func parse(_ bytes: [UInt8], file: String) throws(ValidationFailure) -> [PolicySummary] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw ValidationFailure("not JSON")
        }
        guard let report = object as? [String: Any] else { throw ValidationFailure("not a JSON object") }
        guard let organization = report["organization-name"] as? String else {
            throw ValidationFailure("no organization-name")
        }
        guard let range = report["date-range"] as? [String: Any], let start = range["start-datetime"] as? String,
            start.count >= 10
        else { throw ValidationFailure("no date-range.start-datetime") }
        guard report["report-id"] is String else { throw ValidationFailure("no report-id") }
        guard let policies = report["policies"] as? [[String: Any]] else {
            throw ValidationFailure("no policies array")
        }
        var summaries: [PolicySummary] = []
        for (index, entry) in policies.enumerated() {
            guard let policy = entry["policy"] as? [String: Any], let type = policy["policy-type"] as? String,
                ["tlsa", "sts", "no-policy-found"].contains(type)
            else { throw ValidationFailure("policies[\(index)]: no valid policy.policy-type") }
            guard let summary = entry["summary"] as? [String: Any],
                let successful = summary["total-successful-session-count"] as? Int,
                let failed = summary["total-failure-session-count"] as? Int, successful >= 0, failed >= 0
            else { throw ValidationFailure("policies[\(index)]: no valid summary counts") }
            var failures: [Failure] = []
            for (detailIndex, detail) in ((entry["failure-details"] as? [[String: Any]]) ?? []).enumerated() {
                guard let resultType = detail["result-type"] as? String,
                    let count = detail["failed-session-count"] as? Int
                else {
                    throw ValidationFailure(
                        "policies[\(index)].failure-details[\(detailIndex)]: no result-type or failed-session-count")
                }
                failures.append(
                    Failure(
                        resultType: resultType, sendingIP: detail["sending-mta-ip"] as? String ?? "-",
                        receivingIP: detail["receiving-ip"] as? String ?? "-",
                        receivingMX: detail["receiving-mx-hostname"] as? String ?? "-", count: count))
            }
            summaries.append(
                PolicySummary(
                    organization: organization, day: String(start.prefix(10)), policyType: type,
                    policyDomain: policy["policy-domain"] as? String ?? "-",
                    policyStrings: policy["policy-string"] as? [String] ?? [],
                    mxHosts: policy["mx-host"] as? [String] ?? [], successful: successful, failed: failed,
                    failures: failures, file: file))
        }
        return summaries
    }

    /// Reads every file: the summaries of the good ones and the reasons for the others.
    package static func read(_ files: [String]) -> (summaries: [PolicySummary], malformed: [Malformed]) {
        var summaries: [PolicySummary] = []
        var malformed: [Malformed] = []
        for file in files {
            do {
                summaries += try parse(try contents(of: file), file: file)
            } catch {
                malformed.append(Malformed(file: file, reason: error.description))
            }
        }
        return (summaries, malformed)
    }

    /// The text summary. `served` maps a TLSA owner's or policy domain's records to compare a
    /// `tlsa` policy's `policy-string` with (upper-case hex "U S M HEX"); nil when not known.
    package static func render(
        _ summaries: [PolicySummary], malformed: [Malformed], served: ((PolicySummary) -> Set<String>?)? = nil
    ) -> String {
        var lines: [String] = []
        let groups = Dictionary(grouping: summaries) { "\($0.organization)\u{0}\($0.day)\u{0}\($0.policyType)" }
        for key in groups.keys.sorted() {
            let group = groups[key]!
            let first = group[0]
            let successful = group.map(\.successful).reduce(0, +)
            let failed = group.map(\.failed).reduce(0, +)
            lines.append(
                "\(first.organization)  \(first.day)  \(first.policyType)  \(first.policyDomain): "
                    + "\(successful) successful, \(failed) failed")
            var byType: [String: [Failure]] = [:]
            for failure in group.flatMap(\.failures) { byType[failure.resultType, default: []].append(failure) }
            for type in byType.keys.sorted() {
                let failures = byType[type]!
                let total = failures.map(\.count).reduce(0, +)
                lines.append("  \(type): \(total) session\(total == 1 ? "" : "s")")
                for failure in failures {
                    lines.append(
                        "    \(failure.count)  from \(failure.sendingIP) to \(failure.receivingMX) [\(failure.receivingIP)]"
                    )
                }
            }
            if first.policyType == "tlsa", let served {
                for summary in group {
                    let reported = Set(summary.policyStrings.map(normalise))
                    guard let current = served(summary) else {
                        lines.append("  policy-string: not compared (no TLSA served for \(summary.policyDomain))")
                        continue
                    }
                    if reported == current {
                        lines.append("  policy-string: matches the TLSA RRset served now")
                    } else {
                        let stale = reported.subtracting(current).sorted()
                        lines.append(
                            "  policy-string: STALE, \(stale.count) record(s) no longer served: "
                                + stale.map { String($0.prefix(24)) + "…" }.joined(separator: ", "))
                    }
                }
            }
        }
        for bad in malformed { lines.append("malformed report \(bad.file): \(bad.reason)") }
        return lines.joined(separator: "\n")
    }

    /// "3 1 1 abcd" → "3 1 1 ABCD"; a full record line keeps only its last four fields.
    package static func normalise(_ record: String) -> String {
        var fields = record.split(whereSeparator: \.isWhitespace).map(String.init)
        if let index = fields.lastIndex(where: { $0.uppercased() == "TLSA" }) { fields = Array(fields[(index + 1)...]) }
        guard fields.count >= 4 else { return record.uppercased() }
        return fields[0..<3].joined(separator: " ") + " " + fields[3...].joined().uppercased()
    }
}
