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

/* ECDSA nonces, made in batches per thread.

   An ECDSA signature is s = k⁻¹(e + r·d) mod n with r = (k·G).x mod n, for a fresh secret k. The
   (k⁻¹, r) pair does not depend on the key or the message, so OpenSSL lets it be made ahead
   (ECDSA_sign_setup) and passed to ECDSA_do_sign_ex. Made one at a time, each pair needs two modular
   inversions (k⁻¹ mod n, and Z⁻¹ mod p to bring k·G to affine x), and those plus OpenSSL's per-call
   overheads were half of the 22 µs a signature cost. Here each thread makes SIGIL_NONCE_BATCH pairs
   at once: one k·G per pair, then both inversions for the whole batch by Montgomery's trick (one
   constant-time exponentiation for the batch, three multiplications per pair), then hands the pairs
   out one per signature: about 11 µs per signature in all, measured in a C harness.

   What keeps it safe:
   - k is uniform in [1, n): bytes from OpenSSL's private CSPRNG (RAND_priv_bytes), redrawn when the
     number is 0 or ≥ n (for P-256 a chance of about 2⁻³², then BN_priv_rand_range).
   - every pair is used for one signature and cleared at once (BN_clear), whether or not it signed;
     after fork() the child discards its inherited pairs (pthread_atfork), so a parent and a child
     can never sign with the same k;
   - the pool lives with the thread (pthread key) and is cleared and freed when the thread exits;
     its numbers are allocated from the secure heap when one is configured;
   - the arithmetic on secrets is OpenSSL's constant-time kind: k·G with BN_FLG_CONSTTIME, products
     by Montgomery multiplication, the inversion by BN_mod_exp_mont_consttime (Fermat: x^(m−2)).
   - a refill that fails (no named curve, an OpenSSL error) falls back to ECDSA_sign_setup. */
#define SIGIL_NONCE_BATCH 32
struct sigil_ecdsa_thread {
    BN_CTX *ctx;
    int curve;                     /* the NID the group and pairs below are for; 0 before the first */
    unsigned long fork_generation; /* sigil_fork_generation() when the pairs were made */
    EC_GROUP *group;
    BIGNUM *field;                 /* p */
    BN_MONT_CTX *field_mont, *order_mont;
    int count;                     /* unused pairs: kinv[0 ..< count], r[0 ..< count] */
    BIGNUM *kinv[SIGIL_NONCE_BATCH], *r[SIGIL_NONCE_BATCH];
    /* scratch for a refill, cleared after it */
    BIGNUM *k[SIGIL_NONCE_BATCH], *x[SIGIL_NONCE_BATCH], *z[SIGIL_NONCE_BATCH], *zinv[SIGIL_NONCE_BATCH];
    EC_POINT *point[SIGIL_NONCE_BATCH];
};
/* The state lives in functions' statics, not at file scope: Swift's importer emits the inline
   functions it calls, but not file-scope variables they use. */
