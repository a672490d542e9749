#ifndef SIGIL_CLIBSSL_SHIM_H
#define SIGIL_CLIBSSL_SHIM_H
/* libssl for `sigil dane check`'s STARTTLS client (its DANE matching is OpenSSL's own). Linked by the
   CLI only, never by the server. */
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/err.h>
#endif
