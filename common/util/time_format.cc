#include "common/util/time_format.h"

#include <cctype>

namespace poc {

google::protobuf::Timestamp ToProto(absl::Time t) {
  google::protobuf::Timestamp ts;
  // ToUnixSeconds rounds toward the past, so nanos stays in [0, 1e9) as Timestamp requires,
  // also before 1970.
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::Time FromProto(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsSet(const google::protobuf::Timestamp& ts) { return ts.seconds() != 0 || ts.nanos() != 0; }

std::string FormatUtc(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Duration> ParseDuration(std::string_view text) {
  const std::string original(text);
  if (text.empty()) {
    return absl::InvalidArgumentError("empty duration");
  }
  absl::Duration total = absl::ZeroDuration();
  while (!text.empty()) {
    size_t i = 0;
    int64_t n = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      n = n * 10 + (text[i] - '0');
      if (n > 1000000000) {
        return absl::InvalidArgumentError("duration too large: " + original);
      }
      ++i;
    }
    if (i == 0 || i == text.size()) {
      return absl::InvalidArgumentError("'" + original +
                                        "' is not a duration; write e.g. 30s, 5m, 4h or 90d");
    }
    if (text.substr(i, 2) == "ms") {
      total += absl::Milliseconds(n);
      text.remove_prefix(i + 2);
      continue;
    }
    switch (text[i]) {
      case 's':
        total += absl::Seconds(n);
        break;
      case 'm':
        total += absl::Minutes(n);
        break;
      case 'h':
        total += absl::Hours(n);
        break;
      case 'd':
        total += absl::Hours(24 * n);
        break;
      default:
        return absl::InvalidArgumentError("'" + original +
                                          "' has an unknown unit; use s, m, h or d");
    }
    text.remove_prefix(i + 1);
  }
  return total;
}

}  // namespace poc
