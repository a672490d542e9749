import COpenSSL
import DNSSEC

#if canImport(Glibc)
import Glibc
#endif

/// The certificates of one file: a leaf alone, or a leaf followed by its chain (`fullchain.pem`).
///
/// The first certificate is the leaf, as TLS servers send it first; other PEM blocks (a private
/// key in a combined file) are skipped. A file with no PEM certificate is tried as one DER
/// certificate, so `openssl x509 -outform DER` output works too.
public struct CertificateChain: Sendable {
    /// Where the certificates came from, for error messages.
    public let source: String
    /// Leaf first, then the rest in file order. Never empty.
    public let certificates: [Certificate]

    public var leaf: Certificate { certificates[0] }

    /// Reads and parses `path`.
    public init(contentsOfFile path: String) throws(DANEError) {
        try self.init(bytes: try readWholeFile(path), source: path)
    }

    /// Parses PEM (or DER) bytes; `source` names them in errors.
    public init(bytes: [UInt8], source: String) throws(DANEError) {
        OpenSSLErrorQueue.clear()
        var certificates = try Self.parsePEM(bytes, source: source)
        if certificates.isEmpty, bytes.first == 0x30 {
            certificates = try Self.parseDER(bytes, source: source)
        }
        guard !certificates.isEmpty else { throw .noCertificate(path: source) }
        self.source = source
        self.certificates = certificates
    }

    /// The certificate that issued the leaf, looked up by subject name and confirmed by signature.
    /// A self-issued leaf is its own issuer (a self-signed DANE-TA, RFC 7671 §5.2.3).
    public func leafIssuer() throws(DANEError) -> Certificate {
        for candidate in certificates.dropFirst() where candidate.issued(leaf) {
            return candidate
        }
        if leaf.issued(leaf) { return leaf }
        throw .issuerNotFound(path: source, issuer: leaf.issuer)
    }

    private static func parsePEM(_ bytes: [UInt8], source: String) throws(DANEError) -> [Certificate] {
        var certificates: [Certificate] = []
        let outcome: DANEError? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else {
                return .malformedCertificate(path: source, reason: OpenSSLErrorQueue.drain("BIO_new_mem_buf failed"))
            }
            defer { BIO_free(bio) }
            while let x509 = PEM_read_bio_X509(bio, nil, nil, nil) {
                do throws(DANEError) {
                    certificates.append(try Certificate(taking: x509, source: source))
                } catch {
                    return error
                }
            }
            // The loop ends at the end of the input (no further "-----BEGIN"), which libcrypto
            // reports as PEM_R_NO_START_LINE; anything else is a damaged certificate block.
            let code = ERR_peek_last_error()
            if code == 0 || (ERR_GET_LIB(code) == ERR_LIB_PEM && ERR_GET_REASON(code) == PEM_R_NO_START_LINE) {
                OpenSSLErrorQueue.clear()
                return nil
            }
            return .malformedCertificate(path: source, reason: OpenSSLErrorQueue.drain("PEM_read_bio_X509"))
        }
        if let outcome { throw outcome }
        return certificates
    }

    private static func parseDER(_ bytes: [UInt8], source: String) throws(DANEError) -> [Certificate] {
        let x509: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let x509 else {
            throw .malformedCertificate(path: source, reason: OpenSSLErrorQueue.drain("neither PEM nor DER (d2i_X509)"))
        }
        return [try Certificate(taking: x509, source: source)]
    }
}

/// Reads a whole file with `read(2)`, retrying on EINTR; errors carry `strerror`'s text.
func readWholeFile(_ path: String) throws(DANEError) -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadableFile(path: path, reason: String(cString: strerror(errno))) }
    defer { close(fd) }
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count > 0 {
            result.append(contentsOf: chunk[0..<count])
        } else if count == 0 {
            return result
        } else if errno != EINTR {
            throw .unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        if result.count > 16 << 20 { throw .unreadableFile(path: path, reason: "larger than 16 MiB") }
    }
}
