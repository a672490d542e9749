#include "CSigilCrypto.h"

#include <openssl/err.h>
#include <string.h>

int sigil_openssl_drain_errors(char *out, size_t capacity) {
    int count = 0;
    size_t used = 0;
    if (out != NULL && capacity > 0) out[0] = '\0';
    unsigned long code;
    while ((code = ERR_get_error()) != 0) {
        count++;
        if (out == NULL || capacity == 0) continue;
        if (used > 0 && used + 2 < capacity) {
            memcpy(out + used, "; ", 3);
            used += 2;
        }
        if (used + 1 < capacity) {
            ERR_error_string_n(code, out + used, capacity - used);
            used += strlen(out + used);
        }
    }
    return count;
}
