#include "server/audit/audit_log.h"

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/checkpoint/witness_name.h"
#include "common/status_macros.h"

namespace poc {

absl::StatusOr<std::unique_ptr<AuditLog>> AuditLog::Open(RelayStore* store,
                                                         const Ed25519PrivateKey& key,
                                                         const std::string& origin,
                                                         const Clock* clock,
                                                         RelayMetrics* metrics) {
  auto signer = Ed25519NoteSigner::Create(origin, key);
  if (!signer.ok()) {
    return absl::InvalidArgumentError(
        "[audit] origin: '" + origin +
        "' cannot name a checkpoint key: " + std::string(signer.status().message()));
  }
  const std::string vkey = signer->VerifierKey();
  std::unique_ptr<AuditLog> log(
      new AuditLog(store, std::make_unique<Ed25519NoteSigner>(*std::move(signer)), origin, vkey,
                   clock, metrics));

  ASSIGN_OR_RETURN(std::optional<RelayStore::StoredCheckpoint> latest, store->LatestCheckpoint());
  if (latest) {
    ASSIGN_OR_RETURN(Ed25519NoteVerifier verifier, Ed25519NoteVerifier::FromVerifierKey(vkey));
    auto opened = OpenCheckpoint(latest->note, verifier, {});
    if (!opened.ok()) {
      return absl::DataLossError("the latest stored checkpoint (size " +
                                 std::to_string(latest->size) +
                                 ") does not verify with this relay's key and origin: " +
                                 std::string(opened.status().message()));
    }
    const Checkpoint& cp = opened->checkpoint;
    if (store->AuditSize() < cp.size) {
      return absl::DataLossError(
          "the audit log has " + std::to_string(store->AuditSize()) +
          " entries but a checkpoint of " + std::to_string(cp.size) +
          " was signed: the database was rolled back; restore the latest copy");
    }
    ASSIGN_OR_RETURN(std::string root, store->RootAt(cp.size));
    if (root != cp.root_hash) {
      return absl::DataLossError("the audit log's first " + std::to_string(cp.size) +
                                 " entries no longer match the signed checkpoint of that size: "
                                 "the log was altered");
    }
    log->latest_note_ = latest->note;
    log->latest_size_ = cp.size;
    log->has_latest_ = true;
    ASSIGN_OR_RETURN(std::vector<std::string> lines, store->CosignaturesAt(cp.size));
    for (std::string& line : lines) {
      const size_t space = line.find(' ', line.find(' ') + 1);
      const std::string name = line.substr(line.find(' ') + 1, space - line.find(' ') - 1);
      log->latest_cosignatures_[WitnessState(name)] = std::move(line);
    }
  }
  metrics->audit_leaves.store(store->AuditSize());
  return log;
}

AuditLog::AuditLog(RelayStore* store, std::unique_ptr<Ed25519NoteSigner> signer, std::string origin,
                   std::string verifier_key, const Clock* clock, RelayMetrics* metrics)
    : store_(store),
      signer_(std::move(signer)),
      origin_(std::move(origin)),
      verifier_key_(std::move(verifier_key)),
      clock_(clock),
      metrics_(metrics) {}

AuditLog::~AuditLog() { Stop(); }

absl::StatusOr<std::string> AuditLog::SignCheckpoint() {
  std::lock_guard<std::mutex> signing(signing_mu_);
  const uint64_t size = store_->AuditSize();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (has_latest_ && latest_size_ >= size) {
      return latest_note_;
    }
  }
  Checkpoint cp;
  cp.origin = origin_;
  cp.size = size;
  ASSIGN_OR_RETURN(cp.root_hash, store_->RootAt(size));
  ASSIGN_OR_RETURN(std::string note, poc::SignCheckpoint(cp, *signer_));
  RETURN_IF_ERROR(store_->SaveCheckpoint(size, note, clock_->Now()));
  metrics_->checkpoints_signed.fetch_add(1);
  metrics_->audit_leaves.store(size);
  spdlog::info("signed audit checkpoint of size {}", size);
  std::lock_guard<std::mutex> lock(mu_);
  latest_note_ = note;
  latest_size_ = size;
  has_latest_ = true;
  latest_cosignatures_.clear();
  return note;
}

