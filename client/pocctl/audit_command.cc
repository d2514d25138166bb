#include "client/pocctl/audit_command.h"

#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/pocctl/audit_seen_store.h"
#include "client/pocctl/audit_verifier.h"
#include "client/pocctl/field_list.h"
#include "client/pocctl/grpc_audit_source.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "client/pocctl/tiles_audit_source.h"
#include "client/pocd/node_config.h"
#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/checkpoint/witness_name.h"
#include "common/config/config_binder.h"
#include "common/crypto/key_files.h"
#include "common/encoding/base64.h"
#include "common/envelope/signed.h"
#include "common/merkle/hasher.h"
#include "common/merkle/proof_verifier.h"
#include "common/status_macros.h"
#include "common/tls/credentials.h"
#include "common/util/files.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/relay.grpc.pb.h"

namespace poc::pocctl {
namespace {

using nlohmann::json;

// Verification failures are DataLoss: the log or the relay's answers are not what was signed.
absl::Status Failure(const std::string& message) { return absl::DataLossError(message); }

// The log to audit, with the key that must have signed its checkpoints.
struct AuditTarget {
  std::unique_ptr<AuditSource> source;
  std::string state_path;
  // gRPC: the relay's pinned public key (the verifier is made from the checkpoint's origin);
  // tiles: the verifier key given on the command line.
  std::optional<Ed25519PublicKey> relay_key;
  std::string vkey;
  // gRPC: the States' witness keys (their ACTIVE signing keys in the relay-signed directory),
  // by witness name; `witness_error` says why there are none.
  std::map<std::string, std::vector<CosignatureV1Verifier>> witnesses;
  std::string witness_error = "the States' keys need the relay's directory (use --node)";
};

// Reads the relay-signed directory over `channel` and keeps each State's ACTIVE keys as its
// witness verifiers (common/checkpoint/witness_name.h). Failure leaves cosignatures unchecked.
void LoadWitnesses(const std::shared_ptr<grpc::Channel>& channel, const Ed25519PublicKey& relay_key,
                   absl::Duration timeout, AuditTarget* target) {
  auto stub = v1::Relay::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  v1::GetDirectoryResponse response;
  const grpc::Status s = stub->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response);
  if (!s.ok()) {
    target->witness_error = "the directory could not be fetched: " + s.error_message();
    return;
  }
  v1::Directory directory;
  if (!VerifyStatement(kDirectoryDomain, response.directory(), relay_key).ok() ||
      !directory.ParseFromString(response.directory().body())) {
    target->witness_error = "the relay's directory does not verify with the pinned relay key";
    return;
  }
  for (const v1::StateEntry& state : directory.states()) {
    for (const v1::SigningKey& k : state.keys()) {
      if (k.status() != v1::KEY_STATUS_ACTIVE) {
        continue;
      }
      auto key = Ed25519PublicKey::FromRaw(k.public_key());
      if (!key.ok()) {
        continue;
      }
      auto verifier = CosignatureV1Verifier::Create(WitnessName(state.code()), *key);
      if (verifier.ok()) {
        target->witnesses[WitnessName(state.code())].push_back(*verifier);
      }
    }
  }
  target->witness_error.clear();
}

// "verified", "bad_signature", "unknown_key" or "not_checked", and the words for people.
std::pair<std::string, std::string> CheckCosignature(const AuditTarget& target,
                                                     const OpenedNote& note,
                                                     const NoteSignature& sig) {
  if (!target.witness_error.empty()) {
    return {"not_checked", "not checked (" + target.witness_error + ")"};
  }
  auto it = target.witnesses.find(sig.name);
  if (it != target.witnesses.end()) {
    for (const CosignatureV1Verifier& v : it->second) {
      if (v.key_id() != sig.key_id) {
        continue;
      }
      if (v.Verify(note.text, sig.signature)) {
        return {"verified", "verified"};
      }
      return {"bad_signature", "BAD SIGNATURE"};
    }
  }
  return {"unknown_key", "unknown key (not an active State key in the directory)"};
}

absl::StatusOr<AuditTarget> OpenTarget(const AuditOptions& o, CommandContext& ctx) {
  ASSIGN_OR_RETURN(const absl::Duration timeout, ParseDuration(ctx.global().timeout));
  AuditTarget target;
  if (!o.from_tiles.empty()) {
    if (o.vkey.empty() == o.vkey_file.empty()) {
      return absl::InvalidArgumentError(
          "--from-tiles needs the relay's verifier key: pass --vkey KEY or --vkey-file FILE (the "
          "relay operator prints it with: poc-relay --config relay.toml audit-vkey)");
    }
    target.vkey = o.vkey;
    if (!o.vkey_file.empty()) {
      ASSIGN_OR_RETURN(std::string text, ReadFile(o.vkey_file));
      target.vkey = std::string(absl::StripAsciiWhitespace(text));
    }
    ASSIGN_OR_RETURN(
        target.source,
        TilesAuditSource::Create(o.from_tiles,
                                 std::chrono::milliseconds(absl::ToInt64Milliseconds(timeout))));
    target.state_path = o.state.empty() ? DefaultSeenPath() : o.state;
    return target;
  }
  ASSIGN_OR_RETURN(const NodeAddress address,
                   ResolveNodeAddress(ctx.global().node, "", ctx.env_node()));
  const std::string config_path = address.node_dir + "/pocd.toml";
  CLI::App parser;
  NodeConfig config;
  ConfigBinder binder(&parser);
  config.Bind(&binder);
  const char* no_args[] = {"pocctl"};
  parser.parse(1, no_args);
  if (absl::Status s = binder.ApplyFile(config_path); !s.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot read the node's settings: ", std::string(s.message()),
        "; pocctl audit uses the node's pocd.toml for the relay address and credentials"));
  }
  if (absl::Status s = config.Finish(); !s.ok()) {
    return absl::FailedPreconditionError(config_path + ": " + std::string(s.message()));
  }
  ASSIGN_OR_RETURN(target.relay_key, LoadPublicKeyFile(config.relay_public_key));
  ASSIGN_OR_RETURN(auto credentials, MakeChannelCredentials(config.tls));
  auto channel = grpc::CreateCustomChannel(config.relay, credentials,
                                           RelayChannelArguments(config.relay_name));
  target.source = std::make_unique<GrpcAuditSource>(channel, config.relay, timeout);
  LoadWitnesses(channel, *target.relay_key, timeout, &target);
  target.state_path = o.state.empty() ? address.node_dir + "/audit-seen.json" : o.state;
  return target;
}

