import DNSWire
import DNSZone

/// NOTIFY messages (RFC 1996): the one a primary sends to its secondaries when a zone has a new
/// serial, and the check of their answer.
public enum NotifyMessage {
    /// A NOTIFY for `zone` (AA set, question `ORIGIN SOA`, the new SOA in the answer section as a
    /// hint, §3.7), with this `id`.
    public static func request(for zone: Zone, id: UInt16) -> WireWriter {
        var writer = WireWriter(capacity: 512)
        writer.writeUInt16(id)
        writer.writeUInt16(UInt16(Opcode.notify.rawValue) << 11 | 0x0400)
        writer.writeUInt16(1)
        writer.writeUInt16(1)
        writer.writeUInt16(0)
        writer.writeUInt16(0)
        writer.writeName(zone.origin, compress: true)
        writer.writeUInt16(RRType.soa.rawValue)
        writer.writeUInt16(RRClass.in.rawValue)
        let soa = zone.rrsets[zone.soa]
        writer.writeName(zone.origin, compress: true)
        writer.writeUInt16(RRType.soa.rawValue)
        writer.writeUInt16(RRClass.in.rawValue)
        writer.writeUInt32(soa.ttl)
        writer.writeBytes(soa.wire)
        return writer
    }

    /// Whether `response` answers the NOTIFY with `id`: a response, opcode NOTIFY, same id. Its
    /// RCODE is returned (NOERROR: acknowledged), or nil if it is not such an answer.
    public static func rcode(of response: [UInt8], id: UInt16) -> RCode? {
        guard response.count >= 12, UInt16(response[0]) << 8 | UInt16(response[1]) == id,
            response[2] & 0x80 != 0, (response[2] >> 3) & 0xF == Opcode.notify.rawValue
        else { return nil }
        return RCode(UInt16(response[3] & 0xF))
    }
}
