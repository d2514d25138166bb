#ifndef POC_COMMON_CRYPTO_SHA256_H_
#define POC_COMMON_CRYPTO_SHA256_H_

#include <initializer_list>
#include <string>
#include <string_view>

namespace poc {

inline constexpr size_t kSha256Size = 32;

// SHA-256 of `data`. Thread-safe. Uses a digest fetched once and a context per thread:
// OpenSSL 3's one-shot SHA256() looks the algorithm up on every call, which costs more than
// hashing a short input.
std::string Sha256(std::string_view data);

// SHA-256 of the concatenation of `parts`, without building it.
std::string Sha256(std::initializer_list<std::string_view> parts);

}  // namespace poc

#endif  // POC_COMMON_CRYPTO_SHA256_H_
