#include "server/access_policy.h"

namespace poc {

const std::vector<AccessRule>& AccessRules() {
  static const std::vector<AccessRule> rules = {
      {Rpc::kSubmit, "poc.v1.Relay/Submit", true, false, false,
       "only States send; a node sends for the State in its certificate"},
      {Rpc::kSession, "poc.v1.Relay/Session", true, false, false,
       "deliveries and receipts go to State nodes only"},
      {Rpc::kGetDirectory, "poc.v1.Relay/GetDirectory", true, true, false,
       "points of contact are for States and the Secretariat"},
      {Rpc::kAnnounceKey, "poc.v1.Relay/AnnounceKey", true, false, false,
       "a State rotates its own signing key, signed with its current one"},
      {Rpc::kGetCheckpoint, "poc.v1.Audit/GetCheckpoint", true, true, true,
       "the audit log is public (also served on HTTP)"},
      {Rpc::kGetInclusionProof, "poc.v1.Audit/GetInclusionProof", true, true, true,
       "the audit log is public (also served on HTTP)"},
      {Rpc::kGetConsistencyProof, "poc.v1.Audit/GetConsistencyProof", true, true, true,
       "the audit log is public (also served on HTTP)"},
      {Rpc::kGetEntries, "poc.v1.Audit/GetEntries", true, true, true,
       "the audit log is public (also served on HTTP)"},
      {Rpc::kAddCosignature, "poc.v1.Audit/AddCosignature", true, false, false,
       "States are the log's witnesses"},
      {Rpc::kProposeObserver, "poc.v1.Observers/ProposeObserver", false, true, false,
       "the Secretariat proposes accreditations; States decide by silence or objection"},
      {Rpc::kObjectToObserver, "poc.v1.Observers/ObjectToObserver", true, false, false,
       "a State objects for itself, signed with its own key"},
      {Rpc::kListObservers, "poc.v1.Observers/ListObservers", true, true, true,
       "States and the Secretariat see every proposal; an observer only its own"},
      {Rpc::kCreateExercise, "poc.v1.Exercises/CreateExercise", false, true, false,
       "the Secretariat schedules ping exercises"},
      {Rpc::kListExercises, "poc.v1.Exercises/ListExercises", true, true, true,
       "exercises and their reports are published to States and observers"},
      {Rpc::kGetExercise, "poc.v1.Exercises/GetExercise", true, true, true,
       "exercises and their reports are published to States and observers"},
      {Rpc::kCancelExercise, "poc.v1.Exercises/CancelExercise", false, true, false,
       "the Secretariat cancels its own exercises"},
      {Rpc::kGetExerciseReport, "poc.v1.Exercises/GetExerciseReport", true, true, true,
       "exercises and their reports are published to States and observers"},
      {Rpc::kStartDrill, "poc.v1.Drills/StartDrill", false, true, false,
       "the Secretariat runs escalation drills"},
      {Rpc::kListDrills, "poc.v1.Drills/ListDrills", true, true, false,
       "States see drills and their reports, as they see exercises; observers do not"},
      {Rpc::kGetDrillReport, "poc.v1.Drills/GetDrillReport", true, true, false,
       "States see drills and their reports, as they see exercises; observers do not"},
  };
  return rules;
}

namespace {

absl::Status CheckListedCertificate(const PeerIdentity& peer, const DirectoryView* directory) {
  if (peer.role != Role::kState || directory == nullptr) {
    return absl::OkStatus();
  }
  const v1::StateEntry* entry = directory->FindState(peer.name);
  if (entry == nullptr || entry->certificate_fingerprints().empty()) {
    return absl::OkStatus();
  }
  for (const std::string& listed : entry->certificate_fingerprints()) {
    if (listed == peer.fingerprint) {
      return absl::OkStatus();
    }
  }
  return absl::PermissionDeniedError(
      "the certificate of State " + peer.name + " (sha256 " + peer.fingerprint +
      ") is not one of the " + std::to_string(entry->certificate_fingerprints_size()) +
      " node certificates the directory lists for " + peer.name +
      "; ask the Secretariat to add its fingerprint (`poc-pki show node.crt`) to the directory");
}

}  // namespace

const AccessRule& RuleFor(Rpc rpc) {
  for (const AccessRule& rule : AccessRules()) {
    if (rule.rpc == rpc) {
      return rule;
    }
  }
  std::abort();  // every Rpc has a rule; a test checks it
}

absl::StatusOr<PeerIdentity> Authorize(const std::shared_ptr<const grpc::AuthContext>& auth,
                                       Rpc rpc, const RevocationList* revoked,
                                       const DirectoryView* directory,
                                       const ObserverGate* observers) {
  if (!auth) {
    return absl::UnauthenticatedError("no TLS client certificate");
  }
  absl::StatusOr<PeerIdentity> peer = PeerIdentityFromAuthContext(*auth);
  if (!peer.ok()) {
    return peer.status();
  }
  if (const Revocation* r = revoked != nullptr ? revoked->Find(peer->serial) : nullptr) {
    return absl::UnauthenticatedError(
        "the certificate of " + std::string(RoleName(peer->role)) + " " + peer->name + " (serial " +
        peer->serial + ") was revoked by the federation CA at " +
        absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", r->revoked_at, absl::UTCTimeZone()) + " (" +
        RevocationReasonText(r->reason) + "); ask the Secretariat for a new certificate");
  }
  if (absl::Status listed = CheckListedCertificate(*peer, directory); !listed.ok()) {
    return listed;
  }
  const AccessRule& rule = RuleFor(rpc);
  const bool allowed = (peer->role == Role::kState && rule.state) ||
                       (peer->role == Role::kSecretariat && rule.secretariat) ||
                       (peer->role == Role::kObserver && rule.observer);
  if (allowed && peer->role == Role::kObserver && rpc != Rpc::kListObservers) {
    if (observers == nullptr) {
      return absl::PermissionDeniedError(std::string(rule.name) +
                                         " refuses observers here: no accreditation is checked");
    }
    if (absl::Status admitted = observers->Admit(peer->name); !admitted.ok()) {
      return absl::Status(admitted.code(),
                          std::string(rule.name) + ": " + std::string(admitted.message()));
    }
  }
  if (allowed) {
    return peer;
  }
  std::string who;
  if (rule.state) {
    who += "State nodes";
  }
  if (rule.secretariat) {
    who += std::string(who.empty() ? "" : ", ") + "the Secretariat";
  }
  if (rule.observer) {
    who += std::string(who.empty() ? "" : ", ") + "observers";
  }
  return absl::PermissionDeniedError(std::string(rule.name) + " is for " + who + " (" + rule.why +
                                     "); the caller is " + RoleName(peer->role) + " " + peer->name);
}

}  // namespace poc
