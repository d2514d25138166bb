// Helpers shared by the libFuzzer targets of tests/fuzz: invariant checks that abort (so that
// libFuzzer saves the input as a crash) and fixed keys, so that seeds signed once stay valid.
#ifndef POC_TESTS_FUZZ_FUZZ_SUPPORT_H_
#define POC_TESTS_FUZZ_FUZZ_SUPPORT_H_

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/crypto/ed25519.h"

// Aborts with a message when an invariant of the code under test does not hold.
#define POC_FUZZ_CHECK(cond)                                                            \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace poc::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// A signing key from a seed of 32 times `seed_byte`. The seeds in corpus/ were signed with these
// (tests/fuzz/make_seeds.cc): FRA 0x01, KEN 0x02, FRA revoked 0x03, the audit log 0x10, the
// witness poc-witness/KEN 0x11.
inline Ed25519PrivateKey FixedKey(char seed_byte) {
  auto key = Ed25519PrivateKey::FromSeed(std::string(32, seed_byte));
  if (!key.ok()) std::abort();  // cannot happen for a 32-byte seed
  return *std::move(key);
}

inline constexpr char kFraSeed = 0x01;
inline constexpr char kKenSeed = 0x02;
inline constexpr char kFraRevokedSeed = 0x03;
inline constexpr char kLogSeed = 0x10;
inline constexpr char kWitnessSeed = 0x11;
inline constexpr char kLogOrigin[] = "un.example/poc-audit";
inline constexpr char kWitnessName[] = "poc-witness/KEN";

}  // namespace poc::fuzz

#endif  // POC_TESTS_FUZZ_FUZZ_SUPPORT_H_
