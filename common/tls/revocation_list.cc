#include "common/tls/revocation_list.h"

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "common/status_macros.h"
#include "common/tls/openssl_ptr.h"
#include "common/util/files.h"

namespace poc {
namespace {

BioPtr ReadBio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
  if (bn == nullptr) {
    return "";
  }
  char* hex = BN_bn2hex(bn);
  std::string out = hex != nullptr ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  return out;
}

absl::Time TimeOf(const ASN1_TIME* t) {
  if (t == nullptr) {
    return absl::InfiniteFuture();
  }
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    return absl::InfinitePast();
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<RevocationList> RevocationList::Parse(const std::string& crl_pem,
                                                     const std::string& ca_pem,
                                                     const std::string& path) {
  X509CrlPtr crl(PEM_read_bio_X509_CRL(ReadBio(crl_pem).get(), nullptr, nullptr, nullptr));
  if (!crl) {
    return absl::InvalidArgumentError(path +
                                      ": not a PEM certificate revocation list; make it "
                                      "with `poc-pki revoke` or `poc-pki crl`");
  }
  X509Ptr ca(PEM_read_bio_X509(ReadBio(ca_pem).get(), nullptr, nullptr, nullptr));
  if (!ca) {
    return absl::InvalidArgumentError(path + ": the CA certificate to check it is unreadable");
  }
  EVP_PKEY* ca_key = X509_get0_pubkey(ca.get());
  if (ca_key == nullptr || X509_CRL_verify(crl.get(), ca_key) != 1) {
    return absl::InvalidArgumentError(path +
                                      ": not signed by the federation CA; issue it again with "
                                      "`poc-pki crl --dir PKI` on the CA's machine");
  }
  RevocationList list;
  list.this_update_ = TimeOf(X509_CRL_get0_lastUpdate(crl.get()));
  list.next_update_ = TimeOf(X509_CRL_get0_nextUpdate(crl.get()));
  STACK_OF(X509_REVOKED)* revoked = X509_CRL_get_REVOKED(crl.get());
  for (int i = 0; revoked != nullptr && i < sk_X509_REVOKED_num(revoked); ++i) {
    const X509_REVOKED* r = sk_X509_REVOKED_value(revoked, i);
    Revocation entry;
    entry.revoked_at = TimeOf(X509_REVOKED_get0_revocationDate(r));
    int crit = 0;
    auto* reason =
        static_cast<ASN1_ENUMERATED*>(X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, nullptr));
    if (reason != nullptr) {
      entry.reason = static_cast<int>(ASN1_ENUMERATED_get(reason));
      ASN1_ENUMERATED_free(reason);
    }
    list.entries_[SerialHex(X509_REVOKED_get0_serialNumber(r))] = entry;
  }
  return list;
}

absl::StatusOr<RevocationList> RevocationList::Load(const std::string& crl_path,
                                                    const std::string& ca_path) {
  ASSIGN_OR_RETURN(std::string crl, ReadFile(crl_path));
  ASSIGN_OR_RETURN(std::string ca, ReadFile(ca_path));
  return Parse(crl, ca, crl_path);
}

const Revocation* RevocationList::Find(const std::string& serial) const {
  auto it = entries_.find(serial);
  return it == entries_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::string> CertificateSerial(const std::string& cert_pem) {
  X509Ptr cert(PEM_read_bio_X509(ReadBio(cert_pem).get(), nullptr, nullptr, nullptr));
  if (!cert) {
    return absl::InvalidArgumentError("not a PEM certificate");
  }
  return CertificateSerialOf(cert.get());
}

std::string CertificateSerialOf(const X509* cert) {
  return SerialHex(X509_get0_serialNumber(cert));
}

std::string RevocationReasonText(int reason) {
  switch (reason) {
    case 1:
      return "key compromise";
    case 3:
      return "affiliation changed";
    case 4:
      return "superseded";
    case 5:
      return "cessation of operation";
    default:
      return "unspecified";
  }
}

}  // namespace poc
