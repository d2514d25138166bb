// The relay's own signatures: submit receipts and directory snapshots. The relay never signs
// for a State; it only vouches for what it stored and what it publishes.
#ifndef POC_SERVER_RELAY_SIGNER_H_
#define POC_SERVER_RELAY_SIGNER_H_

#include <string>

#include "absl/time/time.h"
#include "common/crypto/ed25519.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/envelope.pb.h"

namespace poc {

class RelaySigner {
 public:
  explicit RelaySigner(Ed25519PrivateKey key) : key_(std::move(key)) {}

  // A signed poc.v1.SubmitReceipt, serialized.
  std::string SubmitReceipt(const std::string& message_id, const std::string& message_hash,
                            uint64_t audit_index, absl::Time relay_time,
                            const std::vector<std::string>& recipients) const;
  v1::Signed Directory(const v1::Directory& directory) const;
  const Ed25519PublicKey& public_key() const { return key_.public_key(); }
  // The key also signs audit checkpoints (as a C2SP note key named after the log's origin).
  const Ed25519PrivateKey& key() const { return key_; }

 private:
  const Ed25519PrivateKey key_;
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_SIGNER_H_
