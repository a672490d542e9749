#include "CSigilCrypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>

/* TSIG's HMAC (RFC 8945 §4.3) over libcrypto's EVP_MAC, so the message and the MAC it signs can be fed in
   several pieces without copying them together. The context owns a copy of the key inside libcrypto; the
   caller clears its own. */
struct sigil_hmac {
    EVP_MAC *mac;
    EVP_MAC_CTX *context;
};

const char *sigil_hmac_new(const char *digest, const void *key, size_t key_length, sigil_hmac **out) {
    *out = NULL;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return "HMAC is not available in libcrypto";
    EVP_MAC_CTX *context = EVP_MAC_CTX_new(mac);
    if (context == NULL) {
        EVP_MAC_free(mac);
        return "out of memory";
    }
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
    params[1] = OSSL_PARAM_construct_end();
    /* An empty key is legal HMAC; libcrypto wants a non-NULL pointer for it. */
    static const unsigned char empty[1] = {0};
    if (EVP_MAC_init(context, key_length > 0 ? key : empty, key_length, params) != 1) {
        EVP_MAC_CTX_free(context);
        EVP_MAC_free(mac);
        return "cannot initialise HMAC with this digest";
    }
    sigil_hmac *hmac = OPENSSL_zalloc(sizeof *hmac);
    if (hmac == NULL) {
        EVP_MAC_CTX_free(context);
        EVP_MAC_free(mac);
        return "out of memory";
    }
    hmac->mac = mac;
    hmac->context = context;
    *out = hmac;
    return NULL;
}

void sigil_hmac_free(sigil_hmac *hmac) {
    if (hmac == NULL) return;
    EVP_MAC_CTX_free(hmac->context);
    EVP_MAC_free(hmac->mac);
    OPENSSL_free(hmac);
}

int sigil_hmac_update(sigil_hmac *hmac, const void *data, size_t length) {
    if (length == 0) return 1;
    return EVP_MAC_update(hmac->context, data, length);
}

size_t sigil_hmac_final(sigil_hmac *hmac, unsigned char *out, size_t capacity) {
    size_t length = 0;
    if (EVP_MAC_final(hmac->context, out, &length, capacity) != 1) return 0;
    return length;
}

void sigil_cleanse(void *data, size_t length) { OPENSSL_cleanse(data, length); }
