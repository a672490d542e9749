#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A key's BIND timing metadata (the fields `dnssec-settime` sets), in seconds since the epoch.
/// A rollover is nothing but these times: the planner writes them ahead, and what a key does at
/// any moment follows from them, so a restart resumes and a key timed by hand is honoured.
public struct KeyTiming: Sendable, Hashable {
    public var created: Int64?
    /// Its DNSKEY enters the apex RRset.
    public var publish: Int64?
    /// It starts signing.
    public var activate: Int64?
    /// It stops signing.
    public var inactive: Int64?
    /// Its DNSKEY leaves the apex RRset.
    public var delete: Int64?
    /// CDS and CDNSKEY point at it from this time...
    public var syncPublish: Int64?
    /// ...until this one.
    public var syncDelete: Int64?
    /// The parent was seen publishing its DS (`dnssec-settime -P ds`).
    public var dsPublish: Int64?

    public init(
        created: Int64? = nil, publish: Int64? = nil, activate: Int64? = nil, inactive: Int64? = nil,
        delete: Int64? = nil, syncPublish: Int64? = nil, syncDelete: Int64? = nil, dsPublish: Int64? = nil
    ) {
        self.created = created
        self.publish = publish
        self.activate = activate
        self.inactive = inactive
        self.delete = delete
        self.syncPublish = syncPublish
        self.syncDelete = syncDelete
        self.dsPublish = dsPublish
    }

    /// The field names BIND writes, in its order, with their values.
    static var fields: [(name: String, path: WritableKeyPath<KeyTiming, Int64?>)] {
        [
            ("Created", \.created), ("Publish", \.publish), ("Activate", \.activate), ("Inactive", \.inactive),
            ("Delete", \.delete), ("SyncPublish", \.syncPublish), ("SyncDelete", \.syncDelete),
            ("DSPublish", \.dsPublish),
        ]
    }

    public static func isTimingField(_ name: String) -> Bool { fields.contains { $0.name == name } }

    /// Reads the timing fields out of `Name: YYYYMMDDHHMMSS` pairs (a `.private` file's extra
    /// fields); other names are ignored, an unreadable date is an error naming the field.
    public init(fields pairs: [(name: String, value: String)]) throws(TimingError) {
        self.init()
        for (name, value) in pairs {
            guard let field = Self.fields.first(where: { $0.name == name }) else { continue }
            let stamp = value.split(separator: " ").first.map(String.init) ?? value
            guard let seconds = Self.seconds(stamp) else { throw TimingError(field: name, value: value) }
            self[keyPath: field.path] = seconds
        }
    }

    /// Reads the `; Name: YYYYMMDDHHMMSS (...)` comment lines of a `.key` file.
    public init(keyFileText text: String) throws(TimingError) {
        var pairs: [(name: String, value: String)] = []
        for line in text.split(separator: "\n") where line.hasPrefix(";") {
            let body = line.dropFirst().drop { $0 == " " }
            guard let colon = body.firstIndex(of: ":") else { continue }
            let name = String(body[..<colon])
            guard Self.isTimingField(name) else { continue }
            pairs.append((name, body[body.index(after: colon)...].trimmingSpaces))
        }
        try self.init(fields: pairs)
    }

    /// The set fields as `(name, YYYYMMDDHHMMSS)`, in BIND's order.
    public var pairs: [(name: String, value: String)] {
        Self.fields.compactMap { field in self[keyPath: field.path].map { (field.name, Self.stamp($0)) } }
    }

    /// The `.key` comment lines BIND writes: `Created: 20261203042455 (Thu Dec  3 04:24:55 2026)`.
    public var commentLines: [String] {
        Self.fields.compactMap { field in
            self[keyPath: field.path].map { "\(field.name): \(Self.stamp($0)) (\(Self.readable($0)))" }
        }
    }

    /// BIND's `YYYYMMDDHHMMSS` (UTC) as seconds since the epoch.
    public static func seconds(_ stamp: String) -> Int64? {
        let digits = Array(stamp.utf8)
        guard digits.count == 14, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        func number(_ range: Range<Int>) -> Int32 {
            digits[range].reduce(0) { $0 * 10 + Int32($1 - 48) }
        }
        var parts = tm()
        parts.tm_year = number(0..<4) - 1900
        parts.tm_mon = number(4..<6) - 1
        parts.tm_mday = number(6..<8)
        parts.tm_hour = number(8..<10)
        parts.tm_min = number(10..<12)
        parts.tm_sec = number(12..<14)
        guard (1...12).contains(parts.tm_mon + 1), (1...31).contains(parts.tm_mday), parts.tm_hour < 24,
            parts.tm_min < 60, parts.tm_sec < 61
        else { return nil }
        return Int64(timegm(&parts))
    }

    /// Seconds since the epoch as `YYYYMMDDHHMMSS` (UTC).
    public static func stamp(_ seconds: Int64) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return pad(parts.tm_year + 1900, 4) + pad(parts.tm_mon + 1, 2) + pad(parts.tm_mday, 2)
            + pad(parts.tm_hour, 2) + pad(parts.tm_min, 2) + pad(parts.tm_sec, 2)
    }

    /// `Thu Dec  3 04:24:55 2026`, as BIND's comments show it (UTC here).
    static func readable(_ seconds: Int64) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%a %b %e %H:%M:%S %Y", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A timing field whose date cannot be read.
public struct TimingError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var value: String
    public var description: String { "\(field): '\(value)' is not a YYYYMMDDHHMMSS date" }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
