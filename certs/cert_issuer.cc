#include "certs/cert_issuer.h"

#include "absl/strings/str_cat.h"
#include "certs/pem.h"
#include "common/status_macros.h"

namespace poc::pki {
namespace {

// Appends a name of `type` (GEN_DNS or GEN_URI) holding `value` as an IA5String.
absl::Status AddStringName(GENERAL_NAMES* names, int type, const std::string& value) {
  ASN1_IA5STRING* text = ASN1_IA5STRING_new();
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (text == nullptr || name == nullptr ||
      ASN1_STRING_set(text, value.data(), static_cast<int>(value.size())) != 1) {
    ASN1_IA5STRING_free(text);
    GENERAL_NAME_free(name);
    return absl::InternalError(absl::StrCat("encoding subject alternative name ", value));
  }
  GENERAL_NAME_set0_value(name, type, text);
  sk_GENERAL_NAME_push(names, name);
  return absl::OkStatus();
}

absl::Status AddIpName(GENERAL_NAMES* names, const std::string& ip) {
  ASN1_OCTET_STRING* bytes = a2i_IPADDRESS(ip.c_str());
  TakeOpenSslErrors();
  if (bytes == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--ip '", ip, "' is not an IPv4 or IPv6 address; give one such as 127.0.0.1"));
  }
  GENERAL_NAME* name = GENERAL_NAME_new();
  if (name == nullptr) {
    ASN1_OCTET_STRING_free(bytes);
    return absl::InternalError("encoding subject alternative name " + ip);
  }
  GENERAL_NAME_set0_value(name, GEN_IPADD, bytes);
  sk_GENERAL_NAME_push(names, name);
  return absl::OkStatus();
}

absl::Status AddSubjectAltNames(X509* cert, const LeafSpec& spec) {
  GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
  if (names == nullptr) {
    return absl::InternalError("allocating subject alternative names");
  }
  for (const std::string& dns : spec.dns_names) {
    RETURN_IF_ERROR(AddStringName(names.get(), GEN_DNS, dns));
  }
  for (const std::string& ip : spec.ip_addresses) {
    RETURN_IF_ERROR(AddIpName(names.get(), ip));
  }
  for (const std::string& uri : spec.uris) {
    RETURN_IF_ERROR(AddStringName(names.get(), GEN_URI, uri));
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return absl::InternalError("adding subject alternative names failed: " + TakeOpenSslErrors());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IssuedCertificate> IssueCertificate(const CertificateAuthority& ca,
                                                   const LeafSpec& spec) {
  RETURN_IF_ERROR(CheckValidity(spec.validity));
  if (spec.dns_names.empty() && spec.ip_addresses.empty() && spec.uris.empty()) {
    return absl::InvalidArgumentError(
        "a certificate needs at least one subject alternative name; give --dns or --ip");
  }
  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  ASSIGN_OR_RETURN(X509Ptr cert, NewCertificateBody(spec.common_name, key.get(), spec.validity));
  X509* c = cert.get();
  X509* issuer = ca.certificate();
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_basic_constraints, "critical,CA:FALSE"));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_key_usage, "critical,digitalSignature"));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_ext_key_usage,
                               spec.role == TlsRole::kServer ? "serverAuth" : "clientAuth"));
  RETURN_IF_ERROR(AddSubjectAltNames(c, spec));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(c, issuer, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(SignCertificate(c, issuer, ca.key()));
  return IssuedCertificate{PrivateKeyToPem(key.get()), CertificateToPem(c)};
}

}  // namespace poc::pki
