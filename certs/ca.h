// The federation root CA run by the Secretariat: an ECDSA P-256 key in PKI/ca.key (0600) and
// its self-signed certificate in PKI/ca.crt, which every node and the relay trust.
#ifndef POC_CERTS_CA_H_
#define POC_CERTS_CA_H_

#include <string>

#include "absl/status/statusor.h"
#include "certs/x509_builder.h"
#include "common/tls/openssl_ptr.h"

namespace poc::pki {

inline constexpr char kCaKeyFile[] = "ca.key";
inline constexpr char kCaCertFile[] = "ca.crt";
inline constexpr char kDefaultCaName[] = "PoC Federation Root CA";

struct CaSpec {
  std::string dir;  // the PKI folder; created (0700) when missing
  std::string name = kDefaultCaName;
  Validity validity{3650, 0};
};

// Joins a folder and a file name the way a person would type it ("PKI" + "ca.key").
std::string JoinPath(const std::string& dir, const std::string& file);

// A loaded root CA. Movable, not copyable; immutable once made.
class CertificateAuthority {
 public:
  // Makes a new root in `spec.dir`: ca.key and ca.crt (basicConstraints critical CA:TRUE,
  // keyUsage critical keyCertSign+cRLSign, subject and authority key ids). Refuses, writing
  // nothing, when either file exists.
  static absl::StatusOr<CertificateAuthority> Create(const CaSpec& spec);

  // Loads PKI/ca.key and PKI/ca.crt. A missing key names the `poc-pki init` command to run;
  // a key readable by others, or a certificate that does not match the key, is refused.
  static absl::StatusOr<CertificateAuthority> Load(const std::string& dir);

  CertificateAuthority(CertificateAuthority&&) = default;
  CertificateAuthority& operator=(CertificateAuthority&&) = default;

  X509* certificate() const { return cert_.get(); }
  EVP_PKEY* key() const { return key_.get(); }
  // The bytes of ca.crt, as copied next to issued certificates.
  const std::string& certificate_pem() const { return cert_pem_; }
  const std::string& certificate_path() const { return cert_path_; }

 private:
  CertificateAuthority(EvpPkeyPtr key, X509Ptr cert, std::string cert_pem, std::string cert_path);

  EvpPkeyPtr key_;
  X509Ptr cert_;
  std::string cert_pem_;
  std::string cert_path_;
};

}  // namespace poc::pki

#endif  // POC_CERTS_CA_H_
