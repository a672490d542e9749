/// Why TLSA records could not be made. Every case that concerns a file names it, so an operator
/// reading the log knows which certificate to look at; the server keeps publishing the previous
/// records when it sees one of these.
public enum DANEError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read (missing, permissions, a directory).
    case unreadableFile(path: String, reason: String)
    /// The file holds no certificate at all: neither a PEM `CERTIFICATE` block nor DER.
    case noCertificate(path: String)
    /// A certificate block is there but OpenSSL could not decode it.
    case malformedCertificate(path: String, reason: String)
    /// Usage 0 or 2 asks for the leaf's issuer, and the file does not contain it.
    case issuerNotFound(path: String, issuer: String)
    /// A usage, selector or matching type Sigil cannot produce.
    case unsupportedParameters(String)
    /// The TLSA owner name (`_PORT._PROTO.HOST`) is not a valid domain name.
    case invalidOwner(String, reason: String)
    /// The certificate watcher could not start (no file descriptors left).
    case watcherFailed(String)

    /// The file the error is about, if any.
    public var path: String? {
        switch self {
        case .unreadableFile(let path, _), .noCertificate(let path), .malformedCertificate(let path, _),
            .issuerNotFound(let path, _):
            path
        case .unsupportedParameters, .invalidOwner, .watcherFailed: nil
        }
    }

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "\(path): cannot read: \(reason)"
        case .noCertificate(let path): "\(path): no certificate found (expected PEM or DER)"
        case .malformedCertificate(let path, let reason): "\(path): malformed certificate: \(reason)"
        case .issuerNotFound(let path, let issuer):
            "\(path): the chain lacks the leaf's issuer (\(issuer)), needed for a DANE-TA/PKIX-TA record"
        case .unsupportedParameters(let message): "unsupported TLSA parameters: \(message)"
        case .invalidOwner(let owner, let reason): "invalid TLSA owner \(owner): \(reason)"
        case .watcherFailed(let reason): "cannot watch certificate files: \(reason)"
        }
    }
}
