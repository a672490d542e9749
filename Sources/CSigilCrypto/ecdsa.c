/* ECDSA P-256 signing through EVP_PKEY_sign.

   No nonce is made ahead of time. OpenSSL 3.0 draws k for each signature inside ECDSA_do_sign_ex
   from SHA-512 of the private key, the digest being signed and 64 fresh bytes of its private DRBG
   (BN_generate_dsa_nonce's construction): a hedged nonce. A process whose memory is copied (a VM
   snapshot restored twice, a live clone, a CRIU restore) has its DRBG copied too, and might draw the
   same random bytes in both copies; they then still get different k for different data, and for
   the same data the same signature, which gives nothing away. A (k⁻¹, r) pair made ahead of the
   signature would be copied ready-made, and would sign different data with the same k.

   An EVP_PKEY_CTX may serve one thread at a time, and making and initialising one allocates, so
   each signer keeps the contexts it has made and lends them out: a signature takes one, signs and
   gives it back, and allocates only inside OpenSSL's ECDSA. */
#include "CSigilCrypto.h"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <string.h>

#define SIGIL_ECDSA_WIDTH 32
/* DER of SEQUENCE { INTEGER r, INTEGER s } for P-256: at most 2 + 2 × (2 + 33) bytes. */
#define SIGIL_ECDSA_DER_MAX 72
/* Contexts kept for reuse: more than the threads that sign at once on any machine Sigil targets;
   beyond that, a context is freed after its signature. */
#define SIGIL_ECDSA_IDLE_CONTEXTS 64

struct sigil_ecdsa_signer {
    EVP_PKEY *key;
    pthread_mutex_t lock;
    int idle_count;
    EVP_PKEY_CTX *idle[SIGIL_ECDSA_IDLE_CONTEXTS];
};

static EVP_PKEY_CTX *sigil_ecdsa_take_context(sigil_ecdsa_signer *signer) {
    EVP_PKEY_CTX *context = NULL;
    pthread_mutex_lock(&signer->lock);
    if (signer->idle_count > 0) context = signer->idle[--signer->idle_count];
    pthread_mutex_unlock(&signer->lock);
    if (context != NULL) return context;
    context = EVP_PKEY_CTX_new_from_pkey(NULL, signer->key, NULL);
    if (context != NULL && EVP_PKEY_sign_init(context) != 1) {
        EVP_PKEY_CTX_free(context);
        context = NULL;
    }
    return context;
}

static void sigil_ecdsa_give_back(sigil_ecdsa_signer *signer, EVP_PKEY_CTX *context) {
    pthread_mutex_lock(&signer->lock);
    if (signer->idle_count < SIGIL_ECDSA_IDLE_CONTEXTS) {
        signer->idle[signer->idle_count++] = context;
        context = NULL;
    }
    pthread_mutex_unlock(&signer->lock);
    EVP_PKEY_CTX_free(context);
}

/* Reads one DER INTEGER (a non-negative one below 2^256) at *cursor into out[32], left-padded. */
static int sigil_der_integer(const unsigned char **cursor, const unsigned char *end, unsigned char *out) {
    const unsigned char *p = *cursor;
    if (end - p < 2 || p[0] != 0x02) return 0;
    size_t length = p[1];
    p += 2;
    if (length == 0 || length > (size_t)(end - p) || (p[0] & 0x80) != 0) return 0;
    while (length > 0 && p[0] == 0) { /* the sign byte, when the top bit is set */
        p++;
        length--;
    }
    if (length > SIGIL_ECDSA_WIDTH) return 0;
    memset(out, 0, SIGIL_ECDSA_WIDTH - length);
    memcpy(out + SIGIL_ECDSA_WIDTH - length, p, length);
    *cursor = p + length;
    return 1;
}

