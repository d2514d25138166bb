#ifndef POC_COMMON_CRYPTO_SHA256_H_
#define POC_COMMON_CRYPTO_SHA256_H_

#include <string>
#include <string_view>

namespace poc {

inline constexpr size_t kSha256Size = 32;

// SHA-256 of `data`, as 32 raw bytes.
std::string Sha256(std::string_view data);

}  // namespace poc

#endif  // POC_COMMON_CRYPTO_SHA256_H_
