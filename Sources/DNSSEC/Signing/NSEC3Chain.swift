import DNSWire
import DNSZone

/// A zone's NSEC3 chain (RFC 5155 §7.1), built when the zone is loaded: one record per
/// authoritative node and per empty non-terminal, sorted by hash, each pointing at the next.
///
/// Flat arrays indexed by chain position; `match` and `cover` are binary searches, so finding a
/// proof allocates nothing. A record's owner name and RDATA are not stored: both follow from its
/// hash, the next hash and its node's type bitmap, and are written straight into an answer (or
/// laid out on the stack to be signed) as narrow-mode records are.
package struct NSEC3Chain: Sendable {
    /// Sorted owner hashes.
    package let hashes: [NSEC3Hash]
    /// The zone node each record stands for.
    let nodes: [Int32]
    /// Per zone node: its record's chain position, or -1 if it has none (below a delegation).
    package let entryOfNode: [Int32]

    /// The next hashed owner of record `position` (the last record's is the first's).
    func next(_ position: Int) -> NSEC3Hash { hashes[position + 1 == hashes.count ? 0 : position + 1] }

    /// The record whose owner hash is `hash`.
    func match(_ hash: NSEC3Hash) -> Int? {
        let index = lowerBound(hash)
        return index < hashes.count && hashes[index] == hash ? index : nil
    }

    /// The record covering `hash`: the last owner before it, or the last record of the chain
    /// (whose next wraps to the first) when `hash` is before every owner.
    package func cover(_ hash: NSEC3Hash) -> Int {
        let index = lowerBound(hash)
        return index == 0 ? hashes.count - 1 : index - 1
    }

    /// The first position whose hash is not below `hash`.
    private func lowerBound(_ hash: NSEC3Hash) -> Int {
        var low = 0
        var high = hashes.count
        while low < high {
            let middle = (low + high) / 2
            if hashes[middle] < hash { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Builds the chain over `zone`'s nodes that have `bitmaps[node] != nil`.
    static func build(
        zone: Zone, bitmaps: [TypeBitmap?], hashes nodeHashes: [NSEC3Hash]
    ) throws(SignerError) -> NSEC3Chain {
        var entries: [(hash: NSEC3Hash, node: Int)] = []
        for node in zone.nodes.indices where bitmaps[node] != nil { entries.append((nodeHashes[node], node)) }
        entries.sort { $0.hash < $1.hash }
        for index in entries.indices.dropFirst() where entries[index].hash == entries[index - 1].hash {
            throw SignerError(
                "NSEC3 hash collision between \(zone.nodes[entries[index - 1].node].name.text) and "
                    + "\(zone.nodes[entries[index].node].name.text); choose another salt")
        }
        var entryOfNode = [Int32](repeating: -1, count: zone.nodes.count)
        for (position, entry) in entries.enumerated() { entryOfNode[entry.node] = Int32(position) }
        return NSEC3Chain(hashes: entries.map(\.hash), nodes: entries.map { Int32($0.node) }, entryOfNode: entryOfNode)
    }

    static func ownerWire(_ hash: NSEC3Hash, origin: DNSName) -> [UInt8] {
        var wire: [UInt8] = [32]
        hash.appendBase32Hex(to: &wire)
        wire.append(contentsOf: origin.wire)
        return wire
    }

    /// NSEC3 RDATA: SHA-1, flags 0 (no opt-out), iterations, salt, next hash, type bitmap.
    static func rdata(next: NSEC3Hash, bitmap: TypeBitmap, iterations: UInt16, salt: [UInt8]) -> [UInt8] {
        let length = rdataLength(bitmap: bitmap.wire, salt: salt)
        return [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            writeRDATA(
                next: next, bitmap: bitmap.wire, iterations: iterations, salt: salt,
                to: UnsafeMutableRawBufferPointer(buffer))
            initialized = length
        }
    }

    /// The length of the RDATA `writeRDATA` writes for this bitmap and salt.
    static func rdataLength(bitmap: [UInt8], salt: [UInt8]) -> Int {
        5 + salt.count + 1 + NSEC3Hasher.hashLength + bitmap.count
    }

    /// Writes NSEC3 RDATA (RFC 5155 §3.2) to the first `rdataLength(bitmap:salt:)` bytes of `out`:
    /// the one spelling of the format, for the chain built at load, for narrow-mode records laid
    /// out to be signed, and for narrow-mode records written into answers.
    static func writeRDATA(
        next: NSEC3Hash, bitmap: [UInt8], iterations: UInt16, salt: [UInt8], to out: UnsafeMutableRawBufferPointer
    ) {
        var cursor = ByteCursor(out)
        cursor.write(NSEC3Hasher.sha1)
        cursor.write(UInt8(0))
        cursor.write(iterations)
        cursor.write(UInt8(salt.count))
        cursor.write(salt)
        cursor.write(UInt8(NSEC3Hasher.hashLength))
        cursor.fill(NSEC3Hasher.hashLength) { next.write(to: $0) }
        cursor.write(bitmap)
    }
}
