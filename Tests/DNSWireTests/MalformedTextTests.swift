import Testing

@testable import DNSWire

/// Bad presentation text: each must fail with a `TextError` that says what was expected.
@Suite struct MalformedTextTests {
    static func parse(_ type: RRType, _ text: String) throws(TextError) -> RData {
        try RData(type: type, fields: TextField.split(text), origin: nil)
    }

    /// The error `body` throws; records an issue when it does not throw one.
    static func error(_ type: RRType, _ text: String) -> TextError? {
        do {
            _ = try parse(type, text)
            Issue.record("\(type) \(text) parsed")
            return nil
        } catch {
            return error
        }
    }

    @Test func badBase64() {
        let error = Self.error(.dnskey, "257 3 8 AwEAAa!x")
        #expect(error?.field == 3)
        #expect(error?.message.contains("expected a public key in base64") == true)
        #expect(
            Self.error(.rrsig, "A 8 2 60 20240101000000 20230101000000 1 example. AAA")?.message
                .contains("base64") == true)
    }

    @Test func oddHex() {
        let error = Self.error(.ds, "12345 8 2 ABC")
        #expect(error?.field == 3)
        #expect(error?.message.contains("expected a digest in hexadecimal") == true)
        #expect(Self.error(.tlsa, "3 1 1 XYZ0")?.message.contains("hexadecimal") == true)
        #expect(Self.error(.nsec3param, "1 0 0 ABC")?.message.contains("expected a salt") == true)
    }

    @Test func badIPv4() {
        for text in ["192.0.2.256", "192.0.2", "192.0.2.1.5", "+1.2.3.4", "01.2.3.4", "a.b.c.d"] {
            let error = Self.error(.a, text)
            #expect(error?.message.hasPrefix("expected an IPv4 address") == true, "\(text)")
        }
        #expect(Self.error(.svcb, "1 . ipv4hint=192.0.2.1,300.0.0.1")?.message.contains("IPv4") == true)
    }

    @Test func badIPv6() {
        for text in ["2001:db8::g", "2001:db8:::1", "192.0.2.1", "1:2:3:4:5:6:7:8:9"] {
            #expect(Self.error(.aaaa, text)?.message.hasPrefix("expected an IPv6 address") == true, "\(text)")
        }
    }

    @Test func ttlOverflow() {
        #expect(TTL.parse("2147483647") == 2_147_483_647)
        #expect(TTL.parse("2147483648") == nil)
        #expect(TTL.parse("4294967296") == nil)
        #expect(TTL.parse("99999999999w") == nil)
        #expect(TTL.parse("+5") == nil)
        let error = Self.error(.soa, "ns. host. 1 2147483648 1 1 1")
        #expect(error?.field == 3)
        #expect(error?.message.hasPrefix("expected a time value") == true)
        #expect(Self.error(.rrsig, "A 8 2 4294967296 20240101000000 20230101000000 1 . AA==")?.field == 3)
    }

    @Test func labelTooLong() {
        let error = Self.error(.ns, String(repeating: "a", count: 64) + ".example.")
        #expect(error?.field == 0)
        #expect(error?.message.contains("label longer than 63 bytes") == true)
    }

    @Test func badTypeBitmapMnemonic() {
        let error = Self.error(.nsec, "next.example. A BOGUS AAAA")
        #expect(error?.field == 2)
        #expect(error?.message.contains("expected a type mnemonic or TYPEnnn") == true)
        #expect(Self.error(.nsec3, "1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s A TYPE70000")?.field == 6)
        #expect(Self.error(.nsec, "next.example. TYPE+1")?.field == 1)
    }

    @Test func badNumbers() {
        #expect(Self.error(.mx, "-1 mail.example.")?.message == "expected a preference (0 to 65535)")
        #expect(Self.error(.srv, "0 0 65536 target.")?.message == "expected a port (0 to 65535)")
        #expect(Self.error(.caa, "256 issue \"x\"")?.field == 0)
    }

    @Test func badRRSIGTimes() {
        for time in ["20241301000000", "20240230000000", "2024010100000", "19691231235959", "20240101240000"] {
            let error = Self.error(.rrsig, "A 8 2 60 \(time) 20230101000000 1 example. AAAA")
            #expect(error?.field == 4, "\(time)")
            #expect(error?.message.hasPrefix("expected a time as YYYYMMDDHHmmSS") == true)
        }
    }

    @Test func badSVCB() {
        #expect(Self.error(.svcb, "1 . alpn=h2 alpn=h3")?.message.contains("once") == true)
        #expect(Self.error(.svcb, "1 . mandatory=port alpn=h2")?.message.contains("mandatory") == true)
        #expect(Self.error(.svcb, "1 . mandatory=mandatory")?.message.contains("other than mandatory") == true)
        #expect(Self.error(.https, "1 . port=http")?.message.contains("port number") == true)
        #expect(Self.error(.https, "1 . bogus=1")?.message.contains("SvcParamKey") == true)
        #expect(Self.error(.https, "1 . alpn")?.message.contains("a value") == true)
        #expect(Self.error(.https, "1 . no-default-alpn=x")?.message.contains("no value") == true)
        #expect(Self.error(.https, "1 . key65535")?.message.contains("reserved") == true)
    }

    @Test func badCAAAndNSEC3() {
        #expect(Self.error(.caa, "0 is-sue \"x\"")?.message.contains("ASCII letters and digits") == true)
        #expect(Self.error(.nsec3, "1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3w")?.message.contains("base32hex") == true)
    }

    @Test func genericLengthMismatch() {
        #expect(Self.error(RRType(65280), "\\# 4 ABCDEF")?.message.contains("does not match") == true)
        #expect(Self.error(.a, "\\# 3 C00002")?.message.contains("not valid A data") == true)
    }
}
