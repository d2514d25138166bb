#include "common/crypto/key_files.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc {
namespace {

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioDeleter>;

std::string Drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

std::string PrivateKeyToPem(const Ed25519PrivateKey& key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key.pkey(), nullptr, nullptr, 0, nullptr, nullptr);
  return Drain(bio.get());
}

std::string PublicKeyToPem(const Ed25519PublicKey& key) {
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(key.raw().data()),
      key.raw().size());
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), pkey);
  EVP_PKEY_free(pkey);
  return Drain(bio.get());
}

absl::Status WritePrivateKeyFile(const std::string& path, const Ed25519PrivateKey& key) {
  return WriteNewFile(path, PrivateKeyToPem(key), 0600);
}

absl::Status WritePublicKeyFile(const std::string& path, const Ed25519PublicKey& key) {
  return WriteNewFile(path, PublicKeyToPem(key), 0644);
}

absl::StatusOr<Ed25519PrivateKey> LoadPrivateKeyFile(const std::string& path) {
  RETURN_IF_ERROR(CheckPrivateFileMode(path));
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(path + ": not a PEM private key");
  }
  auto key = Ed25519PrivateKey::FromPkey(pkey);
  if (!key.ok()) return absl::InvalidArgumentError(path + ": " + std::string(key.status().message()));
  return key;
}

absl::StatusOr<Ed25519PublicKey> LoadPublicKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (pkey == nullptr || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return absl::InvalidArgumentError(path + ": not a PEM Ed25519 public key");
  }
  std::string raw(kEd25519PublicKeySize, '\0');
  size_t len = raw.size();
  EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(raw.data()), &len);
  EVP_PKEY_free(pkey);
  return Ed25519PublicKey::FromRaw(raw);
}

}  // namespace poc
