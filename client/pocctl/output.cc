#include "client/pocctl/output.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/time_format.h"

namespace poc::pocctl {

absl::Status PrintJson(const google::protobuf::Message& message, std::ostream& out) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("cannot print ", message.GetTypeName(), " as JSON: ",
                                            status.ToString(), "; report this as a bug"));
  }
  out << json << "\n";
  return absl::OkStatus();
}

absl::Status ReportSendResponse(const v1::SendResponse& r, CommandContext& ctx) {
  if (ctx.json()) {
    if (auto s = PrintJson(r, ctx.out()); !s.ok()) return s;
  }
  switch (r.state()) {
    case v1::OUTBOX_STATE_SUBMITTED:
      if (!ctx.json()) {
        // Only an acknowledgement of an exercise ping goes to no State: the relay keeps it.
        ctx.out() << "Sent " << r.message_id() << " to "
                  << (r.recipients().empty() ? std::string("the Secretariat")
                                             : JoinList(r.recipients()))
                  << " (audit #" << r.audit_index() << ").\n";
      }
      return absl::OkStatus();
    case v1::OUTBOX_STATE_QUEUED:
      if (!ctx.json()) {
        ctx.out() << "Queued " << r.message_id()
                  << ": the relay is not reachable now; pocd will submit it when it is.\n";
        if (!r.error().empty()) ctx.out() << "  (" << r.error() << ")\n";
      }
      return absl::OkStatus();
    case v1::OUTBOX_STATE_REJECTED:
      return absl::FailedPreconditionError(
          absl::StrCat("the relay rejected ", r.message_id(), ": ",
                       r.error().empty() ? "no reason given" : r.error(),
                       "; correct the message and send it again"));
    default:
      return absl::InternalError(absl::StrCat("pocd answered without saying whether ",
                                              r.message_id(),
                                              " was queued or sent; check with: pocctl sent"));
  }
}

std::string FormatTableTime(const google::protobuf::Timestamp& ts) {
  if (!IsSet(ts)) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M", FromProto(ts), absl::UTCTimeZone());
}

std::string FormatDetailTime(const google::protobuf::Timestamp& ts) {
  if (!IsSet(ts)) return "";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", FromProto(ts), absl::UTCTimeZone());
}

std::string ShortId(std::string_view id, bool wide) {
  // A UUIDv7 starts with its timestamp, so every message of the same minute shares its first
  // 8 characters; its last 8 are random and tell messages apart.
  if (wide || id.size() <= 8) return std::string(id);
  return absl::StrCat("\xe2\x80\xa6", std::string(id.substr(id.size() - 8)));
}

std::string JoinList(const google::protobuf::RepeatedPtrField<std::string>& items) {
  return absl::StrJoin(items, ", ");
}

std::string OutboxStateWord(v1::OutboxState state) {
  switch (state) {
    case v1::OUTBOX_STATE_QUEUED:
      return "queued";
    case v1::OUTBOX_STATE_SUBMITTED:
      return "submitted";
    case v1::OUTBOX_STATE_REJECTED:
      return "rejected";
    default:
      return "unknown";
  }
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    return value;
  }
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') {
      out += '"';
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace poc::pocctl
