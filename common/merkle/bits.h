// Bit arithmetic on leaf indices and tree sizes, shared by the tree and the verifier.
// Internal to common/merkle.
#ifndef POC_COMMON_MERKLE_BITS_H_
#define POC_COMMON_MERKLE_BITS_H_

#include <cstdint>

namespace poc::merkle {

// Number of bits needed to write `x` (0 for 0).
inline int BitLength(uint64_t x) { return x == 0 ? 0 : 64 - __builtin_clzll(x); }

// Number of trailing zero bits of `x`; requires x != 0.
inline int TrailingZeros(uint64_t x) { return __builtin_ctzll(x); }

inline int PopCount(uint64_t x) { return __builtin_popcountll(x); }

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_BITS_H_
