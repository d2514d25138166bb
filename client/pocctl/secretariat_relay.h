// The Secretariat's own line to the relay, for the procedures that are the Secretariat's
// (pocctl observer propose, list; pocctl exercise). The Secretariat runs no pocd: pocctl talks
// to the relay's Observers and Exercises services directly, with the Secretariat's admin
// certificate (urn:poc:secretariat), named in a small TOML file:
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

#include "absl/status/statusor.h"
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

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_SECRETARIAT_RELAY_H_
