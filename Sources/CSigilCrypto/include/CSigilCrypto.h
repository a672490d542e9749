/* Sigil's C over libcrypto: what Swift cannot import from OpenSSL's headers, the allocation-free
   digests of the query path, the one OpenSSL error-queue drain, and ECDSA P-256 signing. */
#ifndef C_SIGIL_CRYPTO_H
#define C_SIGIL_CRYPTO_H

#include <stddef.h>

/* libcrypto's EVP_PKEY (an OpaquePointer in Swift, the same type COpenSSL imports). */
struct evp_pkey_st;

/* EVP_PKEY_KEYPAIR and EVP_PKEY_PUBLIC_KEY, composite macros Swift does not import. */
int sigil_evp_pkey_keypair(void);
int sigil_evp_pkey_public_key(void);

/* SHA-1 of a ‖ b into out[20], for NSEC3. */
void sigil_sha1_concat(const void *a, size_t a_length, const void *b, size_t b_length, unsigned char *out);

/* Empties this thread's OpenSSL error queue. When `out` is not NULL, the entries' texts are written
   there, joined by "; " and NUL-terminated, truncated to `capacity` bytes. Returns how many entries
   there were. Every place that reads or discards queued OpenSSL errors goes through this. */
int sigil_openssl_drain_errors(char *out, size_t capacity);

/* An ECDSA P-256 private key ready to sign from many threads at once. */
typedef struct sigil_ecdsa_signer sigil_ecdsa_signer;

/* Makes a signer for `key`, which must be an EC key on the named curve P-256 with its private half
   (the signer takes its own reference). Returns NULL and sets *signer on success; otherwise returns
   why, a static string, and OpenSSL's error queue may say more. */
const char *sigil_ecdsa_signer_new(struct evp_pkey_st *key, sigil_ecdsa_signer **signer);
void sigil_ecdsa_signer_free(sigil_ecdsa_signer *signer);

/* SHA-256 of data, signed; writes r ‖ s (32 bytes each, RFC 6605) to out[64]. Returns 1 on success,
   0 with the reason on OpenSSL's error queue. */
int sigil_ecdsa_sign(sigil_ecdsa_signer *signer, const void *data, size_t length, unsigned char *out);

/* One HMAC computation for TSIG (RFC 8945): `digest` is libcrypto's name ("SHA256", "SHA512", "SHA1").
   Returns NULL and sets *out, or a static reason. Feed pieces with update, then final once; free after. */
typedef struct sigil_hmac sigil_hmac;
const char *sigil_hmac_new(const char *digest, const void *key, size_t key_length, sigil_hmac **out);
void sigil_hmac_free(sigil_hmac *hmac);
int sigil_hmac_update(sigil_hmac *hmac, const void *data, size_t length);
/* Writes the MAC to out (capacity bytes at least the digest size); returns its length, 0 on failure. */
size_t sigil_hmac_final(sigil_hmac *hmac, unsigned char *out, size_t capacity);

/* Overwrites secret bytes in a way the compiler cannot drop (OPENSSL_cleanse). */
void sigil_cleanse(void *data, size_t length);

#endif
