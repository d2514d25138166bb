// How a connection between a node and the relay notices a dead peer: HTTP/2 keepalive pings,
// sent by both sides, so a half-open connection (a peer that vanished without closing, a link
// that went silent) is closed within `time + timeout` rather than after TCP's retransmissions
// give up (about 15 minutes on Linux).
#ifndef POC_COMMON_TLS_KEEPALIVE_H_
#define POC_COMMON_TLS_KEEPALIVE_H_

#include <grpcpp/server_builder.h>
#include <grpcpp/support/channel_arguments.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace poc {

struct Keepalive {
  absl::Duration time = absl::Seconds(20);     // ping after this long without a ping
  absl::Duration timeout = absl::Seconds(10);  // close when the ping is unanswered this long

  // Parses the texts of two settings (e.g. "20s", "10s"); errors name `time_key` or
  // `timeout_key`. Both must lie between 1s and 2h.
  static absl::StatusOr<Keepalive> Parse(const std::string& time_text,
                                         const std::string& timeout_text,
                                         const std::string& time_key,
                                         const std::string& timeout_key);

  // How often the relay lets a peer ping it: min(5s, time / 2). A peer pinging faster is told
  // to slow down (gRPC's "too many pings") and doubles its interval.
  absl::Duration MinPeerPingInterval() const;
};

// Client side (pocd, pocctl): ping the relay even on a quiet stream.
void SetClientKeepalive(const Keepalive& keepalive, grpc::ChannelArguments* args);
// Server side (the relay): ping every node connection, and accept the nodes' own pings.
void SetServerKeepalive(const Keepalive& keepalive, grpc::ServerBuilder* builder);

}  // namespace poc

#endif  // POC_COMMON_TLS_KEEPALIVE_H_
