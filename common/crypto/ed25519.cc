#include "common/crypto/ed25519.h"

#include <openssl/evp.h>
#include <sodium.h>

#include "common/crypto/sha256.h"
#include "common/encoding/hex.h"

namespace poc {
namespace {

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* pkey) { return {pkey, EVP_PKEY_free}; }

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// libsodium must be initialised once before use; sodium_init() is thread-safe and idempotent.
// Should it ever fail, signing and verifying fall back to OpenSSL.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string KeyIdOf(std::string_view raw_public_key) {
  return HexEncode(Sha256(raw_public_key).substr(0, 8));
}

Ed25519PublicKey::Ed25519PublicKey(std::shared_ptr<EVP_PKEY> pkey, std::string raw)
    : pkey_(std::move(pkey)), raw_(std::move(raw)), key_id_(KeyIdOf(raw_)) {}

absl::StatusOr<Ed25519PublicKey> Ed25519PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kEd25519PublicKeySize) {
    return absl::InvalidArgumentError("an Ed25519 public key is 32 bytes, got " +
                                      std::to_string(raw.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (pkey == nullptr) return absl::InvalidArgumentError("not a valid Ed25519 public key");
  return Ed25519PublicKey(Own(pkey), std::string(raw));
}

bool Ed25519PublicKey::Verify(std::string_view data, std::string_view signature) const {
  if (signature.size() != kEd25519SignatureSize) return false;
  if (SodiumReady()) {
    return crypto_sign_verify_detached(Bytes(signature), Bytes(data), data.size(), Bytes(raw_)) ==
           0;
  }
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

Ed25519PrivateKey::Ed25519PrivateKey(std::shared_ptr<EVP_PKEY> pkey, Ed25519PublicKey public_key,
                                     std::shared_ptr<const std::string> secret)
    : pkey_(std::move(pkey)), public_key_(std::move(public_key)), secret_(std::move(secret)) {}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromPkey(EVP_PKEY* pkey) {
  auto owned = Own(pkey);
  if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    return absl::InvalidArgumentError("not an Ed25519 private key");
  }
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len) != 1 ||
      len != kEd25519PublicKeySize) {
    return absl::InternalError("cannot read the Ed25519 public key");
  }
  auto pub = Ed25519PublicKey::FromRaw(raw);
  if (!pub.ok()) return pub.status();
  auto* secret = new std::string(crypto_sign_SECRETKEYBYTES, '\0');
  std::shared_ptr<const std::string> wiped(secret, [](const std::string* s) {
    sodium_memzero(const_cast<char*>(s->data()), s->size());
    delete s;
  });
  size_t seed_len = kEd25519PublicKeySize;
  if (EVP_PKEY_get_raw_private_key(pkey, reinterpret_cast<unsigned char*>(secret->data()),
                                   &seed_len) != 1 ||
      seed_len != kEd25519PublicKeySize) {
    return absl::InternalError("cannot read the Ed25519 private key");
  }
  secret->replace(kEd25519PublicKeySize, kEd25519PublicKeySize, raw);
  return Ed25519PrivateKey(std::move(owned), *std::move(pub), std::move(wiped));
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::Generate() {
  EVP_PKEY* pkey = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (pkey == nullptr) return absl::InternalError("Ed25519 key generation failed");
  return FromPkey(pkey);
}

absl::StatusOr<Ed25519PrivateKey> Ed25519PrivateKey::FromSeed(std::string_view seed32) {
  if (seed32.size() != 32) return absl::InvalidArgumentError("an Ed25519 seed is 32 bytes");
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed32.data()), 32);
  if (pkey == nullptr) return absl::InvalidArgumentError("not a valid Ed25519 seed");
  return FromPkey(pkey);
}

std::string Ed25519PrivateKey::Sign(std::string_view data) const {
  std::string sig(kEd25519SignatureSize, '\0');
  if (SodiumReady()) {
    crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr, Bytes(data),
                         data.size(), Bytes(*secret_));
    return sig;
  }
  size_t len = sig.size();
  MdCtx ctx(EVP_MD_CTX_new());
  // Signing with a valid Ed25519 key cannot fail short of memory exhaustion.
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, pkey_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    std::abort();
  }
  return sig;
}

}  // namespace poc
