// Who may call what: the one table every relay RPC checks, and the README's roles table.
// The role comes only from the caller's verified certificate (common/tls/peer_identity.h).
#ifndef POC_SERVER_ACCESS_POLICY_H_
#define POC_SERVER_ACCESS_POLICY_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/directory/directory_view.h"
#include "common/tls/peer_identity.h"
#include "common/tls/revocation_list.h"
#include "server/snapshot_holder.h"

namespace poc {

enum class Rpc {
  kSubmit,
  kSession,
  kGetDirectory,
  kAnnounceKey,
  kGetCheckpoint,
  kGetInclusionProof,
  kGetConsistencyProof,
  kGetEntries,
  kAddCosignature,
  kProposeObserver,
  kObjectToObserver,
  kListObservers,
  kCreateExercise,
  kListExercises,
  kGetExercise,
  kCancelExercise,
  kGetExerciseReport,
  kStartDrill,
  kListDrills,
  kGetDrillReport,
};

struct AccessRule {
  Rpc rpc;
  const char* name;  // "poc.v1.Relay/Submit"
  bool state;
  bool secretariat;
  bool observer;
  const char* why;  // one line for the README and for denials
};

// Every RPC the relay serves, in README order.
const std::vector<AccessRule>& AccessRules();

const AccessRule& RuleFor(Rpc rpc);

// Whether an observer certificate's slug may use the observer rows of the table now: only
// accredited observers may (server/observer_rules.h, AdmitObserver). Thread-safe.
class ObserverGate {
 public:
  virtual ~ObserverGate() = default;
  // OK, or PERMISSION_DENIED (UNAVAILABLE while a decision is being logged) saying where the
  // accreditation of `slug` stands and what to do.
  virtual absl::Status Admit(const std::string& slug) const = 0;
};

// The caller's identity when its role may call `rpc`. UNAUTHENTICATED without a usable
// certificate identity or when `revoked` (may be null) lists its certificate; PERMISSION_DENIED
// naming the RPC, the caller and who may call it, or, for a State whose entry in `directory`
// (may be null) lists certificate fingerprints, when the caller's certificate is not one of
// them (a State entry without fingerprints accepts any certificate the federation CA issued).
// An observer also needs `observers` to admit its slug, except for ListObservers (where it sees
// only its own proposals, so it can learn where its accreditation stands); with `observers`
// null every observer is refused.
absl::StatusOr<PeerIdentity> Authorize(const std::shared_ptr<const grpc::AuthContext>& auth,
                                       Rpc rpc, const RevocationList* revoked,
                                       const DirectoryView* directory,
                                       const ObserverGate* observers);

// The CRL in force, replaced on SIGHUP; holds null when none is configured.
using RevocationHolder = SnapshotHolder<RevocationList>;

}  // namespace poc

#endif  // POC_SERVER_ACCESS_POLICY_H_
