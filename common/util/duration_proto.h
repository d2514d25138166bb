// google.protobuf.Duration <-> absl::Duration, as time_format.h does for Timestamp.
#ifndef POC_COMMON_UTIL_DURATION_PROTO_H_
#define POC_COMMON_UTIL_DURATION_PROTO_H_

#include <google/protobuf/duration.pb.h>

#include <cstdint>

#include "absl/time/time.h"

namespace poc {

inline google::protobuf::Duration DurationToProto(absl::Duration d) {
  google::protobuf::Duration out;
  // Trunc toward zero keeps seconds and nanos of the same sign, as Duration requires.
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &d);
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(d)));
  return out;
}

inline absl::Duration DurationFromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

}  // namespace poc

#endif  // POC_COMMON_UTIL_DURATION_PROTO_H_
