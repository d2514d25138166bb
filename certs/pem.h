// PEM encoding and decoding of the keys and certificates poc-pki writes.
#ifndef POC_CERTS_PEM_H_
#define POC_CERTS_PEM_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "common/tls/openssl_ptr.h"

namespace poc::pki {

// PKCS#8 "PRIVATE KEY" PEM, unencrypted (the file mode protects it).
std::string PrivateKeyToPem(EVP_PKEY* key);
std::string CertificateToPem(X509* cert);

// `path` only names the source in error messages.
absl::StatusOr<X509Ptr> ParseCertificatePem(std::string_view pem, const std::string& path);
absl::StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(std::string_view pem, const std::string& path);

// The DER encoding of `cert`, e.g. for fingerprints and byte-wise comparison.
std::string CertificateToDer(X509* cert);

// Empties OpenSSL's error queue of this thread and returns its messages ("" when empty).
std::string TakeOpenSslErrors();

}  // namespace poc::pki

#endif  // POC_CERTS_PEM_H_
