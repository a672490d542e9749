#ifndef SIGIL_CZLIB_SHIM_H
#define SIGIL_CZLIB_SHIM_H
/* zlib, for reading gzipped TLSRPT reports (`sigil tlsrpt summary`). */
#include <zlib.h>
#endif
