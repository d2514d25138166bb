// The Secretariat's own line to the relay, for the procedures that are the Secretariat's
// (pocctl observer propose, list; pocctl exercise; pocctl drill). The Secretariat runs no pocd:
// pocctl talks to the relay's Observers and Exercises services directly, with the Secretariat's
// admin certificate (urn:poc:secretariat), named in a small TOML file:
//
//   relay = "relay.example.org:7443"
//   relay_name = "relay.example.org"   # optional: the name in the relay's certificate
//   [tls]
//   ca = "ca.crt"
//   cert = "admin.crt"                 # poc-pki admin-cert
//   key = "admin.key"                  # mode 0600
//
// Relative paths are relative to the file's folder (deploy/secretariat.toml.sample).
#ifndef POC_CLIENT_POCCTL_SECRETARIAT_RELAY_H_
#define POC_CLIENT_POCCTL_SECRETARIAT_RELAY_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "poc/v1/observers.grpc.pb.h"

namespace poc::pocctl {

class SecretariatRelay {
 public:
  // Reads `config_path` and opens a mutual-TLS channel; errors name the file and the key.
  // Every RPC gets `timeout`.
  static absl::StatusOr<std::unique_ptr<SecretariatRelay>> Open(const std::string& config_path,
                                                                absl::Duration timeout);

  absl::StatusOr<v1::ListObserversResponse> List();
  absl::StatusOr<v1::ObserverRecord> Propose(const v1::ProposeObserverRequest& request);

  // For the Secretariat's other services (client/pocctl/exercise_command.h): the channel, the
  // deadline each RPC gets, and the relay's refusal (or an unreachable relay) as a status with
  // advice.
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  absl::Duration timeout() const { return timeout_; }
  absl::Status Failed(const grpc::Status& s) const;

 private:
  SecretariatRelay(std::string address, std::shared_ptr<grpc::Channel> channel,
                   absl::Duration timeout)
      : address_(std::move(address)),
        channel_(std::move(channel)),
        stub_(v1::Observers::NewStub(channel_)),
        timeout_(timeout) {}

  const std::string address_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::Observers::Stub> stub_;
  const absl::Duration timeout_;
};

// One more of the Secretariat's services (v1::Exercises, v1::Drills) on its line to the relay.
template <typename Service>
class SecretariatService {
 public:
  // `config_path` is --secretariat's file; when it is empty, the error says that `procedures`
  // ("exercises", "drills") are the Secretariat's and how to name the file.
  static absl::StatusOr<SecretariatService> Open(const std::string& config_path,
                                                 absl::Duration timeout,
                                                 std::string_view procedures) {
    if (config_path.empty()) {
      return absl::InvalidArgumentError(
          std::string(procedures) +
          " are the Secretariat's: give --secretariat FILE (relay address and the "
          "Secretariat's admin certificate; see deploy/secretariat.toml.sample) or set "
          "POC_SECRETARIAT");
    }
    absl::StatusOr<std::unique_ptr<SecretariatRelay>> relay =
        SecretariatRelay::Open(config_path, timeout);
    if (!relay.ok()) {
      return relay.status();
    }
    return SecretariatService(*std::move(relay));
  }

  // Calls `method` on the stub with the deadline; the relay's refusal comes back as a status.
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Service::Stub::*method)(grpc::ClientContext*,
                                                                      const Request&, Response*),
                                const Request& request) {
    grpc::ClientContext ctx;
    ctx.set_deadline(absl::ToChronoTime(absl::Now() + relay_->timeout()));
    Response response;
    const grpc::Status s = (stub_.get()->*method)(&ctx, request, &response);
    if (!s.ok()) {
      return relay_->Failed(s);
    }
    return response;
  }

 private:
  explicit SecretariatService(std::unique_ptr<SecretariatRelay> relay)
      : relay_(std::move(relay)), stub_(Service::NewStub(relay_->channel())) {}

  std::unique_ptr<SecretariatRelay> relay_;
  std::unique_ptr<typename Service::Stub> stub_;
};

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_SECRETARIAT_RELAY_H_
