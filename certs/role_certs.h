// One function per certificate the federation needs (DESIGN.md, "Identities"). Each loads
// the root CA from a PKI folder, checks its input, and writes into an output folder
//   <stem>.key  the new private key (mode 0600)
//   <stem>.crt  its certificate (mode 0644)
//   ca.crt      a copy of the root certificate, unless an identical copy is already there
// all or nothing: existing files are never overwritten and a failure leaves none behind.
#ifndef POC_CERTS_ROLE_CERTS_H_
#define POC_CERTS_ROLE_CERTS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "certs/cert_info.h"
#include "certs/x509_builder.h"

namespace poc::pki {

inline constexpr char kDefaultNodeName[] = "primary";

// Where to issue from and to.
struct IssueTarget {
  std::string pki_dir;  // holds ca.key and ca.crt
  std::string out_dir;  // created (0700) when missing
  Validity validity;
};

struct RelayCertRequest {
  IssueTarget target;
  // When both are empty the certificate names localhost and 127.0.0.1.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};

struct NodeCertRequest {
  IssueTarget target;
  std::string state;                         // ISO 3166-1 alpha-3, upper case
  std::string node_name = kDefaultNodeName;  // tells a State's nodes apart in the CN
};

struct ObserverCertRequest {
  IssueTarget target;
  std::string slug;
};

// What a command wrote.
struct WrittenCertificate {
  std::string key_path;
  std::string cert_path;
  std::string ca_path;
  bool ca_copied = false;  // false when an identical ca.crt was already there
  CertificateInfo certificate;
};

// relay.key / relay.crt: serverAuth, SAN DNS and IP entries.
absl::StatusOr<WrittenCertificate> IssueRelayCertificate(const RelayCertRequest& request);
// node.key / node.crt: clientAuth, SAN URI urn:poc:state:<ISO3>, CN "<ISO3> node <name>".
absl::StatusOr<WrittenCertificate> IssueNodeCertificate(const NodeCertRequest& request);
// admin.key / admin.crt: clientAuth, SAN URI urn:poc:secretariat.
absl::StatusOr<WrittenCertificate> IssueAdminCertificate(const IssueTarget& target);
// observer.key / observer.crt: clientAuth, SAN URI urn:poc:observer:<slug>.
absl::StatusOr<WrittenCertificate> IssueObserverCertificate(const ObserverCertRequest& request);

}  // namespace poc::pki

#endif  // POC_CERTS_ROLE_CERTS_H_
