extension WireWriter {
    /// Writes TYPE, CLASS, TTL and a zero RDLENGTH in one append, returning RDLENGTH's offset for
    /// `patchUInt16` once the RDATA is written.
    @inlinable public mutating func writeRecordHeader(type: UInt16, class rrClass: UInt16, ttl: UInt32) -> Int {
        appendRaw(count: 10) { pointer in
            WireWriter.storeHeader(pointer, type: type, class: rrClass, ttl: ttl)
            pointer.storeBytes(of: 0, toByteOffset: 8, as: UInt16.self)
        }
        return bytes.count - 2
    }

    /// Writes what follows a record's owner name in one append: TYPE, CLASS, TTL, then
    /// `lengthAndData`, the record's RDLENGTH and RDATA as kept pre-encoded (e.g. in an RRset's wire
    /// form or a signature cache).
    @inlinable public mutating func writeRecordBody(
        type: UInt16, class rrClass: UInt16, ttl: UInt32, lengthAndData: UnsafeRawBufferPointer
    ) {
        let size = lengthAndData.count
        appendRaw(count: 8 + size) { pointer in
            WireWriter.storeHeader(pointer, type: type, class: rrClass, ttl: ttl)
            if size > 0 { (pointer + 8).copyMemory(from: lengthAndData.baseAddress!, byteCount: size) }
        }
    }

    /// Writes a whole record in one append: its owner as a compression pointer to the name at
    /// `ownerAt` (which must be below 0x4000), TYPE, CLASS, TTL, then `lengthAndData` (RDLENGTH
    /// and RDATA pre-encoded). For the second and later records of an RRset, and signatures.
    @inlinable public mutating func writeRecord(
        ownerAt: Int, type: UInt16, class rrClass: UInt16, ttl: UInt32, lengthAndData: UnsafeRawBufferPointer
    ) {
        precondition(ownerAt >= 0 && ownerAt < 0x4000, "a compression pointer's offset is 14 bits")
        let size = lengthAndData.count
        let pointer = 0xC000 | UInt16(truncatingIfNeeded: ownerAt)
        appendRaw(count: 10 + size) { out in
            out.storeBytes(of: pointer.bigEndian, as: UInt16.self)
            WireWriter.storeHeader(out + 2, type: type, class: rrClass, ttl: ttl)
            if size > 0 { (out + 10).copyMemory(from: lengthAndData.baseAddress!, byteCount: size) }
        }
    }

    /// Writes TYPE, CLASS and TTL, then RDLENGTH for `rdata` and `rdata` itself, in one append.
    @inlinable public mutating func writeRecordBody(
        type: UInt16, class rrClass: UInt16, ttl: UInt32, rdata: UnsafeRawBufferPointer
    ) {
        let size = rdata.count
        precondition(size <= 0xFFFF, "RDATA longer than RDLENGTH can say")
        appendRaw(count: 10 + size) { out in
            WireWriter.storeHeader(out, type: type, class: rrClass, ttl: ttl)
            out.storeBytes(of: UInt16(truncatingIfNeeded: size).bigEndian, toByteOffset: 8, as: UInt16.self)
            if size > 0 { (out + 10).copyMemory(from: rdata.baseAddress!, byteCount: size) }
        }
    }

    @inlinable @inline(__always)
    static func storeHeader(_ pointer: UnsafeMutableRawPointer, type: UInt16, class rrClass: UInt16, ttl: UInt32) {
        pointer.storeBytes(of: type.bigEndian, as: UInt16.self)
        pointer.storeBytes(of: rrClass.bigEndian, toByteOffset: 2, as: UInt16.self)
        pointer.storeBytes(of: ttl.bigEndian, toByteOffset: 4, as: UInt32.self)
    }
}
