#include "certs/cert_info.h"

#include <arpa/inet.h>
#include <openssl/asn1.h>

#include <cctype>
#include <ctime>

#include "certs/pem.h"
#include "common/crypto/sha256.h"
#include "common/encoding/hex.h"
#include "common/status_macros.h"
#include "common/tls/openssl_ptr.h"

namespace poc::pki {
namespace {

std::string NameToString(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

std::string Asn1String(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string IpToString(const ASN1_OCTET_STRING* ip) {
  const std::string bytes = Asn1String(ip);
  char text[INET6_ADDRSTRLEN] = {};
  const int family = bytes.size() == 4 ? AF_INET : bytes.size() == 16 ? AF_INET6 : -1;
  if (family < 0 || inet_ntop(family, bytes.data(), text, sizeof(text)) == nullptr) {
    return "<malformed " + std::to_string(bytes.size()) + "-byte address>";
  }
  return text;
}

std::vector<std::string> SubjectAltNames(X509* cert) {
  std::vector<std::string> out;
  GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    switch (name->type) {
      case GEN_DNS:
        out.push_back("DNS:" + Asn1String(name->d.dNSName));
        break;
      case GEN_URI:
        out.push_back("URI:" + Asn1String(name->d.uniformResourceIdentifier));
        break;
      case GEN_IPADD:
        out.push_back("IP:" + IpToString(name->d.iPAddress));
        break;
      case GEN_EMAIL:
        out.push_back("email:" + Asn1String(name->d.rfc822Name));
        break;
      default:
        out.push_back("other:<type " + std::to_string(name->type) + ">");
        break;
    }
  }
  return out;
}

absl::Time ToTime(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) {
    return absl::InfinitePast();
  }
  return absl::FromTM(tm, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<CertificateInfo> DescribeCertificate(std::string_view pem, const std::string& path) {
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(pem, path));
  CertificateInfo info;
  info.subject = NameToString(X509_get_subject_name(cert.get()));
  info.issuer = NameToString(X509_get_issuer_name(cert.get()));
  BignumPtr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr));
  if (serial != nullptr) {
    char* hex = BN_bn2hex(serial.get());
    info.serial_hex = hex;
    OPENSSL_free(hex);
    for (char& c : info.serial_hex) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  info.subject_alt_names = SubjectAltNames(cert.get());
  info.not_before = ToTime(X509_get0_notBefore(cert.get()));
  info.not_after = ToTime(X509_get0_notAfter(cert.get()));
  info.sha256_fingerprint_hex = HexEncode(Sha256(CertificateToDer(cert.get())));
  info.is_ca = X509_check_ca(cert.get()) != 0;
  TakeOpenSslErrors();
  return info;
}

}  // namespace poc::pki
