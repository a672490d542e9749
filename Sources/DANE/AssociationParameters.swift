/// The three numbers in front of a TLSA record's data (RFC 6698 §2.1): which certificate of the
/// chain, which part of it, and how it is matched.
///
/// Distinct from the wire-level `TLSA` fields (plain `UInt8`s that round-trip anything): these are
/// only the values Sigil can *generate*, so an unsupported one is rejected when the configuration
/// is read rather than when a certificate is renewed.
public struct AssociationParameters: Hashable, Sendable, CustomStringConvertible {
    /// Certificate usage (RFC 6698 §2.1.1, mnemonics from RFC 7218).
    public enum Usage: UInt8, Sendable, CaseIterable {
        /// A CA in the PKIX chain; made from the leaf's issuer, like `daneTA`.
        case pkixTA = 0
        /// The PKIX-validated end-entity certificate; made from the leaf.
        case pkixEE = 1
        /// A trust anchor for the chain (RFC 7671 §5.2); made from the leaf's issuer.
        case daneTA = 2
        /// The end-entity certificate itself (RFC 7671 §5.1); made from the leaf.
        case daneEE = 3

        /// Whether the record describes the leaf's issuer rather than the leaf.
        public var usesIssuer: Bool { self == .pkixTA || self == .daneTA }
    }

    /// Selector (RFC 6698 §2.1.2).
    public enum Selector: UInt8, Sendable, CaseIterable {
        /// The whole certificate, DER.
        case fullCertificate = 0
        /// The SubjectPublicKeyInfo, DER, exactly as it stands in the certificate.
        case subjectPublicKeyInfo = 1
    }

    /// Matching type (RFC 6698 §2.1.3).
    public enum Matching: UInt8, Sendable, CaseIterable {
        case full = 0
        case sha256 = 1
        case sha512 = 2
    }

    /// "3 1 1": the end-entity's public key, SHA-256 — the usual choice for SMTP (RFC 7672
    /// §3.1.1), and it survives certificate renewals that keep the key.
    public static let endEntityKeySHA256 = AssociationParameters(
        usage: .daneEE, selector: .subjectPublicKeyInfo, matching: .sha256)

    public var usage: Usage
    public var selector: Selector
    public var matching: Matching

    public init(usage: Usage, selector: Selector, matching: Matching) {
        self.usage = usage
        self.selector = selector
        self.matching = matching
    }

    /// From raw numbers, as the configuration file carries them.
    public init(usage: UInt8, selector: UInt8, matchingType: UInt8) throws(DANEError) {
        guard let usageValue = Usage(rawValue: usage) else {
            throw .unsupportedParameters("certificate usage \(usage) (expected 0-3)")
        }
        guard let selectorValue = Selector(rawValue: selector) else {
            throw .unsupportedParameters("selector \(selector) (expected 0 or 1)")
        }
        guard let matchingValue = Matching(rawValue: matchingType) else {
            throw .unsupportedParameters("matching type \(matchingType) (expected 0, 1 or 2)")
        }
        self.init(usage: usageValue, selector: selectorValue, matching: matchingValue)
    }

    /// From the usual three-number text, like `"3 1 1"`.
    public init(text: String) throws(DANEError) {
        let numbers = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { UInt8($0) }
        guard numbers.count == 3, let usage = numbers[0], let selector = numbers[1], let matching = numbers[2] else {
            throw .unsupportedParameters("\"\(text)\" is not three numbers like \"3 1 1\"")
        }
        try self.init(usage: usage, selector: selector, matchingType: matching)
    }

    public var description: String { "\(usage.rawValue) \(selector.rawValue) \(matching.rawValue)" }
}
