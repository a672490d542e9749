import Foundation
import SigilTestSupport
import Testing

@testable import DNSSECTestSupport

/// The ECDSA nonce pool (`sigil_ecdsa_refill` in `Sources/COpenSSL/shim.h`) is per thread, and a
/// forked child inherits the parent's unused pairs; were it to use them, parent and child would sign
/// with the same k, and two signatures with one k give away the private key. Swift cannot fork
/// safely in a test process with other threads, so this compiles a small C program against the
/// shim itself and runs it: it fills the pool, forks, and has both processes sign the same digest.
@Suite struct NoncePoolForkTests {
    static let shim = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/COpenSSL/shim.h").standardized.path

    @Test(.requires(.cc))
    func forkedChildNeverReusesTheParentsNonces() throws {
        let directory = try TemporaryDirectory()
        try Self.program.write(toFile: directory.file("fork.c"), atomically: true, encoding: .utf8)
        _ = try Subprocess.check(
            "cc", ["-O1", "-include", Self.shim, "fork.c", "-o", "fork", "-lcrypto", "-lpthread"],
            in: directory.path)
        let output = try Subprocess.run(directory.file("fork"), [], in: directory.path)
        #expect(output.status == 0, "fork test: \(output.stderr)")
        #expect(output.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "parent and child r differ")
    }

    static let program = """
        #include <openssl/obj_mac.h>
        #include <stdio.h>
        #include <string.h>
        #include <sys/wait.h>
        #include <unistd.h>
        #pragma GCC diagnostic ignored "-Wdeprecated-declarations"
        int main(void) {
            EC_KEY *key = EC_KEY_new_by_curve_name(NID_X9_62_prime256v1);
            if (key == NULL || EC_KEY_generate_key(key) != 1) return 2;
            unsigned char digest[32], parent[64], child[64];
            memset(digest, 7, sizeof digest);
            if (!sigil_ecdsa_sign(key, digest, 32, 32, parent)) return 3; /* fills the pool */
            int pipefd[2];
            if (pipe(pipefd) != 0) return 4;
            pid_t pid = fork();
            if (pid < 0) return 5;
            if (pid == 0) {
                if (!sigil_ecdsa_sign(key, digest, 32, 32, child)) _exit(6);
                _exit(write(pipefd[1], child, 64) == 64 ? 0 : 7);
            }
            if (!sigil_ecdsa_sign(key, digest, 32, 32, parent)) return 8;
            int status = 0;
            if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 9;
            if (read(pipefd[0], child, 64) != 64) return 10;
            puts(memcmp(parent, child, 32) == 0 ? "parent and child r are the same" : "parent and child r differ");
            return 0;
        }
        """
}
