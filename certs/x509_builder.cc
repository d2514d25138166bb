#include "certs/x509_builder.h"

#include <ctime>

#include "absl/strings/str_cat.h"
#include "certs/pem.h"

namespace poc::pki {
namespace {

// RFC 5280 allows serials of up to 20 octets and they must be positive. A 159-bit number with
// its top bit set always encodes in exactly 20 octets with the sign bit clear, and carries 158
// random bits, well above the 128 we promise.
constexpr int kSerialBits = 159;
constexpr long kSecondsPerDay = 24L * 60 * 60;

absl::Status OpenSslFailure(const std::string& what) {
  const std::string why = TakeOpenSslErrors();
  return absl::InternalError(absl::StrCat(what, " failed", why.empty() ? "" : ": ", why));
}

}  // namespace

absl::Status CheckValidity(const Validity& validity) {
  if (validity.days < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--days ", validity.days, " is not a validity period; give 1 or more days"));
  }
  if (validity.backdate_days < 0) {
    return absl::InvalidArgumentError(absl::StrCat("--backdate-days ", validity.backdate_days,
                                                   " is negative; give 0 or more days"));
  }
  return absl::OkStatus();
}

absl::StatusOr<EvpPkeyPtr> NewP256Key() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (key == nullptr) {
    return OpenSslFailure("generating an ECDSA P-256 key");
  }
  return key;
}

absl::StatusOr<X509Ptr> NewCertificateBody(const std::string& common_name, EVP_PKEY* subject_key,
                                           const Validity& validity) {
  X509Ptr cert(X509_new());
  if (cert == nullptr || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
    return OpenSslFailure("allocating a certificate");
  }

  BignumPtr serial(BN_new());
  if (serial == nullptr ||
      BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslFailure("drawing a random serial number");
  }

  // One reading of the clock, so the certificate lasts exactly `days` days.
  time_t now = std::time(nullptr);
  const long start = -static_cast<long>(validity.backdate_days) * kSecondsPerDay;
  const long end = start + static_cast<long>(validity.days) * kSecondsPerDay;
  if (X509_time_adj(X509_getm_notBefore(cert.get()), start, &now) == nullptr ||
      X509_time_adj(X509_getm_notAfter(cert.get()), end, &now) == nullptr) {
    return OpenSslFailure("setting the validity period");
  }

  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1) {
    return OpenSslFailure(absl::StrCat("setting the subject CN '", common_name, "'"));
  }
  if (X509_set_pubkey(cert.get(), subject_key) != 1) {
    return OpenSslFailure("setting the public key");
  }
  return cert;
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (ext == nullptr || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslFailure(absl::StrCat("adding extension ", OBJ_nid2sn(nid), "=", value));
  }
  return absl::OkStatus();
}

absl::Status SignCertificate(X509* cert, X509* issuer, EVP_PKEY* issuer_key) {
  if (X509_set_issuer_name(cert, X509_get_subject_name(issuer)) != 1) {
    return OpenSslFailure("setting the issuer name");
  }
  if (X509_sign(cert, issuer_key, EVP_sha256()) <= 0) {
    return OpenSslFailure("signing the certificate");
  }
  return absl::OkStatus();
}

}  // namespace poc::pki
