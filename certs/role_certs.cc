#include "certs/role_certs.h"

#include "absl/strings/str_cat.h"
#include "certs/ca.h"
#include "certs/cert_issuer.h"
#include "certs/identity_names.h"
#include "certs/new_file_set.h"
#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc::pki {
namespace {

// Callers check what people typed before calling, so bad input fails before the CA is read.
absl::StatusOr<WrittenCertificate> IssueAndWrite(const IssueTarget& target, const std::string& stem,
                                                 LeafSpec spec) {
  RETURN_IF_ERROR(CheckValidity(target.validity));
  spec.validity = target.validity;
  ASSIGN_OR_RETURN(CertificateAuthority ca, CertificateAuthority::Load(target.pki_dir));
  ASSIGN_OR_RETURN(IssuedCertificate issued, IssueCertificate(ca, spec));

  WrittenCertificate written;
  written.key_path = JoinPath(target.out_dir, stem + ".key");
  written.cert_path = JoinPath(target.out_dir, stem + ".crt");
  written.ca_path = JoinPath(target.out_dir, kCaCertFile);
  ASSIGN_OR_RETURN(written.certificate, DescribeCertificate(issued.cert_pem, written.cert_path));

  const std::string hint = "move the old files away or choose another --out folder";
  NewFileSet files(hint);
  files.AddContents(written.key_path, issued.key_pem, 0600);
  files.AddContents(written.cert_path, issued.cert_pem, 0644);
  if (PathExists(written.ca_path)) {
    ASSIGN_OR_RETURN(std::string existing, ReadFile(written.ca_path));
    if (existing != ca.certificate_pem()) {
      return absl::AlreadyExistsError(
          absl::StrCat(written.ca_path, ": differs from ", ca.certificate_path(),
                       " (a root from another PKI?); refusing to overwrite it; ", hint));
    }
  } else {
    files.AddContents(written.ca_path, ca.certificate_pem(), 0644);
    written.ca_copied = true;
  }
  RETURN_IF_ERROR(files.CheckNoneExists());  // before creating the folder
  RETURN_IF_ERROR(EnsureDirectory(target.out_dir));
  RETURN_IF_ERROR(files.WriteAll());
  return written;
}

}  // namespace

absl::StatusOr<WrittenCertificate> IssueRelayCertificate(const RelayCertRequest& request) {
  LeafSpec spec;
  spec.dns_names = request.dns_names;
  spec.ip_addresses = request.ip_addresses;
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) {
    spec.dns_names = {"localhost"};
    spec.ip_addresses = {"127.0.0.1"};
  }
  for (const std::string& dns : spec.dns_names) {
    RETURN_IF_ERROR(ValidateDnsName(dns));
  }
  for (const std::string& ip : spec.ip_addresses) {
    RETURN_IF_ERROR(ValidateIpAddress(ip));
  }
  spec.common_name = spec.dns_names.empty() ? "PoC relay" : spec.dns_names.front();
  spec.role = TlsRole::kServer;
  return IssueAndWrite(request.target, "relay", spec);
}

absl::StatusOr<WrittenCertificate> IssueNodeCertificate(const NodeCertRequest& request) {
  RETURN_IF_ERROR(ValidateStateCode(request.state));
  RETURN_IF_ERROR(ValidateNodeName(request.node_name));
  LeafSpec spec;
  spec.common_name = absl::StrCat(request.state, " node ", request.node_name);
  spec.uris = {StateUri(request.state)};
  return IssueAndWrite(request.target, "node", spec);
}

absl::StatusOr<WrittenCertificate> IssueAdminCertificate(const IssueTarget& target) {
  LeafSpec spec;
  spec.common_name = "PoC Secretariat admin";
  spec.uris = {kSecretariatUri};
  return IssueAndWrite(target, "admin", spec);
}

absl::StatusOr<WrittenCertificate> IssueObserverCertificate(const ObserverCertRequest& request) {
  RETURN_IF_ERROR(ValidateObserverSlug(request.slug));
  LeafSpec spec;
  spec.common_name = absl::StrCat("PoC observer ", request.slug);
  spec.uris = {ObserverUri(request.slug)};
  return IssueAndWrite(request.target, "observer", spec);
}

}  // namespace poc::pki
