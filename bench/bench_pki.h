// The bench's federation, made by the real poc-pki: a root CA, the relay's TLS certificate and
// signing key, the Secretariat's certificate (for the ping exercise), and per simulated State a
// node certificate and an Ed25519 signing key.
#ifndef POC_BENCH_BENCH_PKI_H_
#define POC_BENCH_BENCH_PKI_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"

namespace poc::bench {

struct StateIdentity {
  std::string code;  // ISO 3166-1 alpha-3
  std::string dir;   // node.crt, node.key, ca.crt, signing.key
  std::string public_key_base64;
  std::string proof;  // poc-pki's proof of possession, for the directory
  std::unique_ptr<Ed25519PrivateKey> key;
};

// The first `n` ISO 3166-1 alpha-3 codes in alphabetical order.
std::vector<std::string> StateCodes(int n);

class BenchPki {
 public:
  // Makes (or, when `dir` already holds them from an earlier run, reuses) the PKI for `n`
  // States under `dir`, running `poc_pki` a few at a time. `progress` gets "k/n" updates.
  static absl::StatusOr<std::unique_ptr<BenchPki>> Make(
      const std::string& dir, const std::string& poc_pki, int n,
      const std::function<void(int done, int total)>& progress);

  const std::string& dir() const { return dir_; }
  std::string relay_dir() const { return dir_ + "/relay"; }
  // admin.crt, admin.key and ca.crt: the Secretariat's client certificate.
  std::string secretariat_dir() const { return dir_ + "/secretariat"; }
  std::vector<StateIdentity>& states() { return states_; }
  const std::vector<StateIdentity>& states() const { return states_; }
  // The State owning a signing key id, for verifying envelopes and receipts as a node's
  // directory would; null when no State has that key.
  const StateIdentity* FindState(const std::string& key_id) const;
  const Ed25519PublicKey& relay_key() const { return *relay_key_; }
  // The relay's directory.toml (version 1) listing every State with its key and proof.
  std::string DirectoryToml() const;

 private:
  explicit BenchPki(std::string dir) : dir_(std::move(dir)) {}

  std::string dir_;
  std::vector<StateIdentity> states_;
  std::map<std::string, const StateIdentity*> keys_;  // key id -> its owner in states_
  std::unique_ptr<Ed25519PublicKey> relay_key_;
};

}  // namespace poc::bench

#endif  // POC_BENCH_BENCH_PKI_H_