void AuditLog::StartPeriodic(absl::Duration interval) {
  periodic_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, absl::ToChronoNanoseconds(interval), [this] { return stopping_; })) {
      lock.unlock();
      if (auto s = SignCheckpoint(); !s.ok()) {
        spdlog::error("signing an audit checkpoint failed: {}", s.status().ToString());
      }
      lock.lock();
    }
  });
}

void AuditLog::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (periodic_.joinable()) {
    periodic_.join();
  }
}

uint64_t AuditLog::latest_size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_size_;
}

absl::StatusOr<std::string> AuditLog::LatestCheckpointNote() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!has_latest_) {
    return absl::NotFoundError("no checkpoint has been signed yet");
  }
  std::string note = latest_note_;
  for (const auto& [state, line] : latest_cosignatures_) {
    note += line;
  }
  return note;
}

absl::Status AuditLog::AddCosignature(const std::string& state,
                                      const std::vector<Ed25519PublicKey>& active_keys,
                                      const std::string& note) {
  ASSIGN_OR_RETURN(Ed25519NoteVerifier relay, Ed25519NoteVerifier::FromVerifierKey(verifier_key_));
  const NoteVerifier* verifiers[] = {&relay};
  auto opened = OpenNote(note, verifiers);
  if (!opened.ok()) {
    if (absl::IsUnauthenticated(opened.status())) {
      return absl::FailedPreconditionError("this relay did not sign that checkpoint (" +
                                           std::string(opened.status().message()) +
                                           "); cosign a checkpoint from GetCheckpoint");
    }
    return absl::InvalidArgumentError("note: " + std::string(opened.status().message()));
  }
  auto cp = Checkpoint::Parse(opened->text);
  if (!cp.ok()) {
    return absl::InvalidArgumentError("note: not a checkpoint: " +
                                      std::string(cp.status().message()));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> stored, store_->CheckpointAt(cp->size));
  if (!stored || stored->substr(0, opened->text.size() + 1) != opened->text + "\n") {
    return absl::FailedPreconditionError("this relay signed no checkpoint of size " +
                                         std::to_string(cp->size) + " with that root hash");
  }
  const std::string name = WitnessName(state);
  const NoteSignature* mine = nullptr;
  for (const NoteSignature& sig : opened->unverified) {
    const std::string other = WitnessState(sig.name);
    if (sig.name == name) {
      if (mine != nullptr) {
        return absl::InvalidArgumentError("note: more than one cosignature by " + name +
                                          "; send one");
      }
      mine = &sig;
    } else if (!other.empty()) {
      return absl::PermissionDeniedError(absl::StrCat("the note holds a cosignature by ", sig.name,
                                                      ", but ", state, " may only cosign as ",
                                                      name));
    }
  }
  if (mine == nullptr) {
    return absl::InvalidArgumentError("note: no cosignature by " + name +
                                      " (States cosign under the name poc-witness/<ISO3>)");
  }
  absl::Status last = absl::UnauthenticatedError(
      state + " has no active signing key in the directory to verify its cosignature with");
  for (const Ed25519PublicKey& key : active_keys) {
    ASSIGN_OR_RETURN(CosignatureV1Verifier verifier, CosignatureV1Verifier::Create(name, key));
    if (verifier.key_id() != mine->key_id) {
      last =
          absl::UnauthenticatedError("the cosignature's key id is not that of an active key of " +
                                     state + " in the directory; sign with the active key");
      continue;
    }
    auto verified = VerifyCosignatureV1(verifier, opened->text, *mine);
    if (!verified.ok()) {
      return absl::UnauthenticatedError("the cosignature by " + name + " does not verify: " +
                                        std::string(verified.status().message()));
    }
    const std::string line = mine->Line();
    RETURN_IF_ERROR(store_->SaveCosignature(state, cp->size, line, clock_->Now()));
    std::lock_guard<std::mutex> lock(mu_);
    if (has_latest_ && latest_size_ == cp->size) {
      latest_cosignatures_[state] = line;
    }
    return absl::OkStatus();
  }
  return last;
}

absl::StatusOr<std::vector<std::string>> AuditLog::NodeHashes(int level, uint64_t index,
                                                              uint64_t count) {
  return store_->NodeHashes(level, index, count);
}

absl::StatusOr<std::vector<std::string>> AuditLog::Entries(uint64_t start, uint64_t count) {
  return store_->Entries(start, count);
}

}  // namespace poc
