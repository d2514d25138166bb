// Leaf certificates signed by the federation root: the relay's server certificate and the
// client certificates of nodes, the Secretariat and observers.
#ifndef POC_CERTS_CERT_ISSUER_H_
#define POC_CERTS_CERT_ISSUER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "certs/ca.h"
#include "certs/x509_builder.h"

namespace poc::pki {

enum class TlsRole { kServer, kClient };  // extendedKeyUsage serverAuth or clientAuth

struct LeafSpec {
  std::string common_name;
  // Subject alternative names. IP addresses are IPv4 or IPv6 text; values are not checked
  // here beyond what X.509 requires (identity_names.h checks what people type).
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::vector<std::string> uris;
  TlsRole role = TlsRole::kClient;
  Validity validity;
};

// A new key pair and its certificate, PEM encoded, not yet on disk.
struct IssuedCertificate {
  std::string key_pem;   // PKCS#8, ECDSA P-256
  std::string cert_pem;  // X.509 v3
};

// Makes a key and a certificate for it signed by `ca` with SHA-256: basicConstraints
// critical CA:FALSE, keyUsage critical digitalSignature, the EKU of `spec.role`, the SANs,
// subject and authority key ids. Needs at least one SAN.
absl::StatusOr<IssuedCertificate> IssueCertificate(const CertificateAuthority& ca,
                                                   const LeafSpec& spec);

}  // namespace poc::pki

#endif  // POC_CERTS_CERT_ISSUER_H_
