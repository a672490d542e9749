import DNSWire

/// A growable map from domain names (ignoring ASCII case) to small integers, for `Zone.build`.
///
/// `Dictionary<DNSName, Int>` hashes a name by feeding `Hasher` one byte at a time, which was the
/// largest single cost of building a zone of a million names. This table hashes the lowercased
/// wire bytes with the same FNV-1a as `NameTable` and keeps each entry's hash, so a lookup is one
/// pass over the name and, nearly always, one comparison. Open addressing, linear probing, grown
/// at half full.
struct NameIndex {
    /// Per slot: the entry's value plus one, 0 when empty.
    private var slots: [Int32]
    private var slotHashes: [UInt32]
    /// Per entry (by value): its name, to compare against.
    private var names: [DNSName] = []
    private var mask: Int
    private let seed = UInt32.random(in: 1...UInt32.max)

    init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size *= 2 }
        slots = Array(repeating: 0, count: size)
        slotHashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    var count: Int { names.count }

    /// The name with this value.
    func name(_ value: Int) -> DNSName { names[value] }

    /// The value of `name`, if present.
    func find(_ name: DNSName) -> Int? {
        let hash = name.wire.withUnsafeBytes { NameTable.hash($0, seed: seed) }
        var slot = Int(hash) & mask
        while slots[slot] != 0 {
            let entry = Int(slots[slot]) - 1
            if slotHashes[slot] == hash && NameIndex.equal(names[entry], name) { return entry }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// The value of `name`, adding it with the next value (`count`) when absent.
    mutating func insert(_ name: DNSName) -> (value: Int, inserted: Bool) {
        let hash = name.wire.withUnsafeBytes { NameTable.hash($0, seed: seed) }
        var slot = Int(hash) & mask
        while slots[slot] != 0 {
            let entry = Int(slots[slot]) - 1
            if slotHashes[slot] == hash && NameIndex.equal(names[entry], name) { return (entry, false) }
            slot = (slot + 1) & mask
        }
        let value = names.count
        names.append(name)
        slots[slot] = Int32(value + 1)
        slotHashes[slot] = hash
        if names.count * 2 > slots.count { grow() }
        return (value, true)
    }

    private mutating func grow() {
        let size = slots.count * 2
        var newSlots = [Int32](repeating: 0, count: size)
        var newHashes = [UInt32](repeating: 0, count: size)
        let newMask = size - 1
        for old in slots.indices where slots[old] != 0 {
            var slot = Int(slotHashes[old]) & newMask
            while newSlots[slot] != 0 { slot = (slot + 1) & newMask }
            newSlots[slot] = slots[old]
            newHashes[slot] = slotHashes[old]
        }
        slots = newSlots
        slotHashes = newHashes
        mask = newMask
    }

    private static func equal(_ a: DNSName, _ b: DNSName) -> Bool {
        let left = a.wire
        let right = b.wire
        guard left.count == right.count else { return false }
        for index in left.indices where DNSName.lower(left[index]) != DNSName.lower(right[index]) {
            return false
        }
        return true
    }
}
