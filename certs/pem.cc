#include "certs/pem.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace poc::pki {
namespace {

std::string Drain(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

BioPtr ReadOnlyBio(std::string_view pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

}  // namespace

std::string PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return Drain(bio.get());
}

std::string CertificateToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return Drain(bio.get());
}

std::string CertificateToDer(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_X509(cert, &der);
  if (n <= 0) {
    return std::string();
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  return out;
}

absl::StatusOr<X509Ptr> ParseCertificatePem(std::string_view pem, const std::string& path) {
  BioPtr bio = ReadOnlyBio(pem);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  TakeOpenSslErrors();
  if (cert == nullptr) {
    return absl::InvalidArgumentError(
        path + ": not a PEM certificate; pass a file that starts with -----BEGIN CERTIFICATE-----");
  }
  return cert;
}

absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(std::string_view pem, const std::string& path) {
  BioPtr bio = ReadOnlyBio(pem);
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  TakeOpenSslErrors();
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        path + ": not an unencrypted PEM private key; restore the file poc-pki wrote");
  }
  return key;
}

std::string TakeOpenSslErrors() {
  std::string out;
  while (const unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    if (!out.empty()) {
      out += "; ";
    }
    out += buf;
  }
  return out;
}

}  // namespace poc::pki
