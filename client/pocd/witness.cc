#include "client/pocd/witness.h"

#include <grpcpp/create_channel.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "common/checkpoint/witness_name.h"
#include "common/crypto/sha256.h"
#include "common/encoding/hex.h"
#include "common/merkle/hasher.h"
#include "common/merkle/proof_verifier.h"
#include "common/rpc/deadline.h"
#include "common/status_macros.h"
#include "common/tls/credentials.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"

extern char** environ;

namespace poc {
namespace {

constexpr absl::Duration kWitnessRpcTimeout = absl::Seconds(10);

std::string Short(const std::string& root) { return HexEncode(root).substr(0, 16); }

std::string ProofText(const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::string out;
  for (const std::string& h : hashes) {
    out += HexEncode(h) + "\n";
  }
  return out;
}

bool IsLeafOfSent(const v1::AuditEvent& e) {
  return e.type() == v1::AUDIT_EVENT_SUBMITTED || e.type() == v1::AUDIT_EVENT_ACKNOWLEDGED ||
         e.type() == v1::AUDIT_EVENT_RESPONDED;
}

constexpr char kWhatToDo[] =
    "do not trust the relay's audit log; keep the evidence folder and report it to the "
    "Secretariat and to the other States' PoCs";

}  // namespace

Witness::Witness(Options options, std::shared_ptr<grpc::ChannelCredentials> credentials,
                 NodeStore* store, DirectoryCache* directory, const SigningKeyHolder* signing_key,
                 Ed25519PublicKey relay_key, const Clock* clock)
    : options_(std::move(options)),
      credentials_(std::move(credentials)),
      store_(store),
      directory_(directory),
      signing_key_(signing_key),
      relay_key_(std::move(relay_key)),
      clock_(clock) {}

Witness::~Witness() { Stop(); }

void Witness::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Witness::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void Witness::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    absl::Status s = CheckOnce();
    const std::string error = s.ok() ? "" : s.ToString();
    if (error != last_error_) {
      if (!s.ok()) {
        spdlog::warn("witness: {} (will retry)", error);
      }
      last_error_ = error;
    }
    lock.lock();
    cv_.wait_for(lock, absl::ToChronoNanoseconds(options_.interval), [this] { return stopping_; });
  }
}

