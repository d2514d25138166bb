// Reading and writing Ed25519 signing keys. Private keys are PEM PKCS#8 files of mode 0600;
// public keys are PEM SubjectPublicKeyInfo files, readable with `openssl pkey -pubin`.
#ifndef POC_COMMON_CRYPTO_KEY_FILES_H_
#define POC_COMMON_CRYPTO_KEY_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"

namespace poc {

// Writes a new private key file (0600); refuses to overwrite an existing file.
absl::Status WritePrivateKeyFile(const std::string& path, const Ed25519PrivateKey& key);
// Writes a new public key file (0644); refuses to overwrite an existing file.
absl::Status WritePublicKeyFile(const std::string& path, const Ed25519PublicKey& key);

// Loads a private key, refusing files that other users can read.
absl::StatusOr<Ed25519PrivateKey> LoadPrivateKeyFile(const std::string& path);
absl::StatusOr<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path);

std::string PrivateKeyToPem(const Ed25519PrivateKey& key);
std::string PublicKeyToPem(const Ed25519PublicKey& key);

}  // namespace poc

#endif  // POC_COMMON_CRYPTO_KEY_FILES_H_