static inline unsigned long *sigil_fork_generation(void) {
    static unsigned long generation = 0;
    return &generation;
}
static inline void sigil_after_fork_in_child(void) { *sigil_fork_generation() += 1; }
struct sigil_ecdsa_slot {
    pthread_once_t once;
    pthread_key_t key;
    int ready;
};
static inline struct sigil_ecdsa_slot *sigil_ecdsa_slot(void) {
    static struct sigil_ecdsa_slot slot = {PTHREAD_ONCE_INIT, 0, 0};
    return &slot;
}
/* Frees the curve-specific part (group, field, Montgomery contexts, pairs, scratch). */
static inline void sigil_ecdsa_thread_release_curve(struct sigil_ecdsa_thread *t) {
    for (int i = 0; i < SIGIL_NONCE_BATCH; i++) {
        BN_clear_free(t->kinv[i]);
        BN_clear_free(t->r[i]);
        BN_clear_free(t->k[i]);
        BN_clear_free(t->x[i]);
        BN_clear_free(t->z[i]);
        BN_clear_free(t->zinv[i]);
        EC_POINT_clear_free(t->point[i]);
        t->kinv[i] = t->r[i] = t->k[i] = t->x[i] = t->z[i] = t->zinv[i] = NULL;
        t->point[i] = NULL;
    }
    BN_MONT_CTX_free(t->field_mont);
    BN_MONT_CTX_free(t->order_mont);
    BN_free(t->field);
    EC_GROUP_free(t->group);
    t->field_mont = t->order_mont = NULL;
    t->field = NULL;
    t->group = NULL;
    t->curve = 0;
    t->count = 0;
}
static inline void sigil_ecdsa_thread_destroy(void *state) {
    struct sigil_ecdsa_thread *t = (struct sigil_ecdsa_thread *)state;
    sigil_ecdsa_thread_release_curve(t);
    BN_CTX_free(t->ctx);
    OPENSSL_free(t);
}
static inline void sigil_ecdsa_make_key(void) {
    struct sigil_ecdsa_slot *slot = sigil_ecdsa_slot();
    slot->ready = pthread_key_create(&slot->key, sigil_ecdsa_thread_destroy) == 0 &&
                  pthread_atfork(NULL, NULL, sigil_after_fork_in_child) == 0;
}
/* The calling thread's state, made on first use. Its BN_CTX is a secure one: its temporaries
   (which hold values derived from nonces) are cleared when it is freed. */
static inline struct sigil_ecdsa_thread *sigil_ecdsa_thread(void) {
    struct sigil_ecdsa_slot *slot = sigil_ecdsa_slot();
    if (pthread_once(&slot->once, sigil_ecdsa_make_key) != 0 || !slot->ready) return NULL;
    struct sigil_ecdsa_thread *t = (struct sigil_ecdsa_thread *)pthread_getspecific(slot->key);
    if (t != NULL) return t;
    t = (struct sigil_ecdsa_thread *)OPENSSL_zalloc(sizeof *t);
    if (t == NULL) return NULL;
    t->ctx = BN_CTX_secure_new();
    if (t->ctx == NULL || pthread_setspecific(slot->key, t) != 0) {
        sigil_ecdsa_thread_destroy(t);
        return NULL;
    }
    return t;
}
/* Sets the thread's state up for the curve `nid`. Returns 1 on success. */
static inline int sigil_ecdsa_thread_use_curve(struct sigil_ecdsa_thread *t, int nid) {
    if (t->curve == nid) return 1;
    sigil_ecdsa_thread_release_curve(t);
    if (nid == NID_undef || (t->group = EC_GROUP_new_by_curve_name(nid)) == NULL) return 0;
    t->field = BN_new();
    t->field_mont = BN_MONT_CTX_new();
    t->order_mont = BN_MONT_CTX_new();
    if (t->field == NULL || t->field_mont == NULL || t->order_mont == NULL ||
        !EC_GROUP_get_curve(t->group, t->field, NULL, NULL, t->ctx) ||
        !BN_MONT_CTX_set(t->field_mont, t->field, t->ctx) ||
        !BN_MONT_CTX_set(t->order_mont, EC_GROUP_get0_order(t->group), t->ctx)) {
        sigil_ecdsa_thread_release_curve(t);
        return 0;
    }
    for (int i = 0; i < SIGIL_NONCE_BATCH; i++) {
        if ((t->kinv[i] = BN_secure_new()) == NULL || (t->r[i] = BN_new()) == NULL ||
            (t->k[i] = BN_secure_new()) == NULL || (t->x[i] = BN_secure_new()) == NULL ||
            (t->z[i] = BN_secure_new()) == NULL || (t->zinv[i] = BN_secure_new()) == NULL ||
            (t->point[i] = EC_POINT_new(t->group)) == NULL) {
            sigil_ecdsa_thread_release_curve(t);
            return 0;
        }
        BN_set_flags(t->k[i], BN_FLG_CONSTTIME);
    }
    t->curve = nid;
    return 1;
}
/* out[i] = in[i]⁻¹ mod m for i < count (m prime, no in[i] zero), by Montgomery's trick: a running
   product forwards, one inversion of the whole product, and back again. Products are Montgomery
   multiplications; the inversion is a constant-time exponentiation by m − 2. */
