#ifndef SIGIL_COPENSSL_SHIM_H
#define SIGIL_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/bn.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

/* EVP_PKEY_KEYPAIR / EVP_PKEY_PUBLIC_KEY are composite macros Swift does not import. */
static inline int sigil_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
static inline int sigil_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

/* SHA-1 of a ‖ b with the context on the stack. NSEC3 hashes names on the query path, and in
   OpenSSL 3.0 every EVP_DigestInit frees and re-allocates the provider context; the low-level
   SHA1_* functions (deprecated, not removed) allocate nothing. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static inline void sigil_sha1_concat(const void *a, size_t a_length, const void *b, size_t b_length,
                                     unsigned char *out) {
    SHA_CTX context;
    SHA1_Init(&context);
    SHA1_Update(&context, a, a_length);
    if (b_length > 0) SHA1_Update(&context, b, b_length);
    SHA1_Final(out, &context);
}
#pragma GCC diagnostic pop
#endif
