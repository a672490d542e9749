import DNSWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sorts many names into canonical order (RFC 4034 §6.1) for `Zone.build`.
///
/// Comparing two `DNSName`s label by label from the right costs a walk of both names per
/// comparison, and a zone of a million names needs twenty million comparisons. Instead each name
/// is turned once into a key whose plain byte order (`memcmp`) is the canonical order, all keys in
/// one buffer, and indices are sorted by key.
///
/// A key is the name's labels from the rightmost, each lowercased and followed by a 0x00
/// separator. So that the separator sorts below every label byte, and a label that is a prefix of
/// another sorts first, bytes 0x00 and 0x01 are written as 0x01 0x01 and 0x01 0x02; every other
/// byte stands for itself. That encoding keeps byte order and no encoded byte sequence is a
/// prefix of another, so comparing keys compares labels as the RFC says, and a name whose labels
/// are the rightmost labels of another (an ancestor) has a key that is a prefix of the other's.
enum CanonicalSort {
    /// The indices of `names`, ordered so that the names are in canonical order.
    static func order(of names: [DNSName]) -> [Int] {
        var keys: [UInt8] = []
        keys.reserveCapacity(names.reduce(0) { $0 + $1.wireLength } + names.count)
        var bounds: [(start: Int, end: Int)] = []
        bounds.reserveCapacity(names.count)
        var labelStarts: [Int] = []
        labelStarts.reserveCapacity(128)
        for name in names {
            let start = keys.count
            name.wire.withUnsafeBufferPointer { wire in
                labelStarts.removeAll(keepingCapacity: true)
                var index = 0
                while wire[index] != 0 {
                    labelStarts.append(index)
                    index += 1 + Int(wire[index])
                }
                for labelStart in labelStarts.reversed() {
                    for byte in wire[(labelStart + 1)..<(labelStart + 1 + Int(wire[labelStart]))] {
                        let lower = DNSName.lower(byte)
                        if lower <= 1 {
                            keys.append(1)
                            keys.append(lower + 1)
                        } else {
                            keys.append(lower)
                        }
                    }
                    keys.append(0)
                }
            }
            bounds.append((start, keys.count))
        }
        var order = Array(names.indices)
        keys.withUnsafeBufferPointer { keys in
            bounds.withUnsafeBufferPointer { bounds in
                guard let base = keys.baseAddress else { return }
                order.sort { left, right in
                    let a = bounds[left]
                    let b = bounds[right]
                    let aLength = a.end - a.start
                    let bLength = b.end - b.start
                    let common = memcmp(base + a.start, base + b.start, min(aLength, bLength))
                    return common != 0 ? common < 0 : aLength < bLength
                }
            }
        }
        return order
    }
}
