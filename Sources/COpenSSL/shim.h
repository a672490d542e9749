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
#endif