static inline int sigil_batch_inverse(BIGNUM **out, BIGNUM *const *in, int count, const BIGNUM *m,
                                      BN_MONT_CTX *mont, BN_CTX *ctx) {
    int ok = 0;
    BN_CTX_start(ctx);
    BIGNUM *running = BN_CTX_get(ctx), *inverse = BN_CTX_get(ctx), *exponent = BN_CTX_get(ctx);
    BIGNUM *term = BN_CTX_get(ctx);
    if (term == NULL) goto end;
    BN_set_flags(running, BN_FLG_CONSTTIME);
    BN_set_flags(inverse, BN_FLG_CONSTTIME);
    if (!BN_to_montgomery(running, BN_value_one(), mont, ctx)) goto end;
    for (int i = 0; i < count; i++) { /* out[i] = in[0]·…·in[i−1], Montgomery form */
        if (BN_copy(out[i], running) == NULL || !BN_to_montgomery(term, in[i], mont, ctx) ||
            !BN_mod_mul_montgomery(running, running, term, mont, ctx))
            goto end;
    }
    if (!BN_from_montgomery(running, running, mont, ctx) || BN_copy(exponent, m) == NULL ||
        !BN_sub_word(exponent, 2) || !BN_mod_exp_mont_consttime(inverse, running, exponent, m, ctx, mont) ||
        !BN_to_montgomery(inverse, inverse, mont, ctx))
        goto end;
    for (int i = count - 1; i >= 0; i--) { /* inverse = (in[0]·…·in[i])⁻¹ on entry */
        if (!BN_mod_mul_montgomery(out[i], out[i], inverse, mont, ctx) || !BN_from_montgomery(out[i], out[i], mont, ctx) ||
            !BN_to_montgomery(term, in[i], mont, ctx) || !BN_mod_mul_montgomery(inverse, inverse, term, mont, ctx))
            goto end;
    }
    ok = 1;
end:
    BN_clear(running);
    BN_clear(inverse);
    BN_clear(term);
    BN_CTX_end(ctx);
    return ok;
}
/* Fills the pool with SIGIL_NONCE_BATCH fresh (k⁻¹, r) pairs. Returns 1 on success. */
static inline int sigil_ecdsa_refill(struct sigil_ecdsa_thread *t) {
    const BIGNUM *order = EC_GROUP_get0_order(t->group);
    const int length = BN_num_bytes(order);
    unsigned char random[SIGIL_NONCE_BATCH * 66]; /* 66: the longest order, P-521's */
    int ok = 0;
    t->count = 0;
    if (length > 66 || RAND_priv_bytes(random, SIGIL_NONCE_BATCH * length) != 1) goto end;
    for (int i = 0; i < SIGIL_NONCE_BATCH; i++) {
        BIGNUM *k = t->k[i];
        if (BN_bin2bn(random + i * length, length, k) == NULL) goto end;
        while (BN_is_zero(k) || BN_cmp(k, order) >= 0) {
            if (!BN_priv_rand_range(k, order)) goto end;
        }
        BN_set_flags(k, BN_FLG_CONSTTIME);
        if (!EC_POINT_mul(t->group, t->point[i], k, NULL, NULL, t->ctx) ||
            !EC_POINT_get_Jprojective_coordinates_GFp(t->group, t->point[i], t->x[i], NULL, t->z[i], t->ctx))
            goto end;
    }
    if (!sigil_batch_inverse(t->zinv, t->z, SIGIL_NONCE_BATCH, t->field, t->field_mont, t->ctx) ||
        !sigil_batch_inverse(t->kinv, t->k, SIGIL_NONCE_BATCH, order, t->order_mont, t->ctx))
        goto end;
    /* Jacobian to affine: x = X·Z⁻², then r = x mod n. zinv becomes Z⁻² in Montgomery form, and a
       Montgomery product of a plain X with it is the plain X·Z⁻². An r of 0 makes no signature
       (a chance of about 2⁻²⁵⁶): the batch is dropped and the caller falls back. */
    for (int i = 0; i < SIGIL_NONCE_BATCH; i++) {
        BIGNUM *zinv = t->zinv[i];
        if (!BN_to_montgomery(zinv, zinv, t->field_mont, t->ctx) ||
            !BN_mod_mul_montgomery(zinv, zinv, zinv, t->field_mont, t->ctx) ||
            !BN_mod_mul_montgomery(t->x[i], t->x[i], zinv, t->field_mont, t->ctx) ||
            !BN_nnmod(t->r[i], t->x[i], order, t->ctx) || BN_is_zero(t->r[i]))
            goto end;
    }
    t->count = SIGIL_NONCE_BATCH;
    t->fork_generation = *sigil_fork_generation();
    ok = 1;
end:
    OPENSSL_cleanse(random, sizeof random);
    for (int i = 0; i < SIGIL_NONCE_BATCH; i++) {
        BN_clear(t->k[i]);
        BN_clear(t->x[i]);
        BN_clear(t->z[i]);
        BN_clear(t->zinv[i]);
        if (i >= t->count) {
            BN_clear(t->kinv[i]);
            BN_clear(t->r[i]);
        }
    }
    return ok;
}
/* Signs with the next pooled pair, clearing it. Returns the signature, or NULL if the pool could
   not be used (the caller then falls back to ECDSA_sign_setup). */
