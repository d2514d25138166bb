#include "common/tls/credentials.h"

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>

#include "common/status_macros.h"
#include "common/tls/openssl_ptr.h"
#include "common/tls/revocation_list.h"
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

X509Ptr ReadCertificate(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert(PEM_read_bio_X509(bio, nullptr, nullptr, nullptr));
  BIO_free(bio);
  return cert;
}

// Every certificate in a PEM bundle, into a trust store.
X509StorePtr ReadTrustStore(const std::string& pem) {
  X509StorePtr store(X509_STORE_new());
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  while (X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store.get(), ca);
    X509_free(ca);
  }
  BIO_free(bio);
  ERR_clear_error();  // the end of the bundle reads as an error
  return store;
}

}  // namespace

absl::StatusOr<ServerTlsMaterial> LoadServerTlsMaterial(const TlsFiles& files, absl::Time now) {
  ASSIGN_OR_RETURN(PemFiles pem, ReadTlsFiles(files));
  X509Ptr cert = ReadCertificate(pem.cert);
  if (!cert) {
    return absl::InvalidArgumentError(files.cert + ": the certificate does not parse");
  }
  BIO* key_bio = BIO_new_mem_buf(pem.key.data(), static_cast<int>(pem.key.size()));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(key_bio, nullptr, nullptr, nullptr));
  BIO_free(key_bio);
  ERR_clear_error();
  if (!key) {
    return absl::InvalidArgumentError(files.key + ": the private key does not parse");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(files.key + " is not the key of " + files.cert +
                                      "; give the key poc-pki wrote beside that certificate");
  }
  auto store = ReadTrustStore(pem.ca);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), cert.get(), nullptr);
  X509_STORE_CTX_set_time(ctx.get(), 0, absl::ToTimeT(now));
  if (X509_verify_cert(ctx.get()) != 1) {
    const int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return absl::InvalidArgumentError(files.cert + " does not verify against " + files.ca + ": " +
                                      X509_verify_cert_error_string(error));
  }
  ServerTlsMaterial material;
  ASSIGN_OR_RETURN(material.serial, CertificateSerial(pem.cert));
  const ASN1_TIME* not_after = X509_get0_notAfter(cert.get());
  struct tm tm {};
  if (ASN1_TIME_to_tm(not_after, &tm) == 1) {
    material.not_after = absl::FromTM(tm, absl::UTCTimeZone());
  }
  material.ca_pem = std::move(pem.ca);
  material.cert_pem = std::move(pem.cert);
  material.key_pem = std::move(pem.key);
  return material;
}

void RequireTls13() {
  static std::once_flag once;
  std::call_once(once, [] { ::setenv("GRPC_SSL_CIPHER_SUITES", "PSK-AES128-GCM-SHA256", 1); });
}

std::shared_ptr<grpc::ServerCredentials> MakeWatchedServerCredentials(const TlsFiles& watched) {
  RequireTls13();
  constexpr unsigned int kRereadSeconds = 1;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      watched.key, watched.cert, watched.ca, kRereadSeconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
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

grpc::ChannelArguments RelayChannelArguments(const std::string& relay_name,
                                             const Keepalive& keepalive) {
  grpc::ChannelArguments args;
  if (!relay_name.empty()) {
    args.SetSslTargetNameOverride(relay_name);
  }
  SetClientKeepalive(keepalive, &args);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  // Despite its name this is gRPC's minimum *connect timeout*: an attempt (TCP, TLS, HTTP/2)
  // may take max(this, the current backoff). At 200 ms, handshakes with a busy relay (every node
  // back at once after a restart) or on a loaded machine were cut short again and again: in the
  // soak test's long run nodes went without a session for over a minute, logging "tcp handshaker
  // shutdown". 5 s, as long as the longest backoff, so a silently dropped attempt is not
  // waited for longer than gRPC would wait before the next one anyway.
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 5000);
  return args;
}

}  // namespace poc
