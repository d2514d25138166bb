// The node as a witness of the relay's audit log (DESIGN.md, "States as witnesses"). Every
// `interval` it fetches the relay's latest checkpoint, verifies the relay's signature with the
// pinned relay key, proves it consistent with the last checkpoint it verified, cosigns it
// (C2SP tlog-cosignature/v1, with the State's signing key under WitnessName(state)) and sends
// the cosignature back; then it proves that the messages it sent or received are in the log.
//
// Alarms, each raised once per distinct conflict, logged at error level, kept in the store
// (shown by `pocctl status`), saved as evidence files and passed to the operator's hook:
//   fork              the relay served a checkpoint whose root differs from one this node
//                     (or a cosigning State) verified at the same size, or that is not
//                     consistent with the last one this node verified;
//   rollback          the relay served a checkpoint smaller than the last one verified;
//   missing_inclusion a message's audit entry is absent or does not match (sent: the leaf the
//                     relay's signed submit receipt names; received: our delivery, once
//                     `inclusion_grace` has passed);
//   bad_signature     a checkpoint or a known State's cosignature that does not verify, or a
//                     relay verifier key other than the pinned one.
// After a fork or rollback alarm the node keeps its last good checkpoint and cosigns nothing
// that conflicts with it.
#ifndef POC_CLIENT_POCD_WITNESS_H_
#define POC_CLIENT_POCD_WITNESS_H_

#include <grpcpp/security/credentials.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "client/pocd/directory_cache.h"
#include "client/pocd/node_store.h"
#include "client/pocd/operator_hook.h"
#include "client/pocd/signing_key_holder.h"
#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/crypto/ed25519.h"
#include "common/tls/keepalive.h"
#include "common/util/clock.h"
#include "poc/v1/audit_service.grpc.pb.h"

namespace poc {

// Thread-safe. Start() runs one thread; Stop() joins it.
class Witness {
 public:
  struct Options {
    std::string state;
    std::string relay;  // host:port
    std::string relay_name;
    Keepalive keepalive;  // as the node's session uses, so both may share a connection
    absl::Duration interval = absl::Seconds(30);
    std::string evidence_dir;
    std::vector<std::string> alarm_command;  // argv; empty: no hook
    OperatorHook* hook = nullptr;            // also told of each alarm (event "alarm")
    absl::Duration inclusion_grace = absl::Minutes(10);
    int inclusion_batch = 32;  // messages checked per round
  };

  // `store`, `directory`, `clock` are not owned and must outlive the witness.
  Witness(Options options, std::shared_ptr<grpc::ChannelCredentials> credentials, NodeStore* store,
          DirectoryCache* directory, const SigningKeyHolder* signing_key,
          Ed25519PublicKey relay_key, const Clock* clock);
  ~Witness();
  Witness(const Witness&) = delete;
  Witness& operator=(const Witness&) = delete;

  void Start();
  void Stop();

  // One round. An error means the round could not finish (relay unreachable, store error);
  // alarms are not errors.
  absl::Status CheckOnce();

 private:
  using Files = std::vector<std::pair<std::string, std::string>>;  // name, content

  void Loop();
  // Records the alarm unless its conflict is known; then logs it, writes the evidence and runs
  // the hook.
  void Raise(const std::string& kind, const std::string& conflict, const std::string& detail,
             const Files& evidence);
  void RunHook(const std::string& json) const;
  // States whose valid cosignatures the note carries. A bad one by a known key raises
  // bad_signature.
  std::vector<std::string> CheckCosignatures(const OpenedCheckpoint& opened,
                                             const std::string& note);
  absl::Status Cosign(v1::Audit::Stub& stub, const OpenedCheckpoint& opened);
  absl::Status CheckInclusions(v1::Audit::Stub& stub, const Checkpoint& checkpoint,
                               const std::string& note);

  const Options options_;
  const std::shared_ptr<grpc::ChannelCredentials> credentials_;
  NodeStore* const store_;
  DirectoryCache* const directory_;
  const SigningKeyHolder* const signing_key_;
  const Ed25519PublicKey relay_key_;
  const Clock* const clock_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;   // guarded by mu_
  std::string last_error_;  // loop thread only
  std::thread thread_;
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_WITNESS_H_
