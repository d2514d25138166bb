#include "certs/ca.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "certs/new_file_set.h"
#include "certs/pem.h"
#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc::pki {

std::string JoinPath(const std::string& dir, const std::string& file) {
  return (std::filesystem::path(dir) / file).string();
}

CertificateAuthority::CertificateAuthority(EvpPkeyPtr key, X509Ptr cert, std::string cert_pem,
                                           std::string cert_path)
    : key_(std::move(key)),
      cert_(std::move(cert)),
      cert_pem_(std::move(cert_pem)),
      cert_path_(std::move(cert_path)) {}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Create(const CaSpec& spec) {
  RETURN_IF_ERROR(CheckValidity(spec.validity));
  if (spec.name.empty()) {
    return absl::InvalidArgumentError("--name is empty; give the CA a name");
  }
  const std::string key_path = JoinPath(spec.dir, kCaKeyFile);
  const std::string cert_path = JoinPath(spec.dir, kCaCertFile);
  for (const std::string& path : {key_path, cert_path}) {
    if (PathExists(path)) {
      return absl::AlreadyExistsError(absl::StrCat(
          path,
          ": already exists; refusing to replace the federation's root CA, which every "
          "issued certificate depends on; choose another --dir for a new PKI"));
    }
  }

  ASSIGN_OR_RETURN(EvpPkeyPtr key, NewP256Key());
  ASSIGN_OR_RETURN(X509Ptr cert, NewCertificateBody(spec.name, key.get(), spec.validity));
  X509* c = cert.get();
  RETURN_IF_ERROR(AddExtension(c, c, NID_basic_constraints, "critical,CA:TRUE"));
  RETURN_IF_ERROR(AddExtension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign"));
  RETURN_IF_ERROR(AddExtension(c, c, NID_subject_key_identifier, "hash"));
  RETURN_IF_ERROR(AddExtension(c, c, NID_authority_key_identifier, "keyid:always"));
  RETURN_IF_ERROR(SignCertificate(c, c, key.get()));

  std::string cert_pem = CertificateToPem(c);
  RETURN_IF_ERROR(EnsureDirectory(spec.dir));
  NewFileSet files("choose another --dir for a new PKI");
  files.AddContents(key_path, PrivateKeyToPem(key.get()), 0600);
  files.AddContents(cert_path, cert_pem, 0644);
  RETURN_IF_ERROR(files.WriteAll());
  return CertificateAuthority(std::move(key), std::move(cert), std::move(cert_pem), cert_path);
}

absl::StatusOr<CertificateAuthority> CertificateAuthority::Load(const std::string& dir) {
  const std::string key_path = JoinPath(dir, kCaKeyFile);
  const std::string cert_path = JoinPath(dir, kCaCertFile);
  absl::StatusOr<std::string> key_pem = ReadFile(key_path);
  if (absl::IsNotFound(key_pem.status())) {
    return absl::NotFoundError(absl::StrCat(std::string(key_pem.status().message()),
                                            "; run `poc-pki init --dir ", dir, "` first"));
  }
  if (!key_pem.ok()) {
    return key_pem.status();
  }
  RETURN_IF_ERROR(CheckPrivateFileMode(key_path));
  absl::StatusOr<std::string> cert_pem = ReadFile(cert_path);
  if (absl::IsNotFound(cert_pem.status())) {
    return absl::NotFoundError(
        absl::StrCat(std::string(cert_pem.status().message()),
                     "; restore the ca.crt that `poc-pki init` wrote next to ", key_path));
  }
  if (!cert_pem.ok()) {
    return cert_pem.status();
  }

  ASSIGN_OR_RETURN(EvpPkeyPtr key, ParsePrivateKeyPem(*key_pem, key_path));
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificatePem(*cert_pem, cert_path));
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    TakeOpenSslErrors();
    return absl::FailedPreconditionError(
        absl::StrCat(cert_path, " does not belong to ", key_path,
                     "; restore the pair that `poc-pki init` wrote"));
  }
  if (X509_check_ca(cert.get()) == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        cert_path, " is not a CA certificate; restore the one that `poc-pki init` wrote"));
  }
  return CertificateAuthority(std::move(key), std::move(cert), *std::move(cert_pem), cert_path);
}

}  // namespace poc::pki