// The latest checkpoint, its signature verified with the trusted key.
absl::StatusOr<OpenedCheckpoint> FetchCheckpoint(AuditTarget& target, std::string* vkey_used) {
  ASSIGN_OR_RETURN(const CheckpointAnswer answer, target.source->LatestCheckpoint(true));
  std::unique_ptr<Ed25519NoteVerifier> verifier;
  if (target.relay_key) {
    // The origin names the key; the pinned public key is what makes it trusted.
    const std::string origin = answer.note.substr(0, answer.note.find('\n'));
    auto v = Ed25519NoteVerifier::Create(origin, *target.relay_key);
    if (!v.ok()) {
      return Failure(absl::StrCat("the checkpoint from ", target.source->Name(),
                                  " has an unusable origin line '", origin,
                                  "': ", std::string(v.status().message())));
    }
    verifier = std::make_unique<Ed25519NoteVerifier>(*std::move(v));
    ASSIGN_OR_RETURN(*vkey_used, FormatEd25519NoteVerifierKey(origin, *target.relay_key));
    if (!answer.verifier_key.empty() && answer.verifier_key != *vkey_used) {
      return Failure(
          absl::StrCat("the relay says it signs with ", answer.verifier_key,
                       " but the node pins the key ", *vkey_used,
                       " (relay_public_key in pocd.toml): the relay's key changed or this is "
                       "not the relay; do not trust it until the Secretariat confirms the key"));
    }
  } else {
    auto v = Ed25519NoteVerifier::FromVerifierKey(target.vkey);
    if (!v.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--vkey: ", std::string(v.status().message()),
                       "; give the key as poc-relay audit-vkey prints it (name+hexid+base64)"));
    }
    verifier = std::make_unique<Ed25519NoteVerifier>(*std::move(v));
    *vkey_used = target.vkey;
  }
  auto opened = OpenCheckpoint(answer.note, *verifier, {});
  if (!opened.ok()) {
    return Failure(absl::StrCat("the checkpoint from ", target.source->Name(),
                                " does not verify with the relay's key ", *vkey_used, ": ",
                                std::string(opened.status().message())));
  }
  return *std::move(opened);
}

