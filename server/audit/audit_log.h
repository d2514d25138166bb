// The relay's side of the transparency log: signs C2SP checkpoints of the append-only audit
// tree and serves its contents. The tree itself is written by the store, leaf by leaf, in the
// same commits as the state changes it records.
#ifndef POC_SERVER_AUDIT_AUDIT_LOG_H_
#define POC_SERVER_AUDIT_AUDIT_LOG_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "common/checkpoint/note.h"
#include "common/util/clock.h"
#include "server/audit/audit_reader.h"
#include "server/relay_metrics.h"
#include "server/relay_store.h"

namespace poc {

// Thread-safe.
//
// Never two inconsistent checkpoints: every checkpoint is the root of the persistent,
// append-only tree at a size no smaller than the last one signed, and Open() refuses a store
// whose tree no longer matches its latest checkpoint (rolled back or altered), also after a
// restart.
class AuditLog final : public AuditReader {
 public:
  // `origin` names the log (and the checkpoint key), e.g. "relay.example.org/poc-audit".
  static absl::StatusOr<std::unique_ptr<AuditLog>> Open(RelayStore* store,
                                                        const Ed25519PrivateKey& key,
                                                        const std::string& origin,
                                                        const Clock* clock, RelayMetrics* metrics);
  ~AuditLog() override;

  // Signs a checkpoint of everything committed, unless the latest one already covers it, and
  // returns the latest note.
  absl::StatusOr<std::string> SignCheckpoint();
  // Signs on its own every `interval` while the log grows, until Stop().
  void StartPeriodic(absl::Duration interval);
  void Stop();

  // The verifier key of checkpoints, "<origin>+<hex id>+<base64(0x01 || key)>".
  const std::string& verifier_key() const { return verifier_key_; }
  uint64_t latest_size() const;

  // Takes State `state`'s witness cosignature: `note` is a checkpoint this relay signed, with
  // the State's C2SP tlog-cosignature/v1 line under the name WitnessName(state)
  // (common/checkpoint/witness_name.h) added; `active_keys` are the State's ACTIVE directory
  // keys. Stores the cosignature durably; from then on the published note of that checkpoint
  // carries it. Errors: INVALID_ARGUMENT malformed note or no cosignature by the State;
  // PERMISSION_DENIED a cosignature under another State's witness name; UNAUTHENTICATED a
  // cosignature that does not verify with an active key; FAILED_PRECONDITION a checkpoint this
  // relay did not sign.
  absl::Status AddCosignature(const std::string& state,
                              const std::vector<Ed25519PublicKey>& active_keys,
                              const std::string& note);

  // AuditReader. The latest checkpoint, with every State cosignature held for it appended.
  absl::StatusOr<std::string> LatestCheckpointNote() override;
  absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                      uint64_t count) override;
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override;

 private:
  AuditLog(RelayStore* store, std::unique_ptr<Ed25519NoteSigner> signer, std::string origin,
           std::string verifier_key, const Clock* clock, RelayMetrics* metrics);

  RelayStore* const store_;
  const std::unique_ptr<Ed25519NoteSigner> signer_;
  const std::string origin_;
  const std::string verifier_key_;
  const Clock* const clock_;
  RelayMetrics* const metrics_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string latest_note_;   // guarded by mu_
  uint64_t latest_size_ = 0;  // guarded by mu_
  bool has_latest_ = false;   // guarded by mu_
  // Cosignature lines of the latest checkpoint, by State; guarded by mu_.
  std::map<std::string, std::string> latest_cosignatures_;
  bool stopping_ = false;  // guarded by mu_
  std::mutex signing_mu_;  // one signing at a time
  std::thread periodic_;
};

}  // namespace poc

#endif  // POC_SERVER_AUDIT_AUDIT_LOG_H_
