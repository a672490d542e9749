#include "CSigilCrypto.h"

#include <openssl/sha.h>

/* NSEC3 hashes names on the query path, and in OpenSSL 3.0 every EVP_DigestInit frees and
   re-allocates the provider context; the low-level SHA1_* functions (deprecated, not removed) keep
   the context on the stack and allocate nothing. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

void sigil_sha1_concat(const void *a, size_t a_length, const void *b, size_t b_length, unsigned char *out) {
    SHA_CTX context;
    SHA1_Init(&context);
    SHA1_Update(&context, a, a_length);
    if (b_length > 0) SHA1_Update(&context, b, b_length);
    SHA1_Final(out, &context);
}