absl::Status Witness::CheckOnce() {
  // A fresh channel per round: a channel that failed once waits out its reconnect backoff.
  auto stub = v1::Audit::NewStub(
      grpc::CreateCustomChannel(options_.relay, credentials_,
                                RelayChannelArguments(options_.relay_name, options_.keepalive)));
  v1::GetCheckpointResponse got;
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kWitnessRpcTimeout);
    grpc::Status s = stub->GetCheckpoint(&ctx, v1::GetCheckpointRequest(), &got);
    if (!s.ok()) {
      return absl::UnavailableError("cannot fetch the relay's audit checkpoint: " +
                                    s.error_message());
    }
  }
  const std::string& note = got.note();
  const std::string origin = note.substr(0, note.find('\n'));
  const std::string note_id = HexEncode(Sha256(note)).substr(0, 16);
  auto pinned_vkey = FormatEd25519NoteVerifierKey(origin, relay_key_);
  auto verifier = Ed25519NoteVerifier::Create(origin, relay_key_);
  if (!pinned_vkey.ok() || !verifier.ok()) {
    Raise("bad_signature", "bad_signature:" + note_id,
          "the relay's checkpoint has an origin line that cannot name a key: '" + origin + "'",
          {{"served.note", note}});
    return absl::OkStatus();
  }
  if (got.verifier_key() != *pinned_vkey) {
    Raise("bad_signature", "verifier_key:" + got.verifier_key(),
          "the relay presents checkpoint key " + got.verifier_key() +
              " but the pinned relay key (relay_public_key) gives " + *pinned_vkey,
          {{"served.note", note}});
    return absl::OkStatus();
  }
  auto opened = OpenCheckpoint(note, *verifier, {});
  if (!opened.ok()) {
    Raise("bad_signature", "bad_signature:" + note_id,
          "the relay's checkpoint does not verify with the pinned relay key: " +
              std::string(opened.status().message()),
          {{"served.note", note}});
    return absl::OkStatus();
  }
  const Checkpoint& cp = opened->checkpoint;
  const std::vector<std::string> cosigners = CheckCosignatures(*opened, note);
  std::string cosigned_by;
  for (const std::string& s : cosigners) {
    if (s != options_.state) {
      cosigned_by += (cosigned_by.empty() ? " (cosigned by " : ", ") + s;
    }
  }
  if (!cosigned_by.empty()) {
    cosigned_by += ")";
  }

  ASSIGN_OR_RETURN(std::optional<WitnessedCheckpoint> at, store_->WitnessedAt(cp.size));
  if (at && at->root != cp.root_hash) {
    // One fork alarm per checkpoint of ours that the relay contradicts, however it goes on.
    Raise("fork", "fork:" + std::to_string(at->size) + ":" + HexEncode(at->root),
          "the relay serves a checkpoint of size " + std::to_string(cp.size) + " with root " +
              Short(cp.root_hash) + "…" + cosigned_by + ", but this node verified root " +
              Short(at->root) + "… at that size: two different logs",
          {{"verified.note", at->note}, {"served.note", note}});
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(std::optional<WitnessedCheckpoint> last, store_->LatestWitnessed());
  if (last && cp.size < last->size) {
    Raise("rollback", "rollback:" + std::to_string(last->size) + ":" + HexEncode(last->root),
          "the relay serves a checkpoint of size " + std::to_string(cp.size) +
              ", smaller than the one of size " + std::to_string(last->size) +
              " this node verified: the log was rolled back",
          {{"verified.note", last->note}, {"served.note", note}});
    return absl::OkStatus();
  }
  if (last && cp.size > last->size && last->size > 0) {
    v1::GetConsistencyProofRequest request;
    request.set_first(last->size);
    request.set_second(cp.size);
    v1::GetConsistencyProofResponse proof;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kWitnessRpcTimeout);
    grpc::Status s = stub->GetConsistencyProof(&ctx, request, &proof);
    if (!s.ok() && s.error_code() != grpc::StatusCode::OUT_OF_RANGE) {
      return absl::UnavailableError("cannot fetch a consistency proof: " + s.error_message());
    }
    std::vector<std::string> hashes(proof.hashes().begin(), proof.hashes().end());
    absl::Status consistent =
        s.ok() ? merkle::VerifyConsistency(last->size, cp.size, hashes, last->root, cp.root_hash)
               : absl::DataLossError("the relay refused a proof: " + s.error_message());
    if (!consistent.ok()) {
      Raise("fork", "fork:" + std::to_string(last->size) + ":" + HexEncode(last->root),
            "the relay's checkpoint of size " + std::to_string(cp.size) + cosigned_by +
                " is not consistent with the one of size " + std::to_string(last->size) +
                " this node verified (" + std::string(consistent.message()) +
                "): the relay rewrote its log or shows different logs to different States",
            {{"verified.note", last->note},
             {"served.note", note},
             {"consistency.proof", ProofText(proof.hashes())}});
      return absl::OkStatus();
    }
  }
  if (!at) {
    RETURN_IF_ERROR(store_->SaveWitnessed({cp.size, cp.root_hash, note, clock_->Now()}));
    spdlog::info("witness: verified the relay's checkpoint of size {}", cp.size);
  }
  if (std::find(cosigners.begin(), cosigners.end(), options_.state) == cosigners.end()) {
    RETURN_IF_ERROR(Cosign(*stub, *opened));
  }
  return CheckInclusions(*stub, cp, note);
}

