#ifndef POC_COMMON_ENCODING_HEX_H_
#define POC_COMMON_ENCODING_HEX_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace poc {

// Lowercase hex.
std::string HexEncode(std::string_view bytes);
absl::StatusOr<std::string> HexDecode(std::string_view text);

}  // namespace poc

#endif  // POC_COMMON_ENCODING_HEX_H_
