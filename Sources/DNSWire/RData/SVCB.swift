/// Service binding (RFC 9460), the data of both SVCB and HTTPS.
public struct SVCB: RDataProtocol {
    /// 0 is AliasMode; anything else is ServiceMode, lower preferred.
    public var priority: UInt16
    /// `.` means the owner name (ServiceMode) or "no service" (AliasMode). Never compressed and not
    /// lowercased in canonical form (RFC 9460 §2.2 keeps it out of RFC 4034's list).
    public var target: DNSName
    /// Strictly increasing by key, each value valid for its key.
    public var params: [SvcParam]

    public init(priority: UInt16, target: DNSName, params: [SvcParam] = []) {
        self.priority = priority
        self.target = target
        self.params = params.sorted { $0.key < $1.key }
    }

    public var isAliasMode: Bool { priority == 0 }

    /// The value of `key`, in wire form, if present.
    public func value(for key: SvcParamKey) -> [UInt8]? { params.first { $0.key == key }?.value }

    public init(decoding reader: inout WireReader, length: Int) throws(WireError) {
        let end = reader.offset + length
        try reader.require(3, before: end, type: .svcb)
        priority = try reader.readUInt16()
        target = try reader.readName()
        params = []
        var previous = -1
        while reader.offset < end {
            let paramAt = reader.offset
            try reader.require(4, before: end, type: .svcb)
            let key = try reader.readUInt16()
            let count = Int(try reader.readUInt16())
            try reader.require(count, before: end, type: .svcb)
            let param = SvcParam(key: SvcParamKey(key), value: try reader.readBytes(count))
            guard Int(key) > previous, param.isValid else { throw .badRData(type: RRType.svcb.rawValue, at: paramAt) }
            previous = Int(key)
            params.append(param)
        }
        guard SVCB.mandatoryKeysPresent(params) else { throw .badRData(type: RRType.svcb.rawValue, at: end - length) }
    }

    public func serialize(into writer: inout WireWriter, form: NameForm) {
        writer.writeUInt16(priority)
        writer.writeName(target, form: form, compressible: false, lowercased: false)
        for param in params {
            writer.writeUInt16(param.key.rawValue)
            writer.writeUInt16(UInt16(param.value.count))
            writer.writeBytes(param.value)
        }
    }

    /// `priority target key=value...`. A value may be quoted; `key= "value"` split by the lexer is
    /// accepted too. Keys may come in any order and are sorted.
    public init(fields: [TextField], origin: DNSName?) throws(TextError) {
        guard fields.count >= 2 else { throw TextError("expected priority, target name and SvcParams") }
        priority = try parseInteger(fields, 0, "a priority")
        target = try parseName(fields, 1, origin: origin)
        var params: [SvcParam] = []
        var index = 2
        while index < fields.count {
            let field = fields[index]
            let fieldIndex = index
            index += 1
            let keyText: Substring
            var valueField: TextField? = nil
            if let equals = field.text.firstIndex(of: "=") {
                keyText = field.text[..<equals]
                let rest = String(field.text[field.text.index(after: equals)...])
                if rest.isEmpty, !field.isQuoted, index < fields.count, fields[index].isQuoted {
                    valueField = fields[index]
                    index += 1
                } else {
                    valueField = TextField(rest, quoted: field.isQuoted)
                }
            } else {
                keyText = field.text[...]
            }
            guard let key = SvcParamKey(text: keyText) else {
                throw TextError(
                    field: fieldIndex, "expected a SvcParamKey (alpn, port, ..., keyNNNNN), found \"\(keyText)\"")
            }
            let valueBytes = try valueField?.unescaped(field: fieldIndex)
            // `key=""` is an empty value, the same on the wire as a bare key.
            let param = try SvcParam(key: key, text: valueBytes?.isEmpty == true ? nil : valueBytes, field: fieldIndex)
            guard !params.contains(where: { $0.key == key }) else {
                throw TextError(field: fieldIndex, "expected each SvcParamKey once, found \(key) twice")
            }
            params.append(param)
        }
        params.sort { $0.key < $1.key }
        guard SVCB.mandatoryKeysPresent(params) else {
            throw TextError("expected every key listed in mandatory to be present")
        }
        self.params = params
    }

    public var text: String {
        var parts = ["\(priority)", target.text]
        for param in params { parts.append(param.text) }
        return parts.joined(separator: " ")
    }

    /// RFC 9460 §8: every key that `mandatory` lists must be present.
    static func mandatoryKeysPresent(_ params: [SvcParam]) -> Bool {
        guard let mandatory = params.first, mandatory.key == .mandatory else { return true }
        return mandatory.mandatoryKeys.allSatisfy { key in params.contains { $0.key == key } }
    }
}
