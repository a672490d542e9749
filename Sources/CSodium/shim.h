#ifndef SIGIL_CSODIUM_SHIM_H
#define SIGIL_CSODIUM_SHIM_H
#include <sodium.h>
#endif
