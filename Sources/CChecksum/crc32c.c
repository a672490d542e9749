#include "CChecksum.h"

#include <string.h>

static uint32_t table[256];

static void fill_table(void) {
    for (uint32_t index = 0; index < 256; index++) {
        uint32_t crc = index;
        for (int bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        table[index] = crc;
    }
}

static uint32_t software(uint32_t crc, const unsigned char *bytes, size_t length) {
    static int ready = 0;
    if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
        fill_table();  // idempotent: racing threads write the same values
        __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
    }
    for (size_t i = 0; i < length; i++) crc = table[(crc ^ bytes[i]) & 0xFF] ^ (crc >> 8);
    return crc;
}

#if defined(__x86_64__)
__attribute__((target("sse4.2"))) static uint32_t hardware(uint32_t crc, const unsigned char *bytes, size_t length) {
    uint64_t value = crc;
    while (length >= 8) {
        uint64_t word;
        memcpy(&word, bytes, 8);
        value = __builtin_ia32_crc32di(value, word);
        bytes += 8;
        length -= 8;
    }
    uint32_t small = (uint32_t)value;
    while (length-- > 0) small = __builtin_ia32_crc32qi(small, *bytes++);
    return small;
}
#endif

uint32_t CChecksum_crc32c(const void *bytes, size_t length) {
    uint32_t crc = 0xFFFFFFFFu;
#if defined(__x86_64__)
    if (__builtin_cpu_supports("sse4.2")) return hardware(crc, bytes, length) ^ 0xFFFFFFFFu;
#endif
    return software(crc, bytes, length) ^ 0xFFFFFFFFu;
}
