// The steps every certificate poc-pki makes shares, root and leaf alike: an ECDSA P-256 key,
// an X.509 v3 body with a random serial and a validity window, extensions, and a SHA-256
// signature.
#ifndef POC_CERTS_X509_BUILDER_H_
#define POC_CERTS_X509_BUILDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/tls/openssl_ptr.h"

namespace poc::pki {

// When a certificate is valid: from now minus `backdate_days` for `days` days. Backdating
// exists so tests can make certificates that are already expired.
struct Validity {
  int days = 825;
  int backdate_days = 0;
};

// Checks the ranges a person could get wrong (days >= 1, backdate_days >= 0).
absl::Status CheckValidity(const Validity& validity);

// A fresh ECDSA key on NIST P-256.
absl::StatusOr<EvpPkeyPtr> NewP256Key();

// An unsigned X.509 v3 certificate for `subject_key` with subject CN=`common_name`, a
// positive 159-bit serial (158 random bits) and the validity window. Issuer and extensions are
// still to be set.
absl::StatusOr<X509Ptr> NewCertificateBody(const std::string& common_name, EVP_PKEY* subject_key,
                                           const Validity& validity);

// Adds the extension `nid` given in OpenSSL's configuration syntax ("critical,CA:TRUE",
// "keyid:always"). `issuer` may be `cert` itself for a self-signed certificate.
absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value);

// Sets the issuer name from `issuer` and signs with `issuer_key` over SHA-256.
absl::Status SignCertificate(X509* cert, X509* issuer, EVP_PKEY* issuer_key);

}  // namespace poc::pki

#endif  // POC_CERTS_X509_BUILDER_H_
