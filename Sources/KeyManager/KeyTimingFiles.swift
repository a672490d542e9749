import DNSSEC
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes the timing metadata of a BIND key pair where BIND keeps it: `Name: value`
/// fields in the `.private` file (what `dnssec-settime -p all` reads) and `; Name: ...` comment
/// lines in the `.key` file (all a key without its private half has).
public enum KeyTimingFiles {
    /// The timing of a stored key: from its `.private` fields, or the `.key` comments without one.
    public static func timing(of key: StoredKey) throws(KeyFileError) -> KeyTiming {
        do {
            if key.signingKey != nil {
                return try KeyTiming(fields: key.timing.map { ($0.name, $0.value) })
            }
            return try KeyTiming(keyFileText: try read(key.publicKeyPath))
        } catch let error as TimingError {
            throw KeyFileError(path: key.signingKey != nil ? key.privateKeyPath : key.publicKeyPath, "\(error)")
        } catch let error as KeyFileError {
            throw error
        } catch {
            throw KeyFileError(path: key.publicKeyPath, "\(error)")
        }
    }

    /// Replaces the timing of `key` in both files, each written whole to a new file and renamed
    /// over the old one, so a crash leaves either the old or the new timing, never half.
    public static func write(_ timing: KeyTiming, to key: StoredKey) throws(KeyFileError) {
        let publicText = try read(key.publicKeyPath)
        let publicFile = try PublicKeyFile(parsing: publicText, path: key.publicKeyPath)
        let kind = key.isKeySigningKey ? "key-signing key" : "zone-signing key"
        let comments = ["This is a \(kind), keyid \(key.keyTag), for \(key.zone.text)."] + timing.commentLines
        if FileManager.default.fileExists(atPath: key.privateKeyPath) {
            var privateFile = try PrivateKeyFile(parsing: try read(key.privateKeyPath), path: key.privateKeyPath)
            defer { privateFile.wipePrivateKey() }
            privateFile.otherFields =
                privateFile.otherFields.filter { !KeyTiming.isTimingField($0.name) }
                + timing.pairs.map { PrivateKeyFile.Field(name: $0.name, value: $0.value) }
            try replace(key.privateKeyPath, privateFile.render(), mode: 0o600)
        }
        try replace(key.publicKeyPath, publicFile.render(comments: comments), mode: 0o644)
    }

    static func read(_ path: String) throws(KeyFileError) -> String { try KeyFileIO.read(path) }

    /// Writes `text` to a temporary file beside `path` (mode `mode` from the start, synced) and
    /// renames it over `path`.
    static func replace(_ path: String, _ text: String, mode: mode_t) throws(KeyFileError) {
        let temporary = path + ".sigil-new"
        unlink(temporary)
        try KeyFileIO.create(temporary, text, mode: mode)
        guard rename(temporary, path) == 0 else {
            let failure = errno
            unlink(temporary)
            throw KeyFileError(path: path, "cannot write: \(String(cString: strerror(failure)))")
        }
    }
}
