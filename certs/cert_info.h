// What a person checks about a certificate: who it names, who signed it, for how long.
#ifndef POC_CERTS_CERT_INFO_H_
#define POC_CERTS_CERT_INFO_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace poc::pki {

struct CertificateInfo {
  std::string subject;  // RFC 2253 form, e.g. "CN=FRA node primary"
  std::string issuer;
  std::string serial_hex;                      // lowercase hex
  std::vector<std::string> subject_alt_names;  // "DNS:localhost", "IP:127.0.0.1", "URI:…"
  absl::Time not_before;
  absl::Time not_after;
  std::string sha256_fingerprint_hex;  // of the DER encoding, lowercase hex, no separators
  bool is_ca = false;
};

// Describes the first certificate in `pem`; `path` only names the source in errors.
absl::StatusOr<CertificateInfo> DescribeCertificate(std::string_view pem, const std::string& path);

}  // namespace poc::pki

#endif  // POC_CERTS_CERT_INFO_H_