absl::StatusOr<std::vector<SeenCheckpoint>> CheckSeen(AuditTarget& target, const Checkpoint& cp,
                                                      std::vector<std::string>* problems) {
  ASSIGN_OR_RETURN(std::vector<SeenCheckpoint> seen, LoadSeen(target.state_path, cp.origin));
  ASSIGN_OR_RETURN(*problems, CheckAgainstSeen(*target.source, cp, seen));
  return seen;
}

std::string KeyIdHex(uint32_t id) { return absl::StrCat(absl::Hex(id, absl::kZeroPad8)); }

absl::Status RunCheckpoint(AuditTarget& target, CommandContext& ctx) {
  std::string vkey;
  ASSIGN_OR_RETURN(const OpenedCheckpoint opened, FetchCheckpoint(target, &vkey));
  const Checkpoint& cp = opened.checkpoint;
  std::vector<std::string> problems;
  ASSIGN_OR_RETURN(const std::vector<SeenCheckpoint> seen, CheckSeen(target, cp, &problems));
  const bool proofs = target.relay_key.has_value();
  std::string consistency;
  if (!problems.empty()) {
    consistency = "INCONSISTENT: " + absl::StrJoin(problems, "; ");
  } else if (seen.empty()) {
    consistency = "first checkpoint seen of this log";
  } else {
    consistency =
        proofs ? absl::StrCat("consistent with the ", seen.size(), " checkpoint(s) seen before")
               : "no conflict with the checkpoints seen before (run audit verify to "
                 "recompute their roots from the tiles)";
  }
  json cosigs = json::array();
  std::vector<std::string> cosig_lines;
  std::vector<std::string> bad_cosignatures;
  for (const NoteSignature& sig : opened.note.unverified) {
    std::string when;
    auto ts = CosignatureV1Timestamp(sig.signature);
    if (ts.ok()) {
      when = FormatUtc(absl::FromUnixSeconds(static_cast<int64_t>(*ts)));
    }
    const auto [status_word, status] = CheckCosignature(target, opened.note, sig);
    if (status_word == "bad_signature") {
      bad_cosignatures.push_back(sig.name);
    }
    cosigs.push_back({{"name", sig.name},
                      {"key_id", KeyIdHex(sig.key_id)},
                      {"time", when},
                      {"status", status_word}});
    cosig_lines.push_back(absl::StrCat(sig.name, " ", KeyIdHex(sig.key_id),
                                       when.empty() ? "" : ", " + when, ": ", status));
  }
  if (ctx.json()) {
    json j = {{"origin", cp.origin},
              {"size", cp.size},
              {"root_hex", HexHash(cp.root_hash)},
              {"root_base64", Base64Encode(cp.root_hash)},
              {"signature", {{"verifier_key", vkey}, {"status", "verified"}}},
              {"cosignatures", cosigs},
              {"consistent", problems.empty()},
              {"problems", problems},
              {"source", target.source->Name()}};
    ctx.out() << j.dump() << "\n";
  } else {
    FieldList f;
    f.Add("Origin", cp.origin);
    f.Add("Size", absl::StrCat(cp.size));
    f.Add("Root (hex)", HexHash(cp.root_hash));
    f.Add("Root (base64)", Base64Encode(cp.root_hash));
    f.Add("Signature", "verified with " + vkey);
    f.Add("Cosignatures", cosig_lines.empty() ? "none" : absl::StrJoin(cosig_lines, "\n"));
    f.Add("Consistency", consistency);
    f.Add("Source", target.source->Name());
    ctx.out() << f.Render();
  }
  if (!problems.empty()) {
    return Failure("the checkpoint is not consistent with those seen before: " +
                   absl::StrJoin(problems, "; "));
  }
  if (!bad_cosignatures.empty()) {
    return Failure("the relay publishes cosignatures that do not verify (" +
                   absl::StrJoin(bad_cosignatures, ", ") +
                   "): those States did not sign this checkpoint");
  }
  return RecordSeen(target.state_path, cp);
}

