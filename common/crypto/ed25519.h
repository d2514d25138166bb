// Ed25519 keys for message signatures (States) and for checkpoints, receipts and directory
// snapshots (the relay). Keys are OpenSSL 3 EVP_PKEYs (key files, certificates); signing and
// verifying run libsodium, about twice as fast on our machines (tests/bench/crypto_bench.cc,
// README "Performance"), with the same RFC 8032 signatures.
#ifndef POC_COMMON_CRYPTO_ED25519_H_
#define POC_COMMON_CRYPTO_ED25519_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace poc {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// Key id as DESIGN.md fixes it: lowercase hex of the first 8 bytes of SHA-256(raw public key).
std::string KeyIdOf(std::string_view raw_public_key);

// A verifying key. Immutable and safe to share between threads.
class Ed25519PublicKey {
 public:
  static absl::StatusOr<Ed25519PublicKey> FromRaw(std::string_view raw);

  // True when `signature` is a valid signature of `data` under this key.
  bool Verify(std::string_view data, std::string_view signature) const;

  const std::string& raw() const { return raw_; }
  const std::string& key_id() const { return key_id_; }

 private:
  Ed25519PublicKey(std::shared_ptr<EVP_PKEY> pkey, std::string raw);

  std::shared_ptr<EVP_PKEY> pkey_;
  std::string raw_;
  std::string key_id_;
};

// A signing key. Never logged, never serialized except by key_files.h.
class Ed25519PrivateKey {
 public:
  static absl::StatusOr<Ed25519PrivateKey> Generate();
  static absl::StatusOr<Ed25519PrivateKey> FromSeed(std::string_view seed32);
  // Takes ownership of an EVP_PKEY that must be an Ed25519 private key.
  static absl::StatusOr<Ed25519PrivateKey> FromPkey(EVP_PKEY* pkey);

  std::string Sign(std::string_view data) const;
  const Ed25519PublicKey& public_key() const { return public_key_; }
  EVP_PKEY* pkey() const { return pkey_.get(); }

 private:
  Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> pkey, Ed25519PublicKey public_key,
                    std::shared_ptr<const std::string> secret);

  std::shared_ptr<EVP_PKEY> pkey_;
  Ed25519PublicKey public_key_;
  // libsodium's secret key: seed || public key (64 bytes), wiped when the last copy goes.
  std::shared_ptr<const std::string> secret_;
};

}  // namespace poc

#endif  // POC_COMMON_CRYPTO_ED25519_H_