static inline ECDSA_SIG *sigil_ecdsa_sign_pooled(EC_KEY *key, const unsigned char *digest, int digest_length) {
    struct sigil_ecdsa_thread *t = sigil_ecdsa_thread();
    if (t == NULL) return NULL;
    if (t->fork_generation != *sigil_fork_generation()) t->count = 0; /* a forked child: drop them */
    if (!sigil_ecdsa_thread_use_curve(t, EC_GROUP_get_curve_name(EC_KEY_get0_group(key)))) return NULL;
    ECDSA_SIG *signature = NULL;
    for (int attempt = 0; attempt < 4 && signature == NULL; attempt++) {
        if (t->count == 0 && !sigil_ecdsa_refill(t)) return NULL;
        int i = --t->count;
        signature = ECDSA_do_sign_ex(digest, digest_length, t->kinv[i], t->r[i], key);
        BN_clear(t->kinv[i]);
        BN_clear(t->r[i]);
    }
    return signature;
}

/* ECDSA over a digest with the EC_KEY API, writing r and s left-padded to `width` bytes each
   (RFC 6605's r || s). EVP_PKEY_sign would need a context per call (EVP_PKEY_CTX_dup: three
   allocations and a provider context copy; even a context kept per thread measured slower than
   ECDSA_do_sign) and returns DER that must be parsed back; this reads r and s from the ECDSA_SIG.

   The nonce pair comes from the thread's pool (above). ECDSA_do_sign would instead derive k by
   hashing the private key, the digest and fresh random bytes with SHA-512 (a digest fetch and
   context per call) and do both inversions for it alone; the pool draws k uniformly from
   OpenSSL's private CSPRNG (FIPS 186-4's method), what the hash adds being a fallback for a
   broken random generator, which OpenSSL's seeded DRBG is not. Should the pool be unusable, the
   pair is made by ECDSA_sign_setup on a fresh BN_CTX, used once and freed; should s come out zero
   (probability 2⁻²⁵⁶), ECDSA_do_sign_ex refuses the pair and another is taken. The key is only
   read, so threads may share it. Returns 1 on success. */
static inline int sigil_ecdsa_sign(EC_KEY *key, const unsigned char *digest, int digest_length, int width,
                                   unsigned char *out) {
    ECDSA_SIG *signature = sigil_ecdsa_sign_pooled(key, digest, digest_length);
    for (int attempt = 0; attempt < 4 && signature == NULL; attempt++) {
        BIGNUM *kinv = NULL, *rp = NULL;
        if (ECDSA_sign_setup(key, NULL, &kinv, &rp) == 1) {
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
