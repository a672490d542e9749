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

/* SHA-256 of data, context on the stack (same reason as above): the digest ECDSA signs. */
static inline void sigil_sha256(const void *data, size_t length, unsigned char *out) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, data, length);
    SHA256_Final(out, &context);
}

/* The EC_KEY inside an EC EVP_PKEY (a new reference; EC_KEY_free it), for sigil_ecdsa_sign. */
static inline EC_KEY *sigil_evp_pkey_get1_ec_key(EVP_PKEY *pkey) { return EVP_PKEY_get1_EC_KEY(pkey); }
static inline void sigil_ec_key_free(EC_KEY *key) { EC_KEY_free(key); }

/* ECDSA over a digest with the EC_KEY API, writing r and s left-padded to `width` bytes each
   (RFC 6605's r || s). EVP_PKEY_sign would need a context per call (EVP_PKEY_CTX_dup: three
   allocations and a provider context copy) and returns DER that must be parsed back; this reads
   r and s from the ECDSA_SIG. The key is only read, so threads may share it, as EVP's duplicated
   contexts share it too. Returns 1 on success. */
static inline int sigil_ecdsa_sign(EC_KEY *key, const unsigned char *digest, int digest_length, int width,
                                   unsigned char *out) {
    ECDSA_SIG *signature = ECDSA_do_sign(digest, digest_length, key);
    if (signature == NULL) return 0;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(signature, &r, &s);
    int ok = BN_bn2binpad(r, out, width) == width && BN_bn2binpad(s, out + width, width) == width;
    ECDSA_SIG_free(signature);
    return ok;
}
#pragma GCC diagnostic pop
#endif
