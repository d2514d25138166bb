// Mutual-TLS credentials for the relay and the nodes, from PEM files made by poc-pki.
#ifndef POC_COMMON_TLS_CREDENTIALS_H_
#define POC_COMMON_TLS_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/tls/keepalive.h"

namespace poc {

struct TlsFiles {
  std::string ca;    // the federation root CA certificate
  std::string cert;  // this party's certificate
  std::string key;   // its private key; must be mode 0600
};

// Every connection of this process is TLS 1.3 only. gRPC 1.51's C++ API cannot set a minimum
// TLS version, so this restricts gRPC's TLS 1.2 cipher list (GRPC_SSL_CIPHER_SUITES, read once
// when the first TLS credentials are made) to a pre-shared-key suite that can never be
// negotiated here: a TLS 1.2 handshake finds no shared cipher, while TLS 1.3 suites are
// unaffected. The credential functions below call it; calling it again does nothing.
void RequireTls13();

// A server's TLS files, read and checked: each readable PEM, the key private (mode 0600) and
// the certificate's own, the certificate issued by the CA and valid at `now`.
struct ServerTlsMaterial {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  std::string serial;  // of the certificate, uppercase hex
  absl::Time not_after;
};
absl::StatusOr<ServerTlsMaterial> LoadServerTlsMaterial(const TlsFiles& files, absl::Time now);

// Server side: client certificates are required and verified against the CA. gRPC re-reads
// the `watched` files every second (key and cert may name one file holding both), so
// replacing them by rename changes what new connections get; open connections keep theirs.
// Give it only files checked with LoadServerTlsMaterial (server/tls_reloader.h does).
std::shared_ptr<grpc::ServerCredentials> MakeWatchedServerCredentials(const TlsFiles& watched);

// Client side: verifies the relay's certificate against `files.ca` and presents ours.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& files);

// Channel arguments for talking to the relay: keepalives so dead peers are noticed, and the
// name expected in the relay's certificate when it differs from the address's host.
grpc::ChannelArguments RelayChannelArguments(const std::string& relay_name,
                                             const Keepalive& keepalive = Keepalive());

}  // namespace poc

#endif  // POC_COMMON_TLS_CREDENTIALS_H_
