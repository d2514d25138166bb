#ifndef POC_COMMON_ENCODING_BASE64_H_
#define POC_COMMON_ENCODING_BASE64_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace poc {

// Standard base64 (RFC 4648 §4) with padding, no line breaks.
std::string Base64Encode(std::string_view bytes);

// Strict decoding: rejects bad characters, wrong padding and embedded white space.
absl::StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace poc

#endif  // POC_COMMON_ENCODING_BASE64_H_
