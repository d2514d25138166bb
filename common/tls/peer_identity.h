// Who is calling: taken only from the verified client certificate's SAN URI (DESIGN.md,
// "Identities"), never from anything the caller writes in a message.
#ifndef POC_COMMON_TLS_PEER_IDENTITY_H_
#define POC_COMMON_TLS_PEER_IDENTITY_H_

#include <grpcpp/security/auth_context.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace poc {

enum class Role { kState, kSecretariat, kObserver };

struct PeerIdentity {
  Role role;
  std::string name;    // ISO3 for a State, the slug for an observer, "secretariat"
  std::string uri;     // the SAN URI it came from
  std::string serial;  // the certificate's serial (uppercase hex), for revocation checks
  // SHA-256 of the certificate's DER encoding, lowercase hex: what the directory lists under a
  // State's certificate_fingerprints and what `poc-pki show` prints.
  std::string fingerprint;
};

// Parses one of urn:poc:state:<ISO3>, urn:poc:secretariat, urn:poc:observer:<slug>.
absl::StatusOr<PeerIdentity> ParseIdentityUri(std::string_view uri);

// The URI SANs of a PEM certificate.
absl::StatusOr<std::vector<std::string>> CertificateUris(const std::string& pem);

// The identity of an authenticated gRPC peer. Exactly one urn:poc: URI must be present.
absl::StatusOr<PeerIdentity> PeerIdentityFromAuthContext(const grpc::AuthContext& context);

const char* RoleName(Role role);

}  // namespace poc

#endif  // POC_COMMON_TLS_PEER_IDENTITY_H_
