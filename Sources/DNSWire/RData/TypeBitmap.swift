/// The set of types present at a name, in the window-block encoding of NSEC and NSEC3
/// (RFC 4034 §4.1.2, RFC 5155 §3.2.1).
///
/// The value is stored as its wire form, so writing an NSEC or NSEC3 record is one append, and
/// `contains` walks at most a handful of window headers (real zones use windows 0 and 1). Building
/// from a set of types sorts a small array once and emits the blocks directly.
public struct TypeBitmap: Hashable, Sendable {
    /// Window blocks: window number, bitmap length (1...32), bitmap bytes, windows increasing.
    public private(set) var wire: [UInt8]

    /// The empty set (an NSEC3 for an empty non-terminal has no types).
    public init() { wire = [] }

    /// The bitmap of exactly the given types (duplicates are fine; order does not matter).
    public init(types: some Sequence<RRType>) {
        var values = types.map(\.rawValue)
        values.sort()
        self.init(sortedValues: values)
    }

    /// Builds from type values in increasing order (duplicates allowed): the cheap path for code
    /// that already keeps its types sorted.
    public init(sortedValues values: [UInt16]) {
        var out: [UInt8] = []
        out.reserveCapacity(values.isEmpty ? 0 : 34)
        var window = -1
        var headerAt = 0
        for value in values {
            let valueWindow = Int(value >> 8)
            if valueWindow != window {
                window = valueWindow
                headerAt = out.count
                out.append(UInt8(valueWindow))
                out.append(0)
            }
            let low = Int(value & 0xFF)
            let byteIndex = low >> 3
            let length = Int(out[headerAt + 1])
            if byteIndex >= length {
                out.append(contentsOf: repeatElement(0, count: byteIndex + 1 - length))
                out[headerAt + 1] = UInt8(byteIndex + 1)
            }
            out[headerAt + 2 + byteIndex] |= 0x80 >> UInt8(low & 7)
        }
        wire = out
    }

    /// Validates a received bitmap: windows strictly increasing, each 1 to 32 bytes long, no
    /// trailing zero byte in a window (RFC 4034 §4.1.2 says blocks with no types are omitted and
    /// the length is that of the last nonzero byte). `at` is the offset reported in errors.
    public init(wire bytes: [UInt8], type: RRType = .nsec, at offset: Int = 0) throws(WireError) {
        var index = 0
        var previous = -1
        while index < bytes.count {
            guard index + 2 <= bytes.count else { throw .badRData(type: type.rawValue, at: offset + index) }
            let window = Int(bytes[index])
            let length = Int(bytes[index + 1])
            guard window > previous, (1...32).contains(length), index + 2 + length <= bytes.count,
                bytes[index + 1 + length] != 0
            else { throw .badRData(type: type.rawValue, at: offset + index) }
            previous = window
            index += 2 + length
        }
        wire = bytes
    }

    /// Whether `type` is in the set.
    @inlinable public func contains(_ type: RRType) -> Bool {
        let window = Int(type.rawValue >> 8)
        let byteIndex = Int(type.rawValue & 0xFF) >> 3
        let mask = UInt8(0x80) >> UInt8(type.rawValue & 7)
        var index = 0
        while index + 1 < wire.count {
            let blockWindow = Int(wire[index])
            let length = Int(wire[index + 1])
            if blockWindow == window { return byteIndex < length && wire[index + 2 + byteIndex] & mask != 0 }
            if blockWindow > window { return false }
            index += 2 + length
        }
        return false
    }

    /// Whether no type is present.
    @inlinable public var isEmpty: Bool { wire.isEmpty }

    /// The types, in increasing order.
    public var types: [RRType] {
        var result: [RRType] = []
        var index = 0
        while index + 1 < wire.count {
            let base = UInt16(wire[index]) << 8
            let length = Int(wire[index + 1])
            for byteIndex in 0..<length {
                let byte = wire[index + 2 + byteIndex]
                guard byte != 0 else { continue }
                for bit in 0..<8 where byte & (0x80 >> UInt8(bit)) != 0 {
                    result.append(RRType(base | UInt16(byteIndex * 8 + bit)))
                }
            }
            index += 2 + length
        }
        return result
    }

    /// The bitmap with `type` added.
    public func inserting(_ type: RRType) -> TypeBitmap {
        guard !contains(type) else { return self }
        return TypeBitmap(types: types + [type])
    }

    /// Parses type mnemonics (or `TYPEnnn`), one per field, from `fields[start...]`.
    public init(fields: [TextField], from start: Int) throws(TextError) {
        var values: [UInt16] = []
        values.reserveCapacity(fields.count - start)
        for index in start..<fields.count {
            guard !fields[index].isQuoted, let type = RRType(text: fields[index].text) else {
                throw TextError(
                    field: index,
                    "expected a type mnemonic or TYPEnnn in the type bitmap, found \"\(fields[index].text)\"")
            }
            values.append(type.rawValue)
        }
        values.sort()
        self.init(sortedValues: values)
    }

    /// The types as mnemonics separated by spaces (empty for the empty set).
    public var text: String { types.map(\.description).joined(separator: " ") }
}