std::vector<std::string> Witness::CheckCosignatures(const OpenedCheckpoint& opened,
                                                    const std::string& note) {
  std::vector<std::string> states;
  const auto view = directory_->Get();
  for (const NoteSignature& sig : opened.note.unverified) {
    const std::string state = WitnessState(sig.name);
    if (state.empty()) {
      continue;
    }
    const v1::StateEntry* entry = view ? view->FindState(state) : nullptr;
    if (entry == nullptr) {
      continue;  // not a State we know: ignored, as the spec asks
    }
    for (const v1::SigningKey& k : entry->keys()) {
      if (k.status() == v1::KEY_STATUS_REVOKED) {
        continue;
      }
      auto key = Ed25519PublicKey::FromRaw(k.public_key());
      if (!key.ok()) {
        continue;
      }
      auto cosigner = CosignatureV1Verifier::Create(sig.name, *key);
      if (!cosigner.ok() || cosigner->key_id() != sig.key_id) {
        continue;
      }
      if (VerifyCosignatureV1(*cosigner, opened.note.text, sig).ok()) {
        states.push_back(state);
      } else {
        Raise("bad_signature", "cosignature:" + HexEncode(Sha256(sig.Line())),
              "the relay publishes a cosignature by " + sig.name +
                  " that does not verify with that State's key " + k.key_id(),
              {{"served.note", note}});
      }
      break;
    }
  }
  return states;
}

absl::Status Witness::Cosign(v1::Audit::Stub& stub, const OpenedCheckpoint& opened) {
  ASSIGN_OR_RETURN(
      CosignatureV1Signer signer,
      CosignatureV1Signer::Create(WitnessName(options_.state), *signing_key_->Get(), clock_));
  ASSIGN_OR_RETURN(
      NoteSignature mine,
      signer.Cosign(opened.note.text, static_cast<uint64_t>(absl::ToUnixSeconds(clock_->Now()))));
  v1::AddCosignatureRequest request;
  request.set_note(opened.note.text + "\n" + opened.note.verified.front().Line() + mine.Line());
  v1::AddCosignatureResponse response;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kWitnessRpcTimeout);
  grpc::Status s = stub.AddCosignature(&ctx, request, &response);
  if (!s.ok()) {
    return absl::UnavailableError("the relay did not take our cosignature of size " +
                                  std::to_string(opened.checkpoint.size) + ": " +
                                  s.error_message());
  }
  spdlog::info("witness: cosigned the relay's checkpoint of size {}", opened.checkpoint.size);
  return absl::OkStatus();
}

absl::Status Witness::CheckInclusions(v1::Audit::Stub& stub, const Checkpoint& cp,
                                      const std::string& note) {
  ASSIGN_OR_RETURN(std::vector<PendingInclusion> pending,
                   store_->PendingInclusions(cp.size, options_.inclusion_batch));
  for (const PendingInclusion& p : pending) {
    v1::GetInclusionProofRequest request;
    if (p.outgoing) {
      request.set_leaf_index(p.audit_index);
    } else {
      request.set_message_id(p.id);
    }
    request.set_tree_size(cp.size);
    v1::GetInclusionProofResponse response;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kWitnessRpcTimeout);
    grpc::Status s = stub.GetInclusionProof(&ctx, request, &response);
    const bool absent = s.error_code() == grpc::StatusCode::NOT_FOUND ||
                        s.error_code() == grpc::StatusCode::OUT_OF_RANGE;
    if (!s.ok() && !absent) {
      return absl::UnavailableError("cannot fetch an inclusion proof: " + s.error_message());
    }
    std::optional<uint64_t> found;
    std::string problem = s.ok() ? "" : "the relay answers: " + s.error_message();
    for (const v1::InclusionProof& proof : response.proofs()) {
      v1::AuditEvent event;
      if (!event.ParseFromString(proof.leaf_data()) || event.message_id() != p.id) {
        continue;
      }
      const bool ours = p.outgoing ? (proof.leaf_index() == p.audit_index && IsLeafOfSent(event) &&
                                      event.message_hash() == p.hash)
                                   : (event.type() == v1::AUDIT_EVENT_DELIVERED &&
                                      event.state() == options_.state);
      if (!ours) {
        continue;
      }
      std::vector<std::string> path(proof.hashes().begin(), proof.hashes().end());
      absl::Status v = merkle::VerifyInclusion(merkle::LeafHash(proof.leaf_data()),
                                               proof.leaf_index(), cp.size, path, cp.root_hash);
      if (v.ok()) {
        found = proof.leaf_index();
        break;
      }
      problem = "the inclusion proof of leaf " + std::to_string(proof.leaf_index()) +
                " does not verify: " + std::string(v.message());
    }
    if (found) {
      RETURN_IF_ERROR(store_->RecordInclusion(p.id, "verified", cp.size, found, clock_->Now()));
      continue;
    }
    if (problem.empty()) {
      problem = p.outgoing ? "leaf " + std::to_string(p.audit_index) +
                                 " is not the SUBMITTED entry the relay's receipt promised"
                           : "no DELIVERED entry names " + options_.state;
    }
    // A received message's delivery may still be on its way to the relay's log.
    if (!p.outgoing && clock_->Now() - p.stored_at < options_.inclusion_grace) {
      continue;
    }
    RETURN_IF_ERROR(store_->RecordInclusion(p.id, "missing", cp.size, std::nullopt, clock_->Now()));
    Raise("missing_inclusion", "missing_inclusion:" + p.id,
          std::string(p.outgoing ? "sent" : "received") + " message " + p.id +
              " is not in the relay's audit log at size " + std::to_string(cp.size) + ": " +
              problem,
          {{"served.note", note}, {"relay_answer.txt", response.DebugString() + problem + "\n"}});
  }
  return absl::OkStatus();
}

