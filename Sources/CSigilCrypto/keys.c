#include "CSigilCrypto.h"

#include <openssl/evp.h>

int sigil_evp_pkey_keypair(void) { return EVP_PKEY_KEYPAIR; }
int sigil_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }
