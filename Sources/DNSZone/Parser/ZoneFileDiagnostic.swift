/// An error or warning about a zone file, at a file, line and column.
///
/// Printed the way compilers and `named-checkzone` print them, `file:line:column: error: message`,
/// so editors and CI logs can jump to the place.
public struct ZoneFileDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        /// The zone must not be served: a record could not be read, or was read but is not allowed.
        case error
        /// The zone loads, but probably not as its author meant (e.g. a TTL taken from the SOA).
        case warning
    }

    public var severity: Severity
    /// The file as it was named to the parser or in `$INCLUDE`.
    public var file: String
    /// 1-based.
    public var line: Int
    /// 1-based, in bytes; the start of the offending field.
    public var column: Int
    public var message: String

    public init(_ severity: Severity, file: String, line: Int, column: Int, _ message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: severity: message`; a problem with the whole file (it cannot be read) has
    /// line 0 and prints as `file: severity: message`.
    public var description: String {
        line > 0
            ? "\(file):\(line):\(column): \(severity.rawValue): \(message)"
            : "\(file): \(severity.rawValue): \(message)"
    }
}
