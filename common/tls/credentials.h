// Mutual-TLS credentials for the relay and the nodes, from PEM files made by poc-pki.
#ifndef POC_COMMON_TLS_CREDENTIALS_H_
#define POC_COMMON_TLS_CREDENTIALS_H_

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

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

// Server side: client certificates are required and verified against `files.ca`.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files);

// Client side: verifies the relay's certificate against `files.ca` and presents ours.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& files);

// Channel arguments for talking to the relay: keepalives so dead peers are noticed, and the
// name expected in the relay's certificate when it differs from the address's host.
grpc::ChannelArguments RelayChannelArguments(const std::string& relay_name);

}  // namespace poc

#endif  // POC_COMMON_TLS_CREDENTIALS_H_
