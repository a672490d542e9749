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
#include <pthread.h>

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

/* The calling thread's BN_CTX for ECDSA's nonce setup, made on first use and freed when the
   thread exits. ECDSA_do_sign makes (and frees) a BN_CTX, its pool of BIGNUM temporaries and
   several points on every call; a context must not be shared by threads, so each keeps its own.
   It is a secure context: its temporaries (which held values derived from the nonce) are
   cleared when it is freed. */
struct sigil_bn_ctx_slot {
    pthread_once_t once;
    pthread_key_t key;
    int ready;
};
/* The state lives in a function's static, not at file scope: Swift's importer emits the inline
   functions it calls, but not file-scope variables they use. */
static inline struct sigil_bn_ctx_slot *sigil_bn_ctx_slot(void) {
    static struct sigil_bn_ctx_slot slot = {PTHREAD_ONCE_INIT, 0, 0};
    return &slot;
}
static inline void sigil_bn_ctx_destroy(void *ctx) { BN_CTX_free((BN_CTX *)ctx); }
static inline void sigil_bn_ctx_make_key(void) {
    struct sigil_bn_ctx_slot *slot = sigil_bn_ctx_slot();
    slot->ready = pthread_key_create(&slot->key, sigil_bn_ctx_destroy) == 0;
}
static inline BN_CTX *sigil_thread_bn_ctx(void) {
    struct sigil_bn_ctx_slot *slot = sigil_bn_ctx_slot();
    if (pthread_once(&slot->once, sigil_bn_ctx_make_key) != 0 || !slot->ready) return NULL;
    BN_CTX *ctx = (BN_CTX *)pthread_getspecific(slot->key);
    if (ctx != NULL) return ctx;
    ctx = BN_CTX_secure_new();
    if (ctx != NULL && pthread_setspecific(slot->key, ctx) != 0) {
        BN_CTX_free(ctx);
        return NULL;
    }
    return ctx;
}

/* ECDSA over a digest with the EC_KEY API, writing r and s left-padded to `width` bytes each
   (RFC 6605's r || s). EVP_PKEY_sign would need a context per call (EVP_PKEY_CTX_dup: three
   allocations and a provider context copy; even a context kept per thread measured slower than
   ECDSA_do_sign) and returns DER that must be parsed back; this reads r and s from the ECDSA_SIG.

   The nonce is made by ECDSA_sign_setup on the thread's BN_CTX and used once by
   ECDSA_do_sign_ex. ECDSA_do_sign would derive k by hashing the private key, the digest and
   fresh random bytes with SHA-512 (a digest fetch and context per call), with all of setup's
   temporaries drawn from the BN_CTX it makes per call; setup without a digest draws k uniformly
   from OpenSSL's private CSPRNG instead (FIPS 186-4's method), and its temporaries come from a
   pool kept across calls: 22 allocations instead of 30, about 1.5 µs less CPU of 23. What the
   hash adds is a fallback for a broken random generator, which OpenSSL's seeded DRBG is not.
   k⁻¹ and r are cleared and freed after one signature, never reused; should s come out zero
   (probability 2⁻²⁵⁶), ECDSA_do_sign_ex refuses the pair and a new one is made. The key is only
   read, so threads may share it. Returns 1 on success. */
static inline int sigil_ecdsa_sign(EC_KEY *key, const unsigned char *digest, int digest_length, int width,
                                   unsigned char *out) {
    BN_CTX *ctx = sigil_thread_bn_ctx();
    if (ctx == NULL) return 0;
    ECDSA_SIG *signature = NULL;
    for (int attempt = 0; attempt < 4 && signature == NULL; attempt++) {
        BIGNUM *kinv = NULL, *rp = NULL;
        if (ECDSA_sign_setup(key, ctx, &kinv, &rp) == 1) {
            signature = ECDSA_do_sign_ex(digest, digest_length, kinv, rp, key);
        }
        BN_clear_free(kinv);
        BN_clear_free(rp);
    }
    if (signature == NULL) return 0;
    const BIGNUM *r = NULL, *s = NULL;
    ECDSA_SIG_get0(signature, &r, &s);
    int ok = BN_bn2binpad(r, out, width) == width && BN_bn2binpad(s, out + width, width) == width;
    ECDSA_SIG_free(signature);
    return ok;
}
#pragma GCC diagnostic pop
#endif
