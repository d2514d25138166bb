#include "common/tls/keepalive.h"

#include <algorithm>

#include "common/util/time_format.h"

namespace poc {
namespace {

absl::StatusOr<absl::Duration> ParseBounded(const std::string& text, const std::string& key) {
  auto d = ParseDuration(text);
  if (!d.ok() || *d < absl::Seconds(1) || *d > absl::Hours(2)) {
    return absl::InvalidArgumentError(key + ": '" + text +
                                      "' is not a duration between 1s and 2h, e.g. 20s");
  }
  return *d;
}

int Milliseconds(absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); }

}  // namespace

absl::StatusOr<Keepalive> Keepalive::Parse(const std::string& time_text,
                                           const std::string& timeout_text,
                                           const std::string& time_key,
                                           const std::string& timeout_key) {
  Keepalive k;
  auto time = ParseBounded(time_text, time_key);
  if (!time.ok()) {
    return time.status();
  }
  auto timeout = ParseBounded(timeout_text, timeout_key);
  if (!timeout.ok()) {
    return timeout.status();
  }
  k.time = *time;
  k.timeout = *timeout;
  return k;
}

absl::Duration Keepalive::MinPeerPingInterval() const {
  return std::min(absl::Seconds(5), time / 2);
}

void SetClientKeepalive(const Keepalive& keepalive, grpc::ChannelArguments* args) {
  args->SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(keepalive.time));
  args->SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(keepalive.timeout));
  args->SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Without this gRPC stops pinging after two pings on a quiet connection, and a peer that
  // dies during a long silence goes unnoticed.
  args->SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
}

void SetServerKeepalive(const Keepalive& keepalive, grpc::ServerBuilder* builder) {
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, Milliseconds(keepalive.time));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Milliseconds(keepalive.timeout));
  builder->AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  builder->AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS,
                              Milliseconds(keepalive.MinPeerPingInterval()));
}

}  // namespace poc
