#include "bench/bench_pki.h"

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench/child_process.h"
#include "common/crypto/key_files.h"
#include "common/iso3166/iso3166.h"
#include "common/util/files.h"

namespace poc::bench {
namespace {

// poc-pki runs in parallel: it is quick, and most of its time is process start-up.
constexpr int kParallelPki = 4;

absl::Status MakeState(const std::string& pki_dir, const std::string& poc_pki,
                       StateIdentity* state) {
  const std::string json_path = state->dir + "/signing.json";
  if (!std::filesystem::exists(json_path)) {
    std::filesystem::create_directories(state->dir);
    const std::string log = state->dir + "/poc-pki.log";
    if (absl::Status s = RunToCompletion(
            {poc_pki, "node-cert", "--dir", pki_dir, "--state", state->code, "--out", state->dir},
            log);
        !s.ok()) {
      return s;
    }
    // --json goes to stdout, which is the log; keep it apart.
    const std::string json_log = state->dir + "/signing-key.out";
    if (absl::Status s = RunToCompletion(
            {poc_pki, "signing-key", "--out", state->dir, "--state", state->code, "--json"},
            json_log);
        !s.ok()) {
      return s;
    }
    std::filesystem::rename(json_log, json_path);
  }
  absl::StatusOr<std::string> text = ReadFile(json_path);
  if (!text.ok()) return text.status();
  const size_t brace = text->find('{');
  if (brace == std::string::npos) {
    return absl::InternalError(json_path + " holds no JSON from poc-pki signing-key");
  }
  const auto json = nlohmann::json::parse(text->substr(brace), nullptr, false);
  if (json.is_discarded() || !json.contains("public_key") || !json.contains("proof")) {
    return absl::InternalError(json_path + " is not poc-pki signing-key's JSON");
  }
  state->public_key_base64 = json["public_key"].get<std::string>();
  state->proof = json["proof"].get<std::string>();
  absl::StatusOr<Ed25519PrivateKey> key = LoadPrivateKeyFile(state->dir + "/signing.key");
  if (!key.ok()) return key.status();
  state->key = std::make_unique<Ed25519PrivateKey>(*std::move(key));
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> StateCodes(int n) {
  std::vector<std::string> codes;
  std::string code = "AAA";
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      for (char c = 'A'; c <= 'Z'; ++c) {
        if (static_cast<int>(codes.size()) == n) return codes;
        code = {a, b, c};
        if (IsIso3166Alpha3(code)) codes.push_back(code);
      }
    }
  }
  return codes;
}

absl::StatusOr<std::unique_ptr<BenchPki>> BenchPki::Make(
    const std::string& dir, const std::string& poc_pki, int n,
    const std::function<void(int done, int total)>& progress) {
  std::unique_ptr<BenchPki> pki(new BenchPki(dir));
  const std::vector<std::string> codes = StateCodes(n);
  if (static_cast<int>(codes.size()) < n) {
    return absl::InvalidArgumentError("--states " + std::to_string(n) + ": ISO 3166-1 has only " +
                                      std::to_string(codes.size()) + " alpha-3 codes");
  }
  std::filesystem::create_directories(dir);
  const std::string pki_dir = dir + "/pki";
  const std::string relay_dir = pki->relay_dir();
  if (!std::filesystem::exists(pki_dir + "/ca.crt")) {
    std::filesystem::remove_all(pki_dir);
    std::filesystem::remove_all(relay_dir);
    const std::string log = dir + "/poc-pki.log";
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"init", "--dir", pki_dir},
             {"relay-cert", "--dir", pki_dir, "--out", relay_dir, "--dns", "localhost", "--ip",
              "127.0.0.1"},
             {"signing-key", "--out", relay_dir, "--name", "relay-signing"}}) {
      std::vector<std::string> argv{poc_pki};
      argv.insert(argv.end(), args.begin(), args.end());
      if (absl::Status s = RunToCompletion(argv, log); !s.ok()) return s;
    }
  }
  // Apart from the block above, so that a --dir from before the ping scenario gains it.
  if (!std::filesystem::exists(pki->secretariat_dir() + "/admin.crt")) {
    if (absl::Status s = RunToCompletion(
            {poc_pki, "admin-cert", "--dir", pki_dir, "--out", pki->secretariat_dir()},
            dir + "/poc-pki.log");
        !s.ok()) {
      return s;
    }
  }
  absl::StatusOr<Ed25519PublicKey> relay_key = LoadPublicKeyFile(relay_dir + "/relay-signing.pub");
  if (!relay_key.ok()) return relay_key.status();
  pki->relay_key_ = std::make_unique<Ed25519PublicKey>(*std::move(relay_key));

  pki->states_.resize(n);
  for (int i = 0; i < n; ++i) {
    pki->states_[i].code = codes[i];
    pki->states_[i].dir = dir + "/states/" + codes[i];
  }
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::mutex mu;
  absl::Status first_error;  // guarded by mu
  auto work = [&] {
    for (int i = next++; i < n; i = next++) {
      absl::Status s = MakeState(pki_dir, poc_pki, &pki->states_[i]);
      std::lock_guard<std::mutex> lock(mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      progress(++done, n);
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(kParallelPki);
  for (int t = 0; t < kParallelPki; ++t) workers.emplace_back(work);
  for (std::thread& t : workers) t.join();
  if (!first_error.ok()) return first_error;
  for (const StateIdentity& s : pki->states_) {
    pki->keys_[s.key->public_key().key_id()] = &s;
  }
  return pki;
}

const StateIdentity* BenchPki::FindState(const std::string& key_id) const {
  auto it = keys_.find(key_id);
  return it == keys_.end() ? nullptr : it->second;
}

std::string BenchPki::DirectoryToml() const {
  std::string toml = "version = 1\n";
  for (const StateIdentity& s : states_) {
    toml += "\n[[state]]\ncode = \"" + s.code + "\"\n[[state.key]]\npublic_key = \"" +
            s.public_key_base64 + "\"\nproof = \"" + s.proof + "\"\n";
  }
  return toml;
}

}  // namespace poc::bench
