import Foundation
import SigilTestSupport
import Testing

@testable import DNSSECTestSupport

/// The ECDSA signer in `Sources/CSigilCrypto/ecdsa.c`, driven from C: a test needs to replace
/// OpenSSL's random generator and to hand the signer keys the Swift API never makes. The test
/// compiles a small program against the target's sources and runs it.
@Suite struct ECDSASignerTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/CSigilCrypto").standardized.path

    /// A VM snapshot restored twice, a live clone or a CRIU restore copies OpenSSL's random
    /// generator state with everything else, so both copies may draw the same random bytes. With
    /// the generator made to repeat itself, signatures of different data must still use different
    /// nonces (r differs); the same data then gives the same r, which shows the generator was
    /// really fixed. Precomputed nonces, or k from random bytes alone, fail the first check.
    @Test(.requires(.cc))
    func repeatedRandomnessStillGivesEachMessageItsOwnNonce() throws {
        let lines = try Self.run("cloned").split(separator: "\n").map { $0.split(separator: " ").last ?? "" }
        try #require(lines.count == 3)
        #expect(lines[0] == lines[1], "the random generator was not fixed")
        #expect(lines[0] != lines[2], "two messages were signed with the same nonce")
    }

    /// A key whose curve has no name (explicit parameters), a key on another curve and keys of
    /// other types are refused with a reason when the signer is made, not signed with or crashed on.
    @Test(.requires(.cc))
    func keysNotOnNamedP256AreRefused() throws {
        let output = try Self.run("curves")
        #expect(
            output == """
                unnamed curve: the EC key has no named curve (explicit curve parameters are not accepted)
                P-384: the EC key is not on curve P-256
                empty key: not an EC key
                Ed25519: not an EC key
                P-256: accepted

                """)
    }

    static func run(_ mode: String) throws -> String {
        let directory = try TemporaryDirectory()
        try program.write(toFile: directory.file("harness.c"), atomically: true, encoding: .utf8)
        let cFiles = try FileManager.default.contentsOfDirectory(atPath: sources).filter { $0.hasSuffix(".c") }
            .map { "\(sources)/\($0)" }
        _ = try Subprocess.check(
            "cc",
            ["-O1", "-I", "\(sources)/include", "-include", "CSigilCrypto.h", "harness.c"] + cFiles
                + ["-o", "harness", "-lcrypto", "-lpthread"],
            in: directory.path)
        let output = try Subprocess.run(directory.file("harness"), [mode], in: directory.path)
        try #require(output.status == 0, "harness \(mode): \(output.stderr)")
        return output.stdout
    }

    static let program = #"""
        #include <openssl/bn.h>
        #include <openssl/ec.h>
        #include <openssl/err.h>
        #include <openssl/evp.h>
        #include <openssl/obj_mac.h>
        #include <openssl/rand.h>
        #include <stdio.h>
        #include <string.h>
        #pragma GCC diagnostic ignored "-Wdeprecated-declarations"

        /* A random generator that repeats itself, as two restored copies of one VM snapshot may. */
        static int fixed_bytes(unsigned char *buf, int num) { memset(buf, 0x5a, (size_t)num); return 1; }
        static int fixed_status(void) { return 1; }
        static RAND_METHOD fixed = {NULL, fixed_bytes, NULL, NULL, fixed_bytes, fixed_status};

        static void hex(const char *label, const unsigned char *bytes) {
            printf("%s ", label);
            for (int i = 0; i < 32; i++) printf("%02x", bytes[i]);
            printf("\n");
        }

        static int cloned(void) {
            EVP_PKEY *key = EVP_EC_gen("P-256");
            if (key == NULL) return 2;
            sigil_ecdsa_signer *signer = NULL;
            const char *why = sigil_ecdsa_signer_new(key, &signer);
            if (why != NULL) { fprintf(stderr, "%s\n", why); return 3; }
            if (!RAND_set_rand_method(&fixed)) return 4;
            unsigned char a1[64], a2[64], b[64];
            if (!sigil_ecdsa_sign(signer, "www.example.test A", 18, a1) ||
                !sigil_ecdsa_sign(signer, "www.example.test A", 18, a2) ||
                !sigil_ecdsa_sign(signer, "mx1.example.test A", 18, b)) return 5;
            hex("r(a)", a1);
            hex("r(a again)", a2);
            hex("r(b)", b);
            sigil_ecdsa_signer_free(signer);
            EVP_PKEY_free(key);
            return 0;
        }

        static void report(const char *label, EVP_PKEY *key) {
            sigil_ecdsa_signer *signer = NULL;
            const char *why = sigil_ecdsa_signer_new(key, &signer);
            printf("%s: %s\n", label, why ? why : "accepted");
            sigil_ecdsa_signer_free(signer);
            ERR_clear_error();
        }

        /* P-256's field and equation with the generator 2G: a valid curve that has no name. */
        static EVP_PKEY *unnamed_curve_key(void) {
            EC_GROUP *named = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
            BIGNUM *p = BN_new(), *a = BN_new(), *b = BN_new(), *two = BN_new();
            BN_CTX *ctx = BN_CTX_new();
            EC_GROUP *group = NULL;
            EC_POINT *g = NULL;
            EC_KEY *ec = NULL;
            EVP_PKEY *key = NULL;
            if (!named || !p || !a || !b || !two || !ctx || !EC_GROUP_get_curve(named, p, a, b, ctx)) goto end;
            group = EC_GROUP_new_curve_GFp(p, a, b, ctx);
            g = group ? EC_POINT_new(group) : NULL;
            EC_POINT *twice = EC_POINT_new(named);
            unsigned char octets[65];
            int made = twice != NULL && BN_set_word(two, 2) && EC_POINT_mul(named, twice, two, NULL, NULL, ctx) &&
                       EC_POINT_point2oct(named, twice, POINT_CONVERSION_UNCOMPRESSED, octets, sizeof octets, ctx) == 65;
            EC_POINT_free(twice);
            if (g == NULL || !made || !EC_POINT_oct2point(group, g, octets, sizeof octets, ctx) ||
                !EC_GROUP_set_generator(group, g, EC_GROUP_get0_order(named), EC_GROUP_get0_cofactor(named)))
                goto end;
            if (EC_GROUP_get_curve_name(group) != NID_undef) goto end;
            ec = EC_KEY_new();
            if (!ec || !EC_KEY_set_group(ec, group) || !EC_KEY_generate_key(ec)) goto end;
            key = EVP_PKEY_new();
            if (!key || !EVP_PKEY_assign_EC_KEY(key, ec)) { EVP_PKEY_free(key); key = NULL; goto end; }
            ec = NULL;
        end:
            EC_KEY_free(ec);
            EC_POINT_free(g);
            EC_GROUP_free(group);
            EC_GROUP_free(named);
            BN_free(p); BN_free(a); BN_free(b); BN_free(two);
            BN_CTX_free(ctx);
            return key;
        }

        static int curves(void) {
            EVP_PKEY *unnamed = unnamed_curve_key();
            if (unnamed == NULL) return 2;
            report("unnamed curve", unnamed);
            EVP_PKEY_free(unnamed);
            EVP_PKEY *p384 = EVP_EC_gen("P-384");
            if (p384 == NULL) return 3;
            report("P-384", p384);
            EVP_PKEY_free(p384);
            EVP_PKEY *empty = EVP_PKEY_new();
            report("empty key", empty);
            EVP_PKEY_free(empty);
            EVP_PKEY *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
            report("Ed25519", ed);
            EVP_PKEY_free(ed);
            EVP_PKEY *p256 = EVP_EC_gen("P-256");
            report("P-256", p256);
            EVP_PKEY_free(p256);
            return 0;
        }

        int main(int argc, char **argv) {
            if (argc == 2 && strcmp(argv[1], "cloned") == 0) return cloned();
            if (argc == 2 && strcmp(argv[1], "curves") == 0) return curves();
            return 1;
        }
        """#
}
