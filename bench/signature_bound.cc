#include "bench/signature_bound.h"

#include <chrono>
#include <string>
#include <vector>

#include "common/crypto/ed25519.h"

namespace poc::bench {

SignatureCosts MeasureSignatureCosts(int payload_bytes, int rounds, int cores) {
  SignatureCosts costs;
  costs.cores = cores < 1 ? 1 : cores;
  absl::StatusOr<Ed25519PrivateKey> key = Ed25519PrivateKey::Generate();
  if (!key.ok() || rounds < 1) return costs;
  const std::string data(static_cast<size_t>(payload_bytes), 'x');
  std::vector<std::string> signatures;
  signatures.reserve(static_cast<size_t>(rounds));
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < rounds; ++i) signatures.push_back(key->Sign(data));
  const auto t1 = std::chrono::steady_clock::now();
  int valid = 0;
  for (const std::string& s : signatures) valid += key->public_key().Verify(data, s) ? 1 : 0;
  const auto t2 = std::chrono::steady_clock::now();
  if (valid != rounds) return SignatureCosts{};
  costs.sign_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / rounds;
  costs.verify_us = std::chrono::duration<double, std::micro>(t2 - t1).count() / rounds;
  return costs;
}

SignatureWork WorkFor(int64_t submitted, int64_t deliveries) {
  return SignatureWork{2 * submitted + deliveries, 2 * submitted + 3 * deliveries};
}

double BoundSeconds(const SignatureWork& work, const SignatureCosts& costs) {
  return (static_cast<double>(work.signs) * costs.sign_us +
          static_cast<double>(work.verifies) * costs.verify_us) /
         1e6 / costs.cores;
}

}  // namespace poc::bench