std::string EventTypeWord(v1::AuditEventType type) {
  switch (type) {
    case v1::AUDIT_EVENT_SUBMITTED:
      return "submitted";
    case v1::AUDIT_EVENT_DELIVERED:
      return "delivered";
    case v1::AUDIT_EVENT_ACKNOWLEDGED:
      return "acknowledged";
    case v1::AUDIT_EVENT_RESPONDED:
      return "responded";
    case v1::AUDIT_EVENT_DELIVERY_REFUSED:
      return "delivery refused";
    case v1::AUDIT_EVENT_DIRECTORY_LOADED:
      return "directory loaded";
    default:
      return absl::StrCat("type ", static_cast<int>(type));
  }
}

absl::Status RunProve(const AuditOptions& o, AuditTarget& target, CommandContext& ctx) {
  std::string vkey;
  ASSIGN_OR_RETURN(const OpenedCheckpoint opened, FetchCheckpoint(target, &vkey));
  const Checkpoint& cp = opened.checkpoint;
  ASSIGN_OR_RETURN(const v1::GetInclusionProofResponse response,
                   target.source->InclusionProofs(o.id, cp.size));
  if (response.proofs().empty()) {
    return absl::NotFoundError("the audit log has no event for message " + o.id +
                               "; give the message's full id (pocctl show ID prints it)");
  }
  if (response.tree_size() != cp.size) {
    return Failure(absl::StrCat("the relay proved against size ", response.tree_size(),
                                " when asked for the signed size ", cp.size));
  }
  bool all_ok = true;
  json events = json::array();
  Table table({"INDEX", "EVENT", "SENDER", "RECIPIENT", "RELAY TIME", "PROOF"});
  for (const v1::InclusionProof& p : response.proofs()) {
    std::vector<std::string> path(p.hashes().begin(), p.hashes().end());
    absl::Status s = merkle::VerifyInclusion(merkle::LeafHash(p.leaf_data()), p.leaf_index(),
                                             cp.size, path, cp.root_hash);
    v1::AuditEvent e;
    const bool parsed = e.ParseFromString(p.leaf_data());
    const bool ok = s.ok() && parsed && e.message_id() == o.id;
    all_ok = all_ok && ok;
    std::string verdict = ok ? "verified" : "FAILED";
    if (!s.ok()) {
      absl::StrAppend(&verdict, ": ", std::string(s.message()));
    } else if (!parsed) {
      absl::StrAppend(&verdict, ": not a poc.v1.AuditEvent");
    } else if (!ok) {
      absl::StrAppend(&verdict, ": the event names message ", e.message_id());
    }
    const std::string recipient = e.state().empty() ? JoinList(e.recipients()) : e.state();
    const std::string time = FormatDetailTime(e.relay_time());
    table.AddRow({absl::StrCat(p.leaf_index()), EventTypeWord(e.type()), e.sender(), recipient,
                  time, verdict});
    events.push_back({{"index", p.leaf_index()},
                      {"type", EventTypeWord(e.type())},
                      {"sender", e.sender()},
                      {"recipient", recipient},
                      {"relay_time", time},
                      {"verified", ok},
                      {"detail", verdict}});
  }
  if (ctx.json()) {
    ctx.out() << json{{"message_id", o.id},   {"origin", cp.origin},
                      {"tree_size", cp.size}, {"root_hex", HexHash(cp.root_hash)},
                      {"verified", all_ok},   {"events", events}}
                     .dump()
              << "\n";
  } else {
    ctx.out() << "Message " << o.id << " in the signed audit log " << cp.origin << " (size "
              << cp.size << ", root " << HexHash(cp.root_hash).substr(0, 16) << "…):\n"
              << table.Render();
  }
  if (!all_ok) {
    return Failure("an inclusion proof of message " + o.id + " does not verify");
  }
  return absl::OkStatus();
}

