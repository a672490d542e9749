import DNSWire

/// Where a zone load reads its files from: the file system, or, for tests and the zone-file
/// fuzzer, a set of files in memory. `$INCLUDE` goes through it too, so a load's every read is
/// seen by its `Limits`.
package struct ZoneFileSource: Sendable {
    /// The file's bytes, or why it cannot be read; a file larger than the byte count is refused.
    package var contents: @Sendable (_ path: String, _ maxBytes: Int) -> Result<[UInt8], ZoneFileReader.ReadError>
    /// A name that is the same for every path of one file, to catch `$INCLUDE` loops.
    package var identity: @Sendable (_ path: String) -> String

    package init(
        contents: @escaping @Sendable (String, Int) -> Result<[UInt8], ZoneFileReader.ReadError>,
        identity: @escaping @Sendable (String) -> String
    ) {
        self.contents = contents
        self.identity = identity
    }

    /// The file system, through `ZoneFileReader`.
    package static let fileSystem = ZoneFileSource(
        contents: { ZoneFileReader.contents(of: $0, maxBytes: $1) }, identity: { ZoneFileReader.identity(of: $0) })
}

extension ZoneFileParser {
    /// Reads the zone file at `path` from `source`: `parse(file:origin:defaultTTL:limits:)` with
    /// the reads redirected.
    package static func parse(
        file path: String, origin: DNSName?, defaultTTL: UInt32? = nil, limits: Limits = .default,
        source: ZoneFileSource
    ) -> ZoneFileResult {
        var loader = ZoneLoader(origin: origin)
        loader.limits = limits
        loader.source = source
        switch source.contents(path, limits.bytes) {
        case .success(let bytes):
            loader.load(
                bytes, file: path, identity: source.identity(path),
                scope: ZoneLoader.Scope(origin: origin, defaultTTL: defaultTTL))
        case .failure(let error):
            loader.report(.error, "cannot read the zone file: \(error.message)", file: path, at: nil)
        }
        return loader.result
    }
}
