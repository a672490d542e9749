/// A query built by hand, for what kdig will not send.
func rawQuery(id: UInt16, name: String, type: UInt16) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    for label in name.split(separator: ".") { bytes += [UInt8(label.utf8.count)] + Array(label.utf8) }
    return bytes + [0, UInt8(type >> 8), UInt8(type & 0xFF), 0, 1]
}

extension [UInt8] {
    /// This query with a minimal OPT (payload 1232) appended and ARCOUNT set to 1.
    func withOPT() -> [UInt8] {
        var bytes = self
        bytes[11] = 1
        return bytes + [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]
    }
}
