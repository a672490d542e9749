import CLibSSL
import DNSWire
import Foundation

package struct MTASTSOptions: Sendable {
    /// PEM file of the CAs that may issue the policy host's certificate (the lab's own CA);
    /// nil for the system's.
    package var caFile: String?
    /// Where to connect instead of resolving `mta-sts.DOMAIN` (`HOST:PORT`), for a lab.
    package var connect: ServerAddress?

    package init(caFile: String? = nil, connect: ServerAddress? = nil) {
        self.caFile = caFile
        self.connect = connect
    }
}

/// An MTA-STS policy (RFC 8461 §3.2).
package struct MTASTSPolicy: Equatable, Sendable {
    package var mode: String
    package var mx: [String]
    package var maxAge: Int

    /// Parses and validates the policy text; throws with every problem named.
    package init(parsing text: String) throws(ValidationFailure) {
        var fields: [String: [String]] = [:]
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = line.trimmingCharacters(in: .whitespaces)
            guard let colon = line.firstIndex(of: ":") else {
                throw ValidationFailure("not a key: value line: \(line)")
            }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            fields[key, default: []].append(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        guard fields["version"] == ["STSv1"] else { throw ValidationFailure("version must be STSv1") }
        guard let mode = fields["mode"]?.first, fields["mode"]?.count == 1,
            ["enforce", "testing", "none"].contains(mode)
        else { throw ValidationFailure("mode must be one of enforce, testing, none") }
        guard let ageText = fields["max_age"]?.first, let maxAge = Int(ageText), (0...31_557_600).contains(maxAge)
        else { throw ValidationFailure("max_age must be 0 to 31557600 seconds") }
        let mx = fields["mx"] ?? []
        guard mode == "none" || !mx.isEmpty else { throw ValidationFailure("mode \(mode) needs at least one mx line") }
        for pattern in mx where pattern.isEmpty || pattern.dropFirst(pattern.hasPrefix("*.") ? 2 : 0).contains("*") {
            throw ValidationFailure("bad mx pattern \"\(pattern)\"")
        }
        self.mode = mode
        self.mx = mx
        self.maxAge = maxAge
    }

    /// RFC 8461 §4.1: a pattern matches the host exactly, or `*.` matches one leftmost label.
    package static func matches(_ pattern: String, host: String) -> Bool {
        let pattern = pattern.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if pattern.hasPrefix("*.") {
            guard let dot = host.firstIndex(of: ".") else { return false }
            return host[host.index(after: dot)...] == pattern.dropFirst(2)
        }
        return pattern == host
    }
}

/// `--mta-sts`: fetches `https://mta-sts.DOMAIN/.well-known/mta-sts.txt` (RFC 8461 §3.3) with a
/// verified certificate, validates it, and checks every MX against its patterns.
package enum MTASTS {
    static func check(domain: DNSName, mx: [DNSName], lookup: any SecureLookup, options: MTASTSOptions) -> [Finding] {
        let host = "mta-sts." + SMTPProbe.lowercaseText(domain)
        var findings: [Finding] = []
        func add(_ check: String, _ verdict: Verdict, _ detail: String) {
            findings.append(Finding(scope: host, check: check, verdict: verdict, detail: detail))
        }
        var target = options.connect
        if target == nil, let name = try? DNSName(text: host + ".") {
            let answer = lookup.lookup(name, .a)
            if case .a(let a) = answer.records.first?.data { target = ServerAddress(host: a.text, port: 443) }
        }
        guard let target else {
            add("MTA-STS policy", .fail, "no address for \(host)")
            return findings
        }
        let body: String
        do { body = try fetch(host: host, path: "/.well-known/mta-sts.txt", at: target, caFile: options.caFile) } catch
        {
            add("MTA-STS policy", .fail, "\(error)")
            return findings
        }
        let policy: MTASTSPolicy
        do { policy = try MTASTSPolicy(parsing: body) } catch {
            add("MTA-STS policy", .fail, "invalid policy: \(error)")
            return findings
        }
        add(
            "MTA-STS policy", .pass,
            "mode \(policy.mode), max_age \(policy.maxAge), mx \(policy.mx.joined(separator: " "))")
        for exchange in mx {
            let name = SMTPProbe.lowercaseText(exchange)
            if policy.mx.contains(where: { MTASTSPolicy.matches($0, host: name) }) {
                add("MTA-STS mx", .pass, "\(name) matches the policy")
            } else {
                add("MTA-STS mx", policy.mode == "enforce" ? .fail : .warn, "\(name) matches no mx pattern")
            }
        }
        return findings
    }

    /// One HTTPS GET over libssl, the certificate verified for `host` against `caFile`; the body
    /// of a 200 answer.
    static func fetch(
        host: String, path: String, at target: ServerAddress, caFile: String?
    ) throws(ValidationFailure)
        -> String
    {
        guard let address = SocketAddress(host: target.host, port: target.port) else {
            throw ValidationFailure("bad address \(target)")
        }
        let socket: TimedSocket
        do { socket = try TimedSocket(connectingTo: address, stream: true, timeout: 5) } catch {
            throw ValidationFailure("\(target): \(error)")
        }
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw ValidationFailure("SSL_CTX_new failed") }
        defer { SSL_CTX_free(context) }
        let loaded =
            caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else { throw ValidationFailure("cannot read the CA file \(caFile ?? "(system)")") }
        guard let ssl = SSL_new(context) else { throw ValidationFailure("SSL_new failed") }
        defer { SSL_free(ssl) }
        SSL_set_verify(ssl, SSL_VERIFY_PEER, nil)
        _ = SSL_set1_host(ssl, host)
        // SNI: SSL_set_tlsext_host_name is a macro over SSL_ctrl.
        _ = host.withCString {
            SSL_ctrl(
                ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: $0)
            )
        }
        _ = SSL_set_fd(ssl, socket.fd)
        guard SSL_connect(ssl) == 1 else {
            let verify = SSL_get_verify_result(ssl)
            throw ValidationFailure(
                "TLS to \(host) failed: "
                    + (verify == X509_V_OK ? "handshake error" : String(cString: X509_verify_cert_error_string(verify)))
            )
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n"
        _ = request.withCString { SSL_write(ssl, $0, Int32(strlen($0))) }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while response.count < 65536 {
            let count = buffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            guard count > 0 else { break }
            response += buffer[0..<Int(count)]
        }
        let text = String(decoding: response, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw ValidationFailure("no HTTP response from \(host)") }
        let status = text[..<split.lowerBound].split(separator: "\r\n").first ?? ""
        guard status.split(separator: " ").dropFirst().first == "200" else {
            throw ValidationFailure("https://\(host)\(path): \(status)")
        }
        return String(text[split.upperBound...])
    }
}
