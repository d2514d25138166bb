// Output shared by several commands: JSON for scripts, and the few phrases people see after
// sending something.
#ifndef POC_CLIENT_POCCTL_OUTPUT_H_
#define POC_CLIENT_POCCTL_OUTPUT_H_

#include <google/protobuf/message.h>
#include <google/protobuf/repeated_field.h>
#include <google/protobuf/timestamp.pb.h>

#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"
#include "poc/v1/node_control.pb.h"

namespace poc::pocctl {

// One line of JSON: proto field names, every field printed even when it holds its default.
absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out);

// After send, reply and ack. For people:
//   "Sent <id> to KEN, BRA (audit #12)."
//   "Queued <id>: the relay is not reachable now; pocd will submit it when it is."
// With --json, the SendResponse. A REJECTED message (or a response without a state) is an
// error that carries the relay's reason; the JSON is still printed first.
absl::Status ReportSendResponse(const v1::SendResponse& response, CommandContext& ctx);

// "2026-11-28 14:30" (UTC, minutes) for tables; empty for an unset timestamp.
std::string FormatTableTime(const google::protobuf::Timestamp& ts);

// "2026-11-28 14:30:05 UTC" for detail views; empty for an unset timestamp.
std::string FormatDetailTime(const google::protobuf::Timestamp& ts);

// The first 8 characters of an id and "…", or the whole id when `wide`.
std::string ShortId(std::string_view id, bool wide);

// "KEN, BRA".
std::string JoinList(const google::protobuf::RepeatedPtrField<std::string>& items);

// `value` as one CSV field (RFC 4180): quoted, with its quotes doubled, when it holds a comma,
// a quote or a line break; as it is otherwise.
std::string CsvField(const std::string& value);

// "queued", "submitted", "rejected".
std::string OutboxStateWord(v1::OutboxState state);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_OUTPUT_H_
