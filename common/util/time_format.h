#ifndef POC_COMMON_UTIL_TIME_FORMAT_H_
#define POC_COMMON_UTIL_TIME_FORMAT_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace poc {

google::protobuf::Timestamp ToProto(absl::Time t);
absl::Time FromProto(const google::protobuf::Timestamp& ts);
bool IsSet(const google::protobuf::Timestamp& ts);

// "2026-11-28T04:27:21Z" (UTC, second precision) for people; RFC 3339 with fractions for JSON.
std::string FormatUtc(absl::Time t);
std::string FormatRfc3339(absl::Time t);

// Parses "200ms", "30s", "5m", "4h", "90d" and combinations such as "1h30m".
absl::StatusOr<absl::Duration> ParseDuration(std::string_view text);

}  // namespace poc

#endif  // POC_COMMON_UTIL_TIME_FORMAT_H_