absl::Status RunVerify(AuditTarget& target, CommandContext& ctx, std::ostream& err,
                       bool err_is_tty) {
  std::string vkey;
  ASSIGN_OR_RETURN(const OpenedCheckpoint opened, FetchCheckpoint(target, &vkey));
  const Checkpoint& cp = opened.checkpoint;
  std::vector<std::string> problems;
  ASSIGN_OR_RETURN(const std::vector<SeenCheckpoint> seen, CheckSeen(target, cp, &problems));

  const auto started = std::chrono::steady_clock::now();
  auto last = started;
  bool printed = false;
  const auto every =
      err_is_tty && !ctx.json() ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
  auto progress = [&](uint64_t done, uint64_t total) {
    const auto now = std::chrono::steady_clock::now();
    if (now - last < every && done != total) {
      return;
    }
    if (done == total && !printed) {
      return;  // short runs stay quiet
    }
    last = now;
    const double secs = std::chrono::duration<double>(now - started).count();
    const std::string line = absl::StrCat(
        "verifying: ", done, " / ", total, " entries, ",
        static_cast<uint64_t>(secs > 0 ? static_cast<double>(done) / secs : 0), " entries/s");
    if (err_is_tty && !ctx.json()) {
      err << "\r" << line << "\x1b[K" << std::flush;
    } else {
      err << line << "\n" << std::flush;
    }
    printed = true;
  };
  ASSIGN_OR_RETURN(VerifyOutcome outcome, VerifyLog(*target.source, cp, seen, progress));
  if (printed && err_is_tty && !ctx.json()) {
    err << "\n";
  }
  problems.insert(problems.end(), outcome.problems.begin(), outcome.problems.end());
  const double rate = outcome.seconds > 0 ? static_cast<double>(cp.size) / outcome.seconds : 0;
  if (ctx.json()) {
    json j = {{"verified", problems.empty()}, {"origin", cp.origin},
              {"tree_size", cp.size},         {"root_hex", HexHash(cp.root_hash)},
              {"first_bad_index", nullptr},   {"first_unparsable_index", nullptr},
              {"problems", problems},         {"seconds", outcome.seconds},
              {"entries_per_second", rate},   {"source", target.source->Name()}};
    if (outcome.first_bad_index) {
      j["first_bad_index"] = *outcome.first_bad_index;
    }
    if (outcome.first_unparsable_index) {
      j["first_unparsable_index"] = *outcome.first_unparsable_index;
    }
    ctx.out() << j.dump() << "\n";
  } else if (problems.empty()) {
    ctx.out() << "Verified: the " << cp.size << " entries of " << cp.origin
              << " reproduce the signed root " << HexHash(cp.root_hash).substr(0, 16)
              << "…, every entry is an audit event, and the log is consistent with the "
              << seen.size() << " checkpoint(s) seen before (" << static_cast<uint64_t>(rate)
              << " entries/s).\n";
  } else {
    ctx.out() << "FAILED: the audit log " << cp.origin << " of size " << cp.size
              << " does not verify:\n";
    for (const std::string& p : problems) {
      ctx.out() << "  - " << p << "\n";
    }
  }
  if (!problems.empty()) {
    std::string summary = outcome.first_bad_index
                              ? absl::StrCat("first bad entry is index ", *outcome.first_bad_index)
                              : problems.front();
    return Failure("audit verification failed: " + summary +
                   "; keep the relay's database and report it to the Secretariat");
  }
  return RecordSeen(target.state_path, cp);
}

}  // namespace

