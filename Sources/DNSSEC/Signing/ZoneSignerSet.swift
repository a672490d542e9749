import DNSZone

/// The signers of the zones a server serves, found from an answer's zone without allocating.
public struct ZoneSignerSet: Sendable {
    public let signers: [ZoneSigner]

    public init(_ signers: [ZoneSigner]) {
        self.signers = signers
    }

    /// The signer whose zone is `zone` (the same object), if that zone is signed.
    public func signer(for zone: Zone?) -> ZoneSigner? {
        guard let zone else { return nil }
        for signer in signers where signer.zone === zone { return signer }
        return nil
    }
}
