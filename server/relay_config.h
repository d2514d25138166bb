// The relay's settings: a TOML file (deploy/relay.toml.sample) and the same keys as flags.
#ifndef POC_SERVER_RELAY_CONFIG_H_
#define POC_SERVER_RELAY_CONFIG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/config/config_binder.h"
#include "common/tls/credentials.h"
#include "common/tls/keepalive.h"
#include "server/escalation_policy.h"

namespace poc {

struct RelayConfig {
  std::string listen = "127.0.0.1:7443";
  std::string port_file;  // when set, the bound port is written there (for listen ":0")
  // Plain HTTP: /healthz, /metrics and the audit log as C2SP tlog-tiles. Empty: off.
  std::string http_listen = "127.0.0.1:7480";
  std::string http_port_file;  // when set, the bound HTTP port is written there
  std::string database = "relay.db";
  std::string directory = "directory.toml";
  std::string signing_key = "relay-signing.key";
  TlsFiles tls;
  // The federation CA's revocation list (`poc-pki revoke`); empty: no certificate is revoked.
  std::string crl;
  // How often the relay re-reads tls.cert, tls.key and tls.ca, so a renewed certificate is
  // served to new connections without a restart.
  std::string tls_reload_interval_text = "1m";
  int64_t max_message_bytes = 256 * 1024;
  std::string clock_skew_text = "5m";
  std::string max_message_age_text = "72h";
  int64_t max_batch = 512;  // submissions that may share one fsync
  // How a dead node connection is noticed: pinged after `keepalive` of silence, closed when a
  // ping is unanswered for `keepalive_timeout` (the node's session then ends and its queue waits).
  std::string keepalive_text = "20s";
  std::string keepalive_timeout_text = "10s";
  // Per-State limits (README, "Hostile input"): Submit calls a second and at once (0: off),
  // undelivered messages waiting for one recipient State (0: off), recipients per message.
  int64_t submit_rate = 300;
  int64_t submit_burst = 600;
  int64_t max_queued_per_state = 10000;
  int64_t max_recipients = 1000;
  std::string audit_origin = "poc-relay.localhost/audit";
  std::string checkpoint_interval_text = "10s";
  // How long a State's previous signing key stays usable after it announces the next one.
  std::string key_rotation_overlap_text = "72h";
  // How long States have to object to an observer's accreditation before it takes effect.
  std::string observer_silence_period_text = "14d";
  bool log_json = false;
  std::string log_level = "info";
  // Reminders and escalations per urgency (server/escalation_policy.h).
  EscalationPolicy escalation;

  // Derived by Finish().
  absl::Duration clock_skew;
  absl::Duration max_message_age;
  absl::Duration checkpoint_interval;
  absl::Duration tls_reload_interval;
  absl::Duration key_rotation_overlap;
  absl::Duration observer_silence_period;
  Keepalive keepalive;

  // Registers every setting as a flag and a config key.
  void Bind(ConfigBinder* binder);
  // Parses durations and checks ranges; errors name the setting.
  absl::Status Finish();
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_CONFIG_H_
