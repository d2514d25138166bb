#include "client/pocctl/secretariat_relay.h"

#include <grpcpp/create_channel.h>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "common/config/config_binder.h"
#include "common/rpc/deadline.h"
#include "common/rpc/grpc_status.h"
#include "common/status_macros.h"
#include "common/tls/credentials.h"

namespace poc::pocctl {
namespace {

struct SecretariatConfig {
  std::string relay;
  std::string relay_name;
  TlsFiles tls;

  void Bind(ConfigBinder* b) {
    b->AddString("--relay", "relay", &relay, "the relay's gRPC address, host:port");
    b->AddString("--relay-name", "relay_name", &relay_name,
                 "the name in the relay's certificate, if not the address's host");
    b->AddPath("--tls-ca", "tls.ca", &tls.ca, "federation root CA certificate");
    b->AddPath("--tls-cert", "tls.cert", &tls.cert, "the Secretariat's admin certificate");
    b->AddPath("--tls-key", "tls.key", &tls.key, "its private key (mode 0600)");
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<SecretariatRelay>> SecretariatRelay::Open(
    const std::string& config_path, absl::Duration timeout) {
  CLI::App parser;
  SecretariatConfig config;
  ConfigBinder binder(&parser);
  config.Bind(&binder);
  const char* no_args[] = {"pocctl"};
  parser.parse(1, no_args);
  if (absl::Status s = binder.ApplyFile(config_path); !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the Secretariat's settings: ", s.message(),
                     "; --secretariat names a TOML file with relay and [tls] ca, cert, key "
                     "(see deploy/secretariat.toml.sample)"));
  }
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"relay", &config.relay},
        {"[tls] ca", &config.tls.ca},
        {"[tls] cert", &config.tls.cert},
        {"[tls] key", &config.tls.key}}) {
    if (value->empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(config_path, ": ", key, ": required (see deploy/secretariat.toml.sample)"));
    }
  }
  auto credentials = MakeChannelCredentials(config.tls);
  if (!credentials.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(config_path, ": ", credentials.status().message()));
  }
  std::string relay_name = config.relay_name;
  if (relay_name.empty()) {
    relay_name = config.relay.substr(0, config.relay.rfind(':'));
  }
  auto channel =
      grpc::CreateCustomChannel(config.relay, *credentials, RelayChannelArguments(relay_name));
  return std::unique_ptr<SecretariatRelay>(
      new SecretariatRelay(config.relay, std::move(channel), timeout));
}

absl::Status SecretariatRelay::Failed(const grpc::Status& s) const {
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE ||
      s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    return absl::UnavailableError(
        absl::StrCat("cannot reach the relay at ", address_, ": ", s.error_message(),
                     "; check relay and [tls] in the --secretariat file"));
  }
  return FromGrpcStatus(s);  // the relay's refusals are written for people
}

absl::StatusOr<v1::ListObserversResponse> SecretariatRelay::List() {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::ListObserversResponse response;
  grpc::Status s = stub_->ListObservers(&ctx, v1::ListObserversRequest(), &response);
  if (!s.ok()) {
    return Failed(s);
  }
  return response;
}

absl::StatusOr<v1::ObserverRecord> SecretariatRelay::Propose(
    const v1::ProposeObserverRequest& request) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx, timeout_);
  v1::ProposeObserverResponse response;
  grpc::Status s = stub_->ProposeObserver(&ctx, request, &response);
  if (!s.ok()) {
    return Failed(s);
  }
  return response.record();
}

}  // namespace poc::pocctl
