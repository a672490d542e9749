import DNSSEC
import DNSWire
import Foundation

/// DNSSEC validation of one signed zone from a DS trust anchor downwards (RFC 4035 §5): the DS
/// selects a DNSKEY, that key's signature makes the DNSKEY RRset trusted, and the zone keys in it
/// sign everything else, positive answers and the NSEC3 proofs (RFC 5155 §8) of negative ones.
/// The signatures are checked by libcrypto and libsodium (DNSSEC's `SignatureVerifier`).
package enum Validation {
    /// Whether `rrset` (one owner, type and class) is signed by one of `keys` through one of
    /// `signatures`, valid at `now`. Nil when it is, else why not.
    package static func verify(
        rrset: [ResourceRecord], signatures: [RRSIG], keys: [DNSKEY], zone: DNSName, now: UInt32
    ) -> String? {
        guard let first = rrset.first else { return "empty RRset" }
        let candidates = signatures.filter { $0.typeCovered == first.type }
        guard !candidates.isEmpty else { return "no RRSIG for \(first.name.text) \(first.type)" }
        var reason = "no signature of \(first.name.text) \(first.type) verifies"
        for signature in candidates {
            guard signature.signer == zone else {
                reason = "signed by \(signature.signer.text), not \(zone.text)"
                continue
            }
            // Serial number arithmetic (RFC 4034 §3.1.5): a wrapped 32-bit clock.
            guard Int32(bitPattern: now &- signature.inception) >= 0 else {
                reason = "signature of \(first.name.text) \(first.type) not yet valid"
                continue
            }
            guard Int32(bitPattern: signature.expiration &- now) >= 0 else {
                reason = "signature of \(first.name.text) \(first.type) expired"
                continue
            }
            guard Int(signature.labels) <= first.name.labelCount else {
                reason = "RRSIG of \(first.name.text) \(first.type) claims more labels than its owner has"
                continue
            }
            let data = signedData(rrset: rrset, signature: signature)
            for key in keys
            where key.algorithm == signature.algorithm && key.keyTag == signature.keyTag && key.isZoneKey
                && key.flags & DNSKEY.revokeFlag == 0
            {
                do {
                    if try SignatureVerifier.verify(
                        signature.signature, of: data, publicKey: key.publicKey,
                        algorithm: DNSSECAlgorithm(rawValue: key.algorithm))
                    {
                        return nil
                    }
                    reason = "bad signature on \(first.name.text) \(first.type) (key \(key.keyTag))"
                } catch {
                    reason = "\(first.name.text) \(first.type): \(error)"
                }
            }
        }
        return reason
    }

    /// RFC 4034 §3.1.8.1: the RRSIG RDATA without its signature, then each record in canonical
    /// form and order, with the original TTL and, for a wildcard expansion, the wildcard owner.
    package static func signedData(rrset: [ResourceRecord], signature: RRSIG) -> [UInt8] {
        var writer = WireWriter(capacity: 512)
        signature.serializeWithoutSignature(into: &writer, form: .canonical)
        var owner = rrset[0].name.lowercased()
        if Int(signature.labels) < owner.labelCount {
            owner = owner.dropping(labels: owner.labelCount - Int(signature.labels)).wildcard
        }
        let bodies = Set(rrset.map(\.data.canonicalWire)).sorted { $0.lexicographicallyPrecedes($1) }
        for body in bodies {
            writer.writeBytes(owner.wire)
            writer.writeUInt16(rrset[0].type.rawValue)
            writer.writeUInt16(rrset[0].rrClass.rawValue)
            writer.writeUInt32(signature.originalTTL)
            writer.writeUInt16(UInt16(body.count))
            writer.writeBytes(body)
        }
        return writer.bytes
    }

    /// The zone keys, if the DNSKEY RRset has a key matching `anchor` that signs it.
    package static func trustedKeys(
        dnskeys: [ResourceRecord], signatures: [RRSIG], anchor: DS, zone: DNSName, now: UInt32
    ) -> Result<[DNSKEY], ValidationFailure> {
        let keys = dnskeys.compactMap { record -> DNSKEY? in
            if case .dnskey(let key) = record.data { return key }
            return nil
        }
        guard !keys.isEmpty else { return .failure(ValidationFailure("no DNSKEY RRset at \(zone.text)")) }
        guard let digestType = DSDigestType(rawValue: anchor.digestType) else {
            return .failure(ValidationFailure("DS digest type \(anchor.digestType) is not supported"))
        }
        let anchored = keys.filter { key in
            let record = ResourceRecord(name: zone, ttl: 0, data: .dnskey(key))
            let ds = DSData(ownerWire: zone.wire, dnskeyRData: record.data.wire, digestType: digestType)
            return ds.keyTag == anchor.keyTag && ds.algorithm.rawValue == anchor.algorithm && ds.digest == anchor.digest
        }
        guard !anchored.isEmpty else {
            return .failure(ValidationFailure("no DNSKEY of \(zone.text) matches the DS \(anchor.text)"))
        }
        if let reason = verify(rrset: dnskeys, signatures: signatures, keys: anchored, zone: zone, now: now) {
            return .failure(ValidationFailure("DNSKEY RRset: \(reason)"))
        }
        return .success(keys.filter(\.isZoneKey))
    }

    /// The NSEC3 records of a negative answer, with their hashes in base32hex (whose order is the
    /// hashes' order, RFC 4648 §7).
    package struct NSEC3Set {
        package var records: [(ownerHash: String, nsec3: NSEC3)]

        package init(_ authority: [ResourceRecord], zone: DNSName) {
            records = authority.compactMap { record in
                guard case .nsec3(let nsec3) = record.data, record.name.parent == zone,
                    let label = record.name.labels.first
                else { return nil }
                return (String(decoding: label, as: UTF8.self).lowercased(), nsec3)
            }
        }

        func hash(_ name: DNSName, _ nsec3: NSEC3) -> String {
            let hasher = NSEC3Hasher(iterations: nsec3.iterations, salt: nsec3.salt)
            var output = [UInt8](repeating: 0, count: NSEC3Hasher.hashLength)
            output.withUnsafeMutableBytes { hasher.hash(name: name.lowercased().wire, into: $0) }
            return Base32Hex.encode(output).lowercased()
        }

        func matching(_ name: DNSName) -> NSEC3? {
            records.first { $0.ownerHash == hash(name, $0.nsec3) }?.nsec3
        }

        func covering(_ name: DNSName) -> NSEC3? {
            records.first { record in
                let target = hash(name, record.nsec3)
                let next = Base32Hex.encode(record.nsec3.nextHashedOwner).lowercased()
                // The last NSEC3 of the chain wraps around to the first.
                return record.ownerHash < next
                    ? (record.ownerHash < target && target < next) : (target > record.ownerHash || target < next)
            }?.nsec3
        }

        /// RFC 5155 §8.5–8.6: no `type` at `name` (and no CNAME), by a matching NSEC3.
        package func provesNoData(_ name: DNSName, _ type: RRType) -> Bool {
            guard let match = matching(name) else { return false }
            return !match.types.contains(type) && !match.types.contains(.cname)
        }

        /// RFC 5155 §8.4: the closest encloser matched, the next closer name covered, and the
        /// wildcard at the closest encloser covered.
        package func provesNameError(_ name: DNSName, zone: DNSName) -> Bool {
            var nextCloser = name
            var encloser = name.parent
            while let candidate = encloser, candidate.isSubdomain(of: zone) {
                if matching(candidate) != nil {
                    return covering(nextCloser) != nil && covering(candidate.wildcard) != nil
                }
                nextCloser = candidate
                encloser = candidate.parent
            }
            return false
        }
    }
}

package struct ValidationFailure: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}

extension DS {
    /// A DS from its presentation form, `TAG ALGORITHM DIGEST-TYPE HEX` (the owner may come first:
    /// `example.test. IN DS ...` as `sigil ds` prints it).
    package init?(presentation text: String) {
        var fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        if let index = fields.firstIndex(where: { $0.uppercased() == "DS" }) { fields.removeFirst(index + 1) }
        guard fields.count >= 4, let tag = UInt16(fields[0]), let algorithm = UInt8(fields[1]),
            let digestType = UInt8(fields[2]), let digest = Base16.decode(fields[3...].joined()), !digest.isEmpty
        else { return nil }
        self.init(keyTag: tag, algorithm: algorithm, digestType: digestType, digest: digest)
    }
}