CLI::App* AddAuditCommand(CLI::App& app, AuditOptions* o) {
  CLI::App* cmd = app.add_subcommand("audit", "Check the relay's audit log without trusting it");
  cmd->description(
      "Check the relay's tamper-evident audit log. By default pocctl talks to the relay's Audit "
      "service directly with the node's own settings and credentials (DIR/pocd.toml) and trusts "
      "only the relay key the node pins (relay_public_key). With --from-tiles URL it reads the "
      "log's public tlog-tiles over plain HTTP instead and needs only the relay's verifier key "
      "(--vkey). Checkpoints verified are remembered (DIR/audit-seen.json, or --state FILE) and "
      "every later one must be consistent with them. Exit status: 0 verified, 1 verification "
      "failed, 2 usage or connection error.");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_option("--from-tiles", o->from_tiles,
                  "Read the log's tlog-tiles at this http:// URL prefix (e.g. "
                  "http://relay.example:8080/audit) instead of the relay's gRPC service");
  cmd->add_option(
      "--vkey", o->vkey,
      "With --from-tiles: the relay's verifier key, as `poc-relay audit-vkey` prints it");
  cmd->add_option("--vkey-file", o->vkey_file, "With --from-tiles: a file holding that key");
  cmd->add_option("--state", o->state,
                  "File of the checkpoints seen (default DIR/audit-seen.json; with --from-tiles "
                  "$XDG_STATE_HOME/pocctl/audit-seen.json)");
  o->checkpoint = cmd->add_subcommand(
      "checkpoint", "Show the latest signed checkpoint and check its signature and consistency");
  o->prove = cmd->add_subcommand(
      "prove", "Prove that a message's events are in the signed log (needs the relay's service)");
  o->prove->add_option("id", o->id, "The message's full id")->required();
  o->verify = cmd->add_subcommand(
      "verify", "Read every entry, recompute the root and name the first bad entry, if any");
  for (CLI::App* sub : {o->checkpoint, o->prove, o->verify}) {
    sub->fallthrough();
  }
  cmd->footer(
      "Examples:\n"
      "  pocctl --node /var/lib/poc/node audit checkpoint\n"
      "  pocctl --node /var/lib/poc/node audit prove 0190c3a2-7b1e-7c3d-9a4f-0123456789ab\n"
      "  pocctl --node /var/lib/poc/node audit verify\n"
      "  pocctl audit verify --from-tiles http://relay.example:8080/audit \\\n"
      "      --vkey 'un.example/poc-audit+1a2b3c4d+AU...'");
  return cmd;
}

absl::Status RunAudit(const AuditOptions& o, CommandContext& ctx, std::ostream& err,
                      bool err_is_tty) {
  ASSIGN_OR_RETURN(AuditTarget target, OpenTarget(o, ctx));
  if (o.checkpoint->parsed()) {
    return RunCheckpoint(target, ctx);
  }
  if (o.prove->parsed()) {
    return RunProve(o, target, ctx);
  }
  return RunVerify(target, ctx, err, err_is_tty);
}

bool IsVerificationFailure(const absl::Status& status) {
  return status.code() == absl::StatusCode::kDataLoss;
}

}  // namespace poc::pocctl
