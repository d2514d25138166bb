// Template validation runs on every message the relay receives (and in pocd and pocctl). The
// input is parsed as a poc.v1.Template and validated for two kinds, and as a whole poc.v1.Message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "common/template/validation.h"
#include "google/protobuf/stubs/logging.h"
#include "tests/fuzz/fuzz_support.h"

// Protobuf logs every string field that is not UTF-8; for fuzz inputs that is noise.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(poc::fuzz::AsText(data, size));
  const poc::ValidationLimits limits;

  poc::v1::Template tmpl;
  if (tmpl.ParseFromString(bytes)) {
    const absl::Time created_at = absl::FromUnixSeconds(1790000000);  // 2026-09-21
    const absl::Status notification =
        poc::ValidateTemplate(tmpl, poc::v1::MESSAGE_TYPE_NOTIFICATION, created_at, limits);
    const absl::Status ack =
        poc::ValidateTemplate(tmpl, poc::v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, created_at, limits);
    for (const absl::Status& s : {notification, ack}) {
      POC_FUZZ_CHECK(s.ok() || (s.code() == absl::StatusCode::kInvalidArgument &&
                                absl::StartsWith(s.message(), "template.")));
    }
    // An acknowledgement differs only in that it may leave the subject empty.
    if (notification.ok()) POC_FUZZ_CHECK(ack.ok());
    if (ack.ok() && !notification.ok()) POC_FUZZ_CHECK(tmpl.subject().empty());
  }

  poc::v1::Message message;
  if (message.ParseFromString(bytes)) {
    const absl::Status s = poc::ValidateMessage(message, limits);
    POC_FUZZ_CHECK(s.ok() || s.code() == absl::StatusCode::kInvalidArgument);
    if (s.ok()) {
      // A valid message stays valid through the wire (pocd signs its serialization).
      poc::v1::Message again;
      POC_FUZZ_CHECK(again.ParseFromString(message.SerializeAsString()));
      POC_FUZZ_CHECK(poc::ValidateMessage(again, limits).ok());
      // The one address that is not a State, group or all: an acknowledgement of an exercise
      // ping goes back to the Secretariat.
      for (const std::string& r : message.recipients()) {
        POC_FUZZ_CHECK(poc::IsRecipientAddress(r) ||
                       (message.kind() == poc::v1::MESSAGE_TYPE_ACKNOWLEDGEMENT &&
                        r == poc::kSecretariatAddress && message.recipients_size() == 1));
      }
    }
  }
  return 0;
}
