// CRC-32C (Castagnoli), the checksum of the zone journal's records: with the CPU's CRC32
// instruction where there is one (SSE4.2), else a table.
#ifndef C_CHECKSUM_H
#define C_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

// The CRC-32C of `length` bytes at `bytes` (initial value and final xor 0xFFFFFFFF).
uint32_t CChecksum_crc32c(const void *bytes, size_t length);

#endif
