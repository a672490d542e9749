import CLibSSL
import DNSWire
import Foundation

/// What one STARTTLS connection to one MX address showed.
package struct SMTPProbeResult: Codable, Sendable {
    package var address: String
    package var starttls = false
    package var tlsEstablished = false
    /// The chain matched a usable TLSA record by RFC 7671/7672 rules (OpenSSL's DANE verifier).
    package var verified = false
    /// The record that matched, "U S M HEX".
    package var matched: String?
    /// Whole days until the end-entity certificate expires (negative: since it expired).
    package var expiryDays: Int?
    package var expired = false
    package var error: String?
}

/// A STARTTLS client for SMTP (RFC 3207) that matches the server's chain against the TLSA RRset
/// with OpenSSL's own DANE support: usage 3 (DANE-EE) matches the leaf, ignoring its names and
/// dates (RFC 7672 §3.1.1); usage 2 (DANE-TA) matches a trust anchor in the chain, then checks the
/// chain, its dates and the name against the MX host or the domain (§3.1.2, §3.2.2). Usages 0 and 1
/// are not used for SMTP (§3.1.3) and are left out by the caller.
package enum SMTPProbe {
    package static func probe(
        address: String, port: UInt16, host: DNSName, domain: DNSName, tlsa: [TLSA], timeout: Double
    ) -> SMTPProbeResult {
        var result = SMTPProbeResult(address: address)
        guard let socketAddress = SocketAddress(host: address, port: port) else {
            result.error = "bad address \(address)"
            return result
        }
        let socket: TimedSocket
        var lines = LineReader()
        do {
            socket = try TimedSocket(connectingTo: socketAddress, stream: true, timeout: timeout)
            guard try lines.reply(socket).code == 220 else { throw NetworkError("no 220 greeting") }
            try socket.send(Array("EHLO dane-check.sigil.invalid\r\n".utf8))
            let ehlo = try lines.reply(socket)
            guard ehlo.code == 250 else { throw NetworkError("EHLO refused: \(ehlo.code)") }
            guard ehlo.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                try? socket.send(Array("QUIT\r\n".utf8))
                result.error = "the server does not offer STARTTLS"
                return result
            }
            result.starttls = true
            try socket.send(Array("STARTTLS\r\n".utf8))
            let ready = try lines.reply(socket)
            guard ready.code == 220 else { throw NetworkError("STARTTLS refused: \(ready.code)") }
        } catch {
            result.error = "\(error)"
            return result
        }
        handshake(socket.fd, host: host, domain: domain, tlsa: tlsa, into: &result)
        return result
    }

    static func lowercaseText(_ name: DNSName) -> String {
        var text = name.lowercased().text
        if text.count > 1, text.hasSuffix(".") { text.removeLast() }
        return text
    }

    private static func handshake(
        _ fd: Int32, host: DNSName, domain: DNSName, tlsa: [TLSA], into result: inout SMTPProbeResult
    ) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            result.error = "SSL_CTX_new failed"
            return
        }
        defer { SSL_CTX_free(context) }
        guard SSL_CTX_dane_enable(context) > 0, let ssl = SSL_new(context) else {
            result.error = "OpenSSL has no DANE support"
            return
        }
        defer { SSL_free(ssl) }
        // The MX host is the base domain (and SNI); the domain is a second reference identifier
        // for DANE-TA name checks. DANE-EE matches ignore names (RFC 7672 §3.1.1).
        _ = SSL_dane_enable(ssl, lowercaseText(host))
        _ = SSL_add1_host(ssl, lowercaseText(domain))
        _ = SSL_dane_set_flags(ssl, 1)  // DANE_FLAG_NO_DANE_EE_NAMECHECKS
        // Verification failures are read afterwards, for the report, instead of aborting.
        SSL_set_verify(ssl, SSL_VERIFY_NONE, nil)
        var usable = 0
        for record in tlsa where record.usage == 2 || record.usage == 3 {
            let added = record.data.withUnsafeBufferPointer {
                SSL_dane_tlsa_add(ssl, record.usage, record.selector, record.matchingType, $0.baseAddress, $0.count)
            }
            if added > 0 { usable += 1 }
        }
        _ = SSL_set_fd(ssl, fd)
        guard SSL_connect(ssl) == 1 else {
            result.error = "TLS handshake failed: \(drainErrors())"
            return
        }
        result.tlsEstablished = true
        if let certificate = SSL_get0_peer_certificate(ssl), let notAfter = X509_get0_notAfter(certificate) {
            var days: Int32 = 0
            var seconds: Int32 = 0
            if ASN1_TIME_diff(&days, &seconds, nil, notAfter) == 1 {
                result.expiryDays = Int(days)
                result.expired = days < 0 || seconds < 0
            }
        }
        let verify = SSL_get_verify_result(ssl)
        var usage: UInt8 = 0
        var selector: UInt8 = 0
        var matching: UInt8 = 0
        var data: UnsafePointer<UInt8>? = nil
        var length = 0
        if usable > 0, verify == X509_V_OK, SSL_get0_dane_tlsa(ssl, &usage, &selector, &matching, &data, &length) >= 0,
            let data
        {
            result.verified = true
            let bytes = Array(UnsafeBufferPointer(start: data, count: length))
            result.matched = "\(usage) \(selector) \(matching) \(Base16.encode(bytes))"
        } else if usable == 0 {
            result.error = "no usable TLSA record to match"
        } else {
            result.error = "no TLSA record matches: " + String(cString: X509_verify_cert_error_string(verify))
        }
        _ = SSL_shutdown(ssl)
    }

    private static func drainErrors() -> String {
        var texts: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return texts.isEmpty ? "connection closed" : texts.joined(separator: "; ")
    }
}

/// SMTP replies (RFC 5321 §4.2): lines `CODE-text`, the last `CODE text`.
struct LineReader {
    var buffer: [UInt8] = []

    mutating func line(_ socket: TimedSocket) throws(NetworkError) -> String {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            guard buffer.count < 4096 else { throw NetworkError("SMTP line too long") }
            let chunk = try socket.receive(limit: 4096)
            guard !chunk.isEmpty else { throw NetworkError("the server closed the connection") }
            buffer += chunk
        }
    }

    mutating func reply(_ socket: TimedSocket) throws(NetworkError) -> (code: Int, lines: [String]) {
        var texts: [String] = []
        for _ in 0..<100 {
            let line = try line(socket)
            guard line.count >= 3, let code = Int(line.prefix(3)) else { throw NetworkError("not SMTP: \(line)") }
            texts.append(String(line.dropFirst(4)))
            if line.count == 3 || line[line.index(line.startIndex, offsetBy: 3)] == " " { return (code, texts) }
        }
        throw NetworkError("SMTP reply too long")
    }
}