void Witness::Raise(const std::string& kind, const std::string& conflict, const std::string& detail,
                    const Files& evidence) {
  auto known = store_->Alarms();
  if (!known.ok()) {
    spdlog::error("witness alarm {} ({}) cannot be recorded: {}", kind, detail,
                  known.status().ToString());
    return;
  }
  for (const WitnessAlarm& a : *known) {
    if (a.conflict == conflict) {
      return;
    }
  }
  const absl::Time now = clock_->Now();
  const std::string dir = absl::StrCat(options_.evidence_dir, "/",
                                       absl::FormatTime("%Y%m%dT%H%M%SZ", now, absl::UTCTimeZone()),
                                       "-", kind, "-", HexEncode(Sha256(conflict)).substr(0, 8));
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  for (const auto& [name, content] : evidence) {
    std::ofstream out(absl::StrCat(dir, "/", name), std::ios::binary);
    out << content;
    if (!out) {
      ec = std::make_error_code(std::errc::io_error);
    }
  }
  if (ec) {
    spdlog::error("witness: cannot write the evidence to {}: {}", dir, ec.message());
  }
  WitnessAlarm alarm{0, kind, conflict, detail, dir, now};
  auto added = store_->RaiseAlarm(alarm);
  if (!added.ok()) {
    spdlog::error("witness alarm {} ({}) cannot be recorded: {}", kind, detail,
                  added.status().ToString());
  }
  spdlog::error("WITNESS ALARM {}: {}. Evidence in {}; {}.", kind, detail, dir, kWhatToDo);
  nlohmann::json json{{"kind", kind},
                      {"detail", detail},
                      {"evidence", dir},
                      {"raised_at", FormatRfc3339(now)},
                      {"state", options_.state},
                      {"relay", options_.relay}};
  RunHook(json.dump());
  if (options_.hook != nullptr) {
    options_.hook->Post(nlohmann::json{
        {"event", "alarm"},
        {"state", options_.state},
        {"at", FormatRfc3339(now)},
        {"drill", false},
        {"alarm", json}}.dump());
  }
}

void Witness::RunHook(const std::string& json) const {
  if (options_.alarm_command.empty()) {
    return;
  }
  // A socket pair rather than a pipe: send(MSG_NOSIGNAL) cannot kill pocd with SIGPIPE when the
  // hook exits without reading.
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    spdlog::error("alarm_command: cannot make a socket pair");
    return;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> argv;
  for (const std::string& a : options_.alarm_command) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[0]);
  if (rc != 0) {
    ::close(fds[1]);
    spdlog::error("alarm_command: cannot run {}: {}", options_.alarm_command[0], std::strerror(rc));
    return;
  }
  // The hook may take its time: feed it and reap it off the witness thread.
  std::thread([pid, fd = fds[1], text = json + "\n", program = options_.alarm_command[0]] {
    size_t off = 0;
    while (off < text.size()) {
      const ssize_t n = ::send(fd, text.data() + off, text.size() - off, MSG_NOSIGNAL);
      if (n <= 0) {
        break;
      }
      off += static_cast<size_t>(n);
    }
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      spdlog::error("alarm_command {} failed (wait status {})", program, status);
    }
  }).detach();
}

}  // namespace poc
