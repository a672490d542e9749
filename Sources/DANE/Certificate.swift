import COpenSSL
import DNSSEC

/// One parsed X.509 certificate, owning its libcrypto `X509`.
///
/// The DER encodings TLSA needs are computed once at parse time; afterwards the object is only
/// read, which libcrypto allows from several threads.
public final class Certificate: @unchecked Sendable {
    let x509: OpaquePointer

    /// The whole certificate, DER (what selector 0 matches).
    public let der: [UInt8]
    /// The SubjectPublicKeyInfo as encoded in the certificate (what selector 1 matches): re-encoded
    /// from the certificate's own `X509_PUBKEY`, not from a decoded key, so parameters and point
    /// format stay exactly as the TLS peer will see them.
    public let subjectPublicKeyInfoDER: [UInt8]

    /// Takes ownership of `x509`.
    init(taking x509: OpaquePointer, source: String) throws(DANEError) {
        self.x509 = x509
        let der = encode { i2d_X509(x509, $0) }
        let spki = encode { i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), $0) }
        guard let der, let spki else {
            X509_free(x509)
            throw .malformedCertificate(path: source, reason: OpenSSLErrorQueue.drain("cannot re-encode it as DER"))
        }
        self.der = der
        self.subjectPublicKeyInfoDER = spki
    }

    deinit {
        X509_free(x509)
    }

    /// The subject name, one line (`/CN=...`), for messages.
    public var subject: String { Self.oneLine(X509_get_subject_name(x509)) }

    /// The issuer name, one line, for messages.
    public var issuer: String { Self.oneLine(X509_get_issuer_name(x509)) }

    /// Whether this certificate issued `other`: names and key identifiers agree
    /// (`X509_check_issued`) and this certificate's key verifies `other`'s signature.
    public func issued(_ other: Certificate) -> Bool {
        guard X509_check_issued(x509, other.x509) == X509_V_OK else { return false }
        guard let key = X509_get0_pubkey(x509) else { return false }
        let verified = X509_verify(other.x509, key) == 1
        OpenSSLErrorQueue.clear()
        return verified
    }

    private static func oneLine(_ name: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 512)
        guard X509_NAME_oneline(name, &buffer, Int32(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Runs an OpenSSL `i2d_*` function twice: once for the length, once to write.
private func encode(_ i2d: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) -> [UInt8]? {
    let length = i2d(nil)
    guard length > 0 else { return nil }
    var bytes = [UInt8](repeating: 0, count: Int(length))
    let written = bytes.withUnsafeMutableBufferPointer { buffer in
        var cursor = buffer.baseAddress
        return i2d(&cursor)
    }
    return written == length ? bytes : nil
}