/* OpenSSL's DER ECDSA-Sig-Value → r ‖ s. */
static int sigil_ecdsa_der_to_raw(const unsigned char *der, size_t length, unsigned char *out) {
    const unsigned char *end = der + length;
    if (length < 2 || der[0] != 0x30 || der[1] != length - 2) return 0;
    const unsigned char *cursor = der + 2;
    return sigil_der_integer(&cursor, end, out) && sigil_der_integer(&cursor, end, out + SIGIL_ECDSA_WIDTH) &&
           cursor == end;
}

/* Whether `key` is an EC key on P-256, by name: a key with explicit curve parameters has none. */
static const char *sigil_ecdsa_check_curve(EVP_PKEY *key) {
    if (key == NULL || !EVP_PKEY_is_a(key, "EC")) return "not an EC key";
    char name[64];
    size_t length = 0;
    if (EVP_PKEY_get_group_name(key, name, sizeof name, &length) != 1 || length == 0) {
        sigil_openssl_drain_errors(NULL, 0);
        return "the EC key has no named curve (explicit curve parameters are not accepted)";
    }
    int nid = OBJ_txt2nid(name);
    if (nid == NID_undef) nid = EC_curve_nist2nid(name);
    if (nid != NID_X9_62_prime256v1) return "the EC key is not on curve P-256";
    return NULL;
}

const char *sigil_ecdsa_signer_new(EVP_PKEY *key, sigil_ecdsa_signer **out) {
    *out = NULL;
    const char *wrong = sigil_ecdsa_check_curve(key);
    if (wrong != NULL) return wrong;
    sigil_ecdsa_signer *signer = OPENSSL_zalloc(sizeof *signer);
    if (signer == NULL) return "out of memory";
    if (pthread_mutex_init(&signer->lock, NULL) != 0) {
        OPENSSL_free(signer);
        return "pthread_mutex_init failed";
    }
    if (!EVP_PKEY_up_ref(key)) {
        pthread_mutex_destroy(&signer->lock);
        OPENSSL_free(signer);
        return "EVP_PKEY_up_ref failed";
    }
    signer->key = key;
    /* One signature now, so a key that cannot sign (no private half) fails here, not on a query;
       its context is the first one kept. */
    unsigned char signature[2 * SIGIL_ECDSA_WIDTH];
    if (!sigil_ecdsa_sign(signer, "", 0, signature)) {
        sigil_ecdsa_signer_free(signer);
        return "the key cannot sign";
    }
    *out = signer;
    return NULL;
}

void sigil_ecdsa_signer_free(sigil_ecdsa_signer *signer) {
    if (signer == NULL) return;
    for (int i = 0; i < signer->idle_count; i++) EVP_PKEY_CTX_free(signer->idle[i]);
    EVP_PKEY_free(signer->key);
    pthread_mutex_destroy(&signer->lock);
    OPENSSL_free(signer);
}

/* SHA-256 of the data with the context on the stack: EVP_Digest would allocate a provider context
   per call in OpenSSL 3.0. The low-level functions are deprecated, not removed. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
static void sigil_sha256(const void *data, size_t length, unsigned char *out) {
    SHA256_CTX context;
    SHA256_Init(&context);
    SHA256_Update(&context, data, length);
    SHA256_Final(out, &context);
}
#pragma GCC diagnostic pop

int sigil_ecdsa_sign(sigil_ecdsa_signer *signer, const void *data, size_t length, unsigned char *out) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    sigil_sha256(data, length, digest);
    EVP_PKEY_CTX *context = sigil_ecdsa_take_context(signer);
    if (context == NULL) return 0;
    unsigned char der[SIGIL_ECDSA_DER_MAX];
    size_t der_length = sizeof der;
    int ok = EVP_PKEY_sign(context, der, &der_length, digest, sizeof digest) == 1;
    sigil_ecdsa_give_back(signer, context);
    if (ok && !sigil_ecdsa_der_to_raw(der, der_length, out)) {
        ERR_raise_data(ERR_LIB_USER, ERR_R_INTERNAL_ERROR, "unexpected ECDSA signature encoding");
        ok = 0;
    }
    return ok;
}
