#ifndef POC_COMMON_UTIL_FILES_H_
#define POC_COMMON_UTIL_FILES_H_

#include <sys/types.h>

#include <string>

#include "absl/status/statusor.h"

namespace poc {

// Reads a whole file. Errors name the path and the reason.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Creates `path` with `mode` and writes `contents`, then fsyncs it. Refuses (ALREADY_EXISTS)
// when the file exists: key material and certificates are never overwritten silently.
absl::Status WriteNewFile(const std::string& path, const std::string& contents, mode_t mode);

// Writes `contents` to `path` through a temporary file renamed over it, so a reader sees the
// old contents or the new, never a partial file (used for port files other programs poll).
absl::Status ReplaceFile(const std::string& path, const std::string& contents);

// Fails with a message naming the fix when `path` is readable or writable by group or others.
absl::Status CheckPrivateFileMode(const std::string& path);

}  // namespace poc

#endif  // POC_COMMON_UTIL_FILES_H_
