// The federation's certificate revocation list (an X.509 CRL issued by the root CA with
// `poc-pki revoke`): which certificate serials no longer identify anyone.
#ifndef POC_COMMON_TLS_REVOCATION_LIST_H_
#define POC_COMMON_TLS_REVOCATION_LIST_H_

#include <openssl/types.h>

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace poc {

struct Revocation {
  absl::Time revoked_at;
  int reason = 0;  // RFC 5280 CRLReason code (0 unspecified, 1 keyCompromise, ...)
};

// Immutable once parsed; share it through a shared_ptr.
class RevocationList {
 public:
  // Parses a PEM CRL and checks that `ca_pem`'s key signed it; errors name `path`.
  static absl::StatusOr<RevocationList> Parse(const std::string& crl_pem, const std::string& ca_pem,
                                              const std::string& path);
  static absl::StatusOr<RevocationList> Load(const std::string& crl_path,
                                             const std::string& ca_path);

  // Serials are uppercase hex without leading zeros, as CertificateSerial() prints them.
  const Revocation* Find(const std::string& serial) const;
  const std::map<std::string, Revocation>& entries() const { return entries_; }
  absl::Time this_update() const { return this_update_; }
  absl::Time next_update() const { return next_update_; }

 private:
  std::map<std::string, Revocation> entries_;
  absl::Time this_update_;
  absl::Time next_update_ = absl::InfiniteFuture();
};

// The serial number of a PEM certificate, uppercase hex.
absl::StatusOr<std::string> CertificateSerial(const std::string& cert_pem);
// The same, of a parsed certificate.
std::string CertificateSerialOf(const X509* cert);

// "key compromise", "superseded", ... for a CRLReason code.
std::string RevocationReasonText(int reason);

}  // namespace poc

#endif  // POC_COMMON_TLS_REVOCATION_LIST_H_
