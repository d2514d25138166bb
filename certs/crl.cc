#include "certs/crl.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "certs/ca.h"
#include "certs/pem.h"
#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc::pki {
namespace {

struct CrlDeleter {
  void operator()(X509_CRL* c) const { X509_CRL_free(c); }
};
struct TimeDeleter {
  void operator()(ASN1_TIME* t) const { ASN1_TIME_free(t); }
};

// The entries of the CA's current CRL, or none when there is no file yet.
absl::StatusOr<std::map<std::string, Revocation>> CurrentEntries(const CertificateAuthority& ca,
                                                                 const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return std::map<std::string, Revocation>();
  }
  ASSIGN_OR_RETURN(std::string pem, ReadFile(path));
  ASSIGN_OR_RETURN(RevocationList list, RevocationList::Parse(pem, ca.certificate_pem(), path));
  return list.entries();
}

absl::Status SetTime(ASN1_TIME** out, absl::Time t) {
  *out = ASN1_TIME_set(nullptr, absl::ToTimeT(t));
  if (*out == nullptr) {
    return absl::InternalError("cannot encode a CRL time: " + TakeOpenSslErrors());
  }
  return absl::OkStatus();
}

absl::StatusOr<CrlResult> WriteCrl(const CertificateAuthority& ca, const std::string& path,
                                   const std::map<std::string, Revocation>& entries, absl::Time now,
                                   absl::Duration validity) {
  std::unique_ptr<X509_CRL, CrlDeleter> crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);  // v2
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca.certificate()));
  ASN1_TIME* raw = nullptr;
  RETURN_IF_ERROR(SetTime(&raw, now));
  std::unique_ptr<ASN1_TIME, TimeDeleter> this_update(raw);
  RETURN_IF_ERROR(SetTime(&raw, now + validity));
  std::unique_ptr<ASN1_TIME, TimeDeleter> next_update(raw);
  X509_CRL_set1_lastUpdate(crl.get(), this_update.get());
  X509_CRL_set1_nextUpdate(crl.get(), next_update.get());
  for (const auto& [serial, entry] : entries) {
    X509_REVOKED* revoked = X509_REVOKED_new();
    BIGNUM* bn = nullptr;
    BN_hex2bn(&bn, serial.c_str());
    ASN1_INTEGER* number = BN_to_ASN1_INTEGER(bn, nullptr);
    BN_free(bn);
    X509_REVOKED_set_serialNumber(revoked, number);
    ASN1_INTEGER_free(number);
    RETURN_IF_ERROR(SetTime(&raw, entry.revoked_at));
    X509_REVOKED_set_revocationDate(revoked, raw);
    ASN1_TIME_free(raw);
    ASN1_ENUMERATED* reason = ASN1_ENUMERATED_new();
    ASN1_ENUMERATED_set(reason, entry.reason);
    X509_REVOKED_add1_ext_i2d(revoked, NID_crl_reason, reason, 0, 0);
    ASN1_ENUMERATED_free(reason);
    X509_CRL_add0_revoked(crl.get(), revoked);
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), ca.key(), EVP_sha256()) == 0) {
    return absl::InternalError("cannot sign the CRL: " + TakeOpenSslErrors());
  }
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_CRL(bio, crl.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  const std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  // Write beside, then rename: the relay never reads half a file.
  const std::string tmp = path + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << pem;
    if (!out) {
      return absl::InternalError(tmp + ": cannot write");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    return absl::InternalError(path + ": cannot replace: " + ec.message());
  }
  return CrlResult{path, "", entries.size(), now + validity};
}

}  // namespace

absl::StatusOr<int> ParseRevocationReason(const std::string& word) {
  if (word == "unspecified") {
    return 0;
  }
  if (word == "key-compromise") {
    return 1;
  }
  if (word == "superseded") {
    return 4;
  }
  if (word == "cessation") {
    return 5;
  }
  return absl::InvalidArgumentError("--reason: '" + word +
                                    "' is not a reason; use key-compromise, superseded, "
                                    "cessation or unspecified");
}

absl::StatusOr<CrlResult> RevokeCertificate(const RevokeRequest& request, absl::Time now,
                                            absl::Duration validity) {
  ASSIGN_OR_RETURN(CertificateAuthority ca, CertificateAuthority::Load(request.dir));
  ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(request.cert_path));
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(cert_pem, request.cert_path));
  if (X509_verify(cert.get(), X509_get0_pubkey(ca.certificate())) != 1) {
    return absl::InvalidArgumentError(request.cert_path +
                                      ": was not issued by this CA; nothing to revoke here");
  }
  ASSIGN_OR_RETURN(std::string serial, CertificateSerial(cert_pem));
  const std::string path = JoinPath(request.dir, kCrlFile);
  ASSIGN_OR_RETURN(auto entries, CurrentEntries(ca, path));
  if (entries.count(serial) != 0) {
    return absl::AlreadyExistsError(request.cert_path + ": serial " + serial +
                                    " is already revoked in " + path);
  }
  entries[serial] = Revocation{now, request.reason};
  ASSIGN_OR_RETURN(CrlResult result, WriteCrl(ca, path, entries, now, validity));
  result.serial = serial;
  return result;
}

absl::StatusOr<CrlResult> ReissueCrl(const std::string& dir, absl::Time now,
                                     absl::Duration validity) {
  ASSIGN_OR_RETURN(CertificateAuthority ca, CertificateAuthority::Load(dir));
  const std::string path = JoinPath(dir, kCrlFile);
  ASSIGN_OR_RETURN(auto entries, CurrentEntries(ca, path));
  return WriteCrl(ca, path, entries, now, validity);
}

}  // namespace poc::pki
