#ifndef POC_COMMON_UTIL_UUID_V7_H_
#define POC_COMMON_UTIL_UUID_V7_H_

#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace poc {

// A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits; lowercase canonical text.
std::string NewUuidV7(absl::Time now);

// True for the canonical lowercase text form of a version-7, variant-10 UUID.
bool IsUuidV7(std::string_view text);

}  // namespace poc

#endif  // POC_COMMON_UTIL_UUID_V7_H_
