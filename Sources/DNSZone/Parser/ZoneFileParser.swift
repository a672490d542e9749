import DNSWire

/// Reads RFC 1035 master files ("zone files") into resource records.
///
/// Syntax is RFC 1035 §5 with `$TTL` from RFC 2308 and generic types, classes and RDATA from
/// RFC 3597. RDATA is handed to `RData(type:fields:origin:)`, so every type DNSWire can parse can
/// be written in a zone file. Like `named-checkzone`, the parser reports every error in the file
/// (up to `maxErrors`), each with its file, line and column, instead of stopping at the first.
/// What the records mean together (a CNAME beside other data, the SOA's place, data outside the
/// zone) is for `ZoneFileResult.check()`, which points at the records the same way.
public struct ZoneFileParser {
    /// After this many errors the parser stops: past that point a file is usually not a zone file.
    public static let maxErrors = 100
    /// Warnings beyond this many are counted in one last warning instead of listed.
    public static let maxWarnings = 100
    /// `$INCLUDE` nesting deeper than this is an error (a loop is caught before that; this bounds
    /// long chains of distinct files).
    public static let maxIncludeDepth = 16

    /// What one zone load may read in all, its `$INCLUDE`s counted: a file that includes the same
    /// child many times (itself including another many times) would otherwise cost exponentially
    /// more than its size.
    public struct Limits: Sendable {
        /// `$INCLUDE` directives followed.
        public var includes: Int
        /// Bytes read, the top file's and every included file's.
        public var bytes: Int

        public init(includes: Int = 1000, bytes: Int = 1 << 30) {
            self.includes = includes
            self.bytes = bytes
        }

        public static let `default` = Limits()

        static func describe(bytes: Int) -> String {
            bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
        }
    }

    /// Reads the zone file at `path`.
    ///
    /// - Parameters:
    ///   - origin: The zone's name, the initial `$ORIGIN`. Without it, relative names are errors until
    ///     the file sets `$ORIGIN`.
    ///   - defaultTTL: The TTL of records that have none, until the file sets `$TTL`.
    ///   - limits: What the load may read in all (`$INCLUDE`s and bytes).
    public static func parse(
        file path: String, origin: DNSName?, defaultTTL: UInt32? = nil, limits: Limits = .default
    ) -> ZoneFileResult {
        parse(file: path, origin: origin, defaultTTL: defaultTTL, limits: limits, source: .fileSystem)
    }

    /// Reads zone-file text, as if it were the file `fileName` (which names it in diagnostics and
    /// is the directory `$INCLUDE` paths are relative to).
    public static func parse(
        text: String, fileName: String = "<text>", origin: DNSName?, defaultTTL: UInt32? = nil
    ) -> ZoneFileResult {
        var loader = ZoneLoader(origin: origin)
        loader.load(
            Array(text.utf8), file: fileName, identity: ZoneFileReader.identity(of: fileName),
            scope: ZoneLoader.Scope(origin: origin, defaultTTL: defaultTTL))
        return loader.result
    }
}
