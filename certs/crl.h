// The federation's certificate revocation list, issued by the root CA: PKI/crl.pem. The relay
// reads it (tls.crl) and refuses every call made with a listed certificate.
#ifndef POC_CERTS_CRL_H_
#define POC_CERTS_CRL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/revocation_list.h"

namespace poc::pki {

inline constexpr char kCrlFile[] = "crl.pem";

struct RevokeRequest {
  std::string dir;        // the PKI folder (ca.key, ca.crt, crl.pem)
  std::string cert_path;  // the certificate to revoke
  int reason = 0;         // RFC 5280 CRLReason
};

struct CrlResult {
  std::string path;
  std::string serial;  // the serial revoked, for revoke
  size_t entries = 0;
  absl::Time next_update;
};

// Adds the certificate to PKI/crl.pem (made when missing), keeping earlier entries, and signs
// a new CRL valid for `validity`. Refuses a certificate the CA did not issue, and one that is
// already listed. The file is replaced atomically.
absl::StatusOr<CrlResult> RevokeCertificate(const RevokeRequest& request, absl::Time now,
                                            absl::Duration validity = absl::Hours(24 * 90));

// Signs PKI/crl.pem again with the same entries (or none), e.g. before nextUpdate passes.
absl::StatusOr<CrlResult> ReissueCrl(const std::string& dir, absl::Time now,
                                     absl::Duration validity = absl::Hours(24 * 90));

// "key-compromise" | "superseded" | "cessation" | "unspecified" -> CRLReason.
absl::StatusOr<int> ParseRevocationReason(const std::string& word);

}  // namespace poc::pki

#endif  // POC_CERTS_CRL_H_
