// pocd's settings: a TOML file (deploy/pocd.toml.sample) and the same keys as flags.
#ifndef POC_CLIENT_POCD_NODE_CONFIG_H_
#define POC_CLIENT_POCD_NODE_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/config/config_binder.h"
#include "common/tls/credentials.h"
#include "common/tls/keepalive.h"

namespace poc {

struct NodeConfig {
  std::string state;  // ISO 3166-1 alpha-3 of this node's State
  std::string relay = "127.0.0.1:7443";
  std::string relay_name;  // name expected in the relay's certificate; default: relay's host
  std::string database = "node.db";
  std::string control_socket = "control.sock";
  std::string signing_key = "signing.key";
  std::string relay_public_key = "relay-signing.pub";
  TlsFiles tls;
  // How a dead relay connection is noticed (common/tls/keepalive.h): pinged after `keepalive`
  // without a ping, closed when a ping stays unanswered for `keepalive_timeout`; pocd then
  // reconnects with backoff.
  std::string keepalive_text = "20s";
  std::string keepalive_timeout_text = "10s";
  Keepalive keepalive;
  // Witness of the relay's audit log (client/pocd/witness.h).
  std::string witness_interval_text = "30s";
  absl::Duration witness_interval = absl::Seconds(30);
  std::string evidence_dir = "evidence";
  std::string alarm_command_text;          // program and arguments, split on spaces
  std::vector<std::string> alarm_command;  // argv, run without a shell; empty: none
  // Acknowledge the Secretariat's exercise pings automatically (machine-only checks).
  bool exercise_auto_ack = false;
  // The operator hook (client/pocd/operator_hook.h): run on each new message, reminder,
  // escalation notice and witness alarm.
  std::string hook_command_text;          // [hook] command: program and arguments, no shell
  std::vector<std::string> hook_command;  // argv
  std::string hook_url;                   // [hook] url: http://127.0.0.1:PORT/PATH
  std::string hook_timeout_text = "10s";
  absl::Duration hook_timeout = absl::Seconds(10);
  int64_t hook_retries = 2;
  bool log_json = false;
  std::string log_level = "info";

  void Bind(ConfigBinder* binder);
  // Checks required settings and the State code; errors name the setting.
  absl::Status Finish();
};

}  // namespace poc

#endif  // POC_CLIENT_POCD_NODE_CONFIG_H_
