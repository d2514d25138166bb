// The State's signing key in force on this node. It changes at run time when the operator
// rotates it (pocctl key announce), while signers keep using the key they took.
#ifndef POC_CLIENT_POCD_SIGNING_KEY_HOLDER_H_
#define POC_CLIENT_POCD_SIGNING_KEY_HOLDER_H_

#include <memory>
#include <mutex>

#include "common/crypto/ed25519.h"

namespace poc {

// Thread-safe.
class SigningKeyHolder {
 public:
  explicit SigningKeyHolder(Ed25519PrivateKey key)
      : current_(std::make_shared<const Ed25519PrivateKey>(std::move(key))) {}
  SigningKeyHolder(const SigningKeyHolder&) = delete;
  SigningKeyHolder& operator=(const SigningKeyHolder&) = delete;

  std::shared_ptr<const Ed25519PrivateKey> Get() const {
    std::lock_guard<std::mutex> lock(mu_);
    return current_;
  }
  void Set(Ed25519PrivateKey key) {
    auto next = std::make_shared<const Ed25519PrivateKey>(std::move(key));
    std::lock_guard<std::mutex> lock(mu_);
    current_ = std::move(next);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Ed25519PrivateKey> current_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_SIGNING_KEY_HOLDER_H_
