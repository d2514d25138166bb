#include "server/relay_signer.h"

#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "poc/v1/message.pb.h"

namespace poc {

std::string RelaySigner::SubmitReceipt(const std::string& message_id,
                                       const std::string& message_hash, uint64_t audit_index,
                                       absl::Time relay_time,
                                       const std::vector<std::string>& recipients) const {
  v1::SubmitReceipt receipt;
  receipt.set_message_id(message_id);
  receipt.set_message_hash(message_hash);
  receipt.set_audit_index(audit_index);
  *receipt.mutable_relay_time() = ToProto(relay_time);
  for (const auto& r : recipients) receipt.add_recipients(r);
  return SignStatement(kSubmitReceiptDomain, receipt.SerializeAsString(), key_).SerializeAsString();
}

v1::Signed RelaySigner::Directory(const v1::Directory& directory) const {
  return SignStatement(kDirectoryDomain, directory.SerializeAsString(), key_);
}

}  // namespace poc
