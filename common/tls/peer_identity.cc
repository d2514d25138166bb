#include "common/tls/peer_identity.h"

#include <grpc/grpc_security_constants.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "common/encoding/hex.h"
#include "common/iso3166/iso3166.h"
#include "common/status_macros.h"
#include "common/tls/openssl_ptr.h"
#include "common/tls/revocation_list.h"

namespace poc {
namespace {
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// An identity from its URI alone; the certificate's serial and fingerprint come later.
PeerIdentity FromUri(Role role, std::string name, std::string_view uri) {
  PeerIdentity id;
  id.role = role;
  id.name = std::move(name);
  id.uri = std::string(uri);
  return id;
}
}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kState:
      return "state";
    case Role::kSecretariat:
      return "secretariat";
    case Role::kObserver:
      return "observer";
  }
  return "unknown";
}

absl::StatusOr<PeerIdentity> ParseIdentityUri(std::string_view uri) {
  constexpr std::string_view kState = "urn:poc:state:";
  constexpr std::string_view kObserver = "urn:poc:observer:";
  if (uri == "urn:poc:secretariat") {
    return FromUri(Role::kSecretariat, "secretariat", uri);
  }
  if (StartsWith(uri, kState)) {
    std::string code(uri.substr(kState.size()));
    if (!IsIso3166Alpha3(code)) {
      return absl::PermissionDeniedError("certificate names State '" + code +
                                         "', which is not an ISO 3166-1 alpha-3 code");
    }
    return FromUri(Role::kState, code, uri);
  }
  if (StartsWith(uri, kObserver)) {
    std::string slug(uri.substr(kObserver.size()));
    bool ok = !slug.empty() && slug.size() <= 64;
    for (char c : slug) {
      ok = ok && (std::islower(static_cast<unsigned char>(c)) ||
                  std::isdigit(static_cast<unsigned char>(c)) || c == '-');
    }
    if (!ok) {
      return absl::PermissionDeniedError("observer slug '" + slug + "' is malformed");
    }
    return FromUri(Role::kObserver, slug, uri);
  }
  return absl::PermissionDeniedError("'" + std::string(uri) + "' is not a PoC identity URI");
}

namespace {

absl::StatusOr<X509Ptr> ParseCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  if (!cert) {
    return absl::InvalidArgumentError("peer certificate does not parse");
  }
  return cert;
}

std::vector<std::string> UrisOf(const X509* cert) {
  std::vector<std::string> uris;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) {
      continue;
    }
    const ASN1_IA5STRING* s = name->d.uniformResourceIdentifier;
    uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      static_cast<size_t>(ASN1_STRING_length(s)));
  }
  GENERAL_NAMES_free(names);
  return uris;
}

absl::StatusOr<std::string> FingerprintOf(const X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (X509_digest(cert, EVP_sha256(), digest, &length) != 1) {
    return absl::InternalError("cannot hash the peer certificate");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

// Identities of certificates seen before, by their PEM text. Parsing a PEM certificate on
// every call was a quarter of the relay's CPU in poc-bench's storm (OpenSSL 3's decoders). The
// identity depends only on the certificate's bytes, which TLS verified for this connection;
// revocation and the directory's certificate list are still checked on every call by the
// caller, with the serial and fingerprint cached here.
class IdentityCache {
 public:
  bool Find(const std::string& pem, PeerIdentity* out) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = known_.find(pem);
    if (it == known_.end()) return false;
    *out = it->second;
    return true;
  }
  void Add(const std::string& pem, const PeerIdentity& identity) {
    std::lock_guard<std::mutex> lock(mu_);
    if (known_.size() >= kMaxEntries) known_.clear();  // certificates churn rarely
    known_.emplace(pem, identity);
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  std::mutex mu_;
  std::unordered_map<std::string, PeerIdentity> known_;  // guarded by mu_
};

IdentityCache& KnownIdentities() {
  static IdentityCache* cache = new IdentityCache();
  return *cache;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> CertificateUris(const std::string& pem) {
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificate(pem));
  return UrisOf(cert.get());
}

absl::StatusOr<PeerIdentity> PeerIdentityFromAuthContext(const grpc::AuthContext& context) {
  if (!context.IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  const auto pems = context.FindPropertyValues(GRPC_X509_PEM_CERT_PROPERTY_NAME);
  if (pems.empty()) {
    return absl::UnauthenticatedError("no client certificate presented");
  }
  const std::string pem(pems.front().data(), pems.front().size());
  if (PeerIdentity known; KnownIdentities().Find(pem, &known)) {
    return known;
  }
  // Parsed once: this runs on every call.
  ASSIGN_OR_RETURN(X509Ptr cert, ParseCertificate(pem));
  std::vector<std::string> ours;
  for (const auto& u : UrisOf(cert.get())) {
    if (StartsWith(u, "urn:poc:")) {
      ours.push_back(u);
    }
  }
  if (ours.size() != 1) {
    return absl::PermissionDeniedError(
        "client certificate must carry exactly one urn:poc: SAN URI, found " +
        std::to_string(ours.size()));
  }
  ASSIGN_OR_RETURN(PeerIdentity peer, ParseIdentityUri(ours.front()));
  peer.serial = CertificateSerialOf(cert.get());
  ASSIGN_OR_RETURN(peer.fingerprint, FingerprintOf(cert.get()));
  KnownIdentities().Add(pem, peer);
  return peer;
}

}  // namespace poc
