// Process-wide logging through spdlog: human-readable lines on stderr by default, JSON lines
// on request. Never log private keys or message bodies.
#ifndef POC_COMMON_LOGGING_LOGGING_H_
#define POC_COMMON_LOGGING_LOGGING_H_

#include <string>

#include "absl/status/status.h"

namespace poc {

// `level` is one of trace, debug, info, warn, error, off.
absl::Status SetupLogging(const std::string& program, bool json, const std::string& level);

}  // namespace poc

#endif  // POC_COMMON_LOGGING_LOGGING_H_
