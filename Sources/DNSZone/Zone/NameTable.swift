import DNSWire

/// An open-addressing hash table from domain names to small integers, looked up by wire bytes.
///
/// Why not `Dictionary<DNSName, Int>`: the query path holds the name as bytes (`Query.name`, a
/// suffix of it while searching for the closest encloser, a name inside pre-encoded RDATA), and
/// building a `DNSName` from them would allocate. Here a lookup takes any run of uncompressed wire
/// bytes, hashes and compares them ignoring ASCII case, and touches only flat arrays: the slot
/// array, and one byte blob holding every key in lowercase.
///
/// The table is built once and never changes, so linear probing at a load factor of at most one
/// half keeps probe runs short; each slot keeps the key's hash so most mismatches cost one compare.
/// The hash is seeded per table so that probe runs cannot be predicted from outside.
struct NameTable: Sendable {
    /// Per slot: the entry index plus one, 0 when empty.
    private var slots: [UInt32]
    /// Per slot: the full hash of the entry there.
    private var slotHashes: [UInt32]
    /// Every key, lowercased, back to back.
    private var keyBytes: [UInt8]
    /// Per entry: where its key starts in `keyBytes`, and its length.
    private var keyStarts: [UInt32]
    private var keyLengths: [UInt8]
    private var mask: Int
    private let seed: UInt32

    /// Entry `i` is `keys[i]`; keys must be distinct (ignoring case).
    init(keys: [[UInt8]]) {
        var capacity = 8
        while capacity < keys.count * 2 { capacity *= 2 }
        slots = Array(repeating: 0, count: capacity)
        slotHashes = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        seed = UInt32.random(in: 1...UInt32.max)
        keyBytes = []
        keyBytes.reserveCapacity(keys.reduce(0) { $0 + $1.count })
        keyStarts = []
        keyLengths = []
        for (index, key) in keys.enumerated() {
            keyStarts.append(UInt32(keyBytes.count))
            keyLengths.append(UInt8(key.count))
            for byte in key { keyBytes.append(DNSName.lower(byte)) }
            let hash = key.withUnsafeBytes { NameTable.hash($0, seed: seed) }
            var slot = Int(hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = UInt32(index + 1)
            slotHashes[slot] = hash
        }
    }

    /// The entry whose key equals `name` ignoring case, if any.
    func find(_ name: UnsafeRawBufferPointer) -> Int? {
        let hash = NameTable.hash(name, seed: seed)
        var slot = Int(hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if slotHashes[slot] == hash && matches(Int(entry) - 1, name) { return Int(entry) - 1 }
            slot = (slot + 1) & mask
        }
    }

    func find(_ name: ArraySlice<UInt8>) -> Int? {
        name.withUnsafeBytes { find($0) }
    }

    private func matches(_ entry: Int, _ name: UnsafeRawBufferPointer) -> Bool {
        guard Int(keyLengths[entry]) == name.count else { return false }
        let start = Int(keyStarts[entry])
        for index in 0..<name.count where keyBytes[start + index] != DNSName.lower(name[index]) {
            return false
        }
        return true
    }

    /// FNV-1a over the lowercased bytes, started from the seed, with a final avalanche so the low
    /// bits (the slot) depend on every byte.
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt32) -> UInt32 {
        var hash: UInt32 = 2_166_136_261 ^ seed
        for byte in bytes {
            hash = (hash ^ UInt32(DNSName.lower(byte))) &* 16_777_619
        }
        hash ^= hash >> 16
        hash = hash &* 0x85eb_ca6b
        hash ^= hash >> 13
        return hash
    }
}
