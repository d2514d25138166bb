#include "common/tls/credentials.h"

#include <cstdlib>
#include <mutex>

#include "common/status_macros.h"
#include "common/util/files.h"

namespace poc {
namespace {

struct PemFiles {
  std::string ca, cert, key;
};

absl::StatusOr<PemFiles> ReadTlsFiles(const TlsFiles& files) {
  if (files.ca.empty() || files.cert.empty() || files.key.empty()) {
    return absl::InvalidArgumentError(
        "TLS needs three files: the CA certificate, this party's certificate and its key "
        "(settings [tls] ca, cert, key)");
  }
  PemFiles pem;
  ASSIGN_OR_RETURN(pem.ca, ReadFile(files.ca));
  ASSIGN_OR_RETURN(pem.cert, ReadFile(files.cert));
  RETURN_IF_ERROR(CheckPrivateFileMode(files.key));
  ASSIGN_OR_RETURN(pem.key, ReadFile(files.key));
  if (pem.ca.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InvalidArgumentError(files.ca + ": not a PEM certificate");
  }
  if (pem.cert.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InvalidArgumentError(files.cert + ": not a PEM certificate");
  }
  if (pem.key.find("PRIVATE KEY-----") == std::string::npos) {
    return absl::InvalidArgumentError(files.key + ": not a PEM private key");
  }
  return pem;
}

}  // namespace

void RequireTls13() {
  static std::once_flag once;
  std::call_once(once, [] { ::setenv("GRPC_SSL_CIPHER_SUITES", "PSK-AES128-GCM-SHA256", 1); });
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsFiles& files) {
  RequireTls13();
  ASSIGN_OR_RETURN(PemFiles pem, ReadTlsFiles(files));
  grpc::SslServerCredentialsOptions options(
      GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = pem.ca;
  options.pem_key_cert_pairs.push_back({pem.key, pem.cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsFiles& files) {
  RequireTls13();
  ASSIGN_OR_RETURN(PemFiles pem, ReadTlsFiles(files));
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pem.ca;
  options.pem_private_key = pem.key;
  options.pem_cert_chain = pem.cert;
  return grpc::SslCredentials(options);
}

grpc::ChannelArguments RelayChannelArguments(const std::string& relay_name) {
  grpc::ChannelArguments args;
  if (!relay_name.empty()) args.SetSslTargetNameOverride(relay_name);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 20000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 10000);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  args.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 200);
  return args;
}

}  // namespace poc
