#include "client/pocd/node_config.h"

#include "absl/strings/str_split.h"
#include "common/iso3166/iso3166.h"
#include "common/util/time_format.h"

namespace poc {

void NodeConfig::Bind(ConfigBinder* b) {
  b->AddString("--state", "state", &state, "this node's State, ISO 3166-1 alpha-3 (e.g. FRA)");
  b->AddString("--relay", "relay", &relay, "the relay's gRPC address, host:port");
  b->AddString("--relay-name", "relay_name", &relay_name,
               "name in the relay's TLS certificate, when it differs from the address's host");
  b->AddPath("--database", "database", &database, "SQLite file of this node's inbox and outbox");
  b->AddPath("--control-socket", "control_socket", &control_socket,
             "Unix socket for pocctl (created with mode 0600)");
  b->AddPath("--signing-key", "signing_key", &signing_key,
             "this State's Ed25519 signing key (mode 0600), made by `poc-pki signing-key`");
  b->AddPath("--relay-public-key", "relay_public_key", &relay_public_key,
             "the relay's public key, to verify its receipts and directory snapshots");
  b->AddPath("--tls-ca", "tls.ca", &tls.ca, "federation root CA certificate");
  b->AddPath("--tls-cert", "tls.cert", &tls.cert, "this node's certificate");
  b->AddPath("--tls-key", "tls.key", &tls.key, "this node's TLS private key (mode 0600)");
  b->AddString("--keepalive", "keepalive", &keepalive_text,
               "ping the relay after this long without a ping, so a dead or silent link is "
               "noticed and pocd reconnects (e.g. 20s; not below the relay's min(5s, "
               "keepalive/2))");
  b->AddString("--keepalive-timeout", "keepalive_timeout", &keepalive_timeout_text,
               "drop the relay connection when a ping stays unanswered this long, then "
               "reconnect (e.g. 10s)");
  b->AddString("--witness-interval", "witness_interval", &witness_interval_text,
               "how often to fetch, verify and cosign the relay's audit checkpoint (e.g. 30s)");
  b->AddPath("--evidence-dir", "evidence_dir", &evidence_dir,
             "folder where witness alarms save the conflicting checkpoints and proofs");
  b->AddString("--alarm-command", "alarm_command", &alarm_command_text,
               "program (and arguments, separated by spaces; no shell) run on each new witness "
               "alarm, with the alarm as one JSON object on its stdin");
  b->AddBool("--exercise-auto-ack", "exercise_auto_ack", &exercise_auto_ack,
             "acknowledge the Secretariat's exercise pings in acknowledge mode automatically, "
             "as soon as they are stored (for machine-only checks; the exercise report shows "
             "these acknowledgements as automatic)");
  b->AddBool("--log-json", "log.json", &log_json, "log JSON lines instead of text");
  b->AddString("--log-level", "log.level", &log_level, "trace, debug, info, warn or error");
}

absl::Status NodeConfig::Finish() {
  if (state.empty()) {
    return absl::InvalidArgumentError(
        "state: not set; give the node's State code, e.g. "
        "state = \"FRA\" in pocd.toml or --state FRA");
  }
  if (!IsIso3166Alpha3(state)) {
    return absl::InvalidArgumentError("state: '" + state +
                                      "' is not an ISO 3166-1 alpha-3 code (e.g. FRA, KEN)");
  }
  if (relay.empty()) {
    return absl::InvalidArgumentError("relay: not set; give host:port");
  }
  auto interval = ParseDuration(witness_interval_text);
  if (!interval.ok() || *interval < absl::Milliseconds(100)) {
    return absl::InvalidArgumentError("witness_interval: '" + witness_interval_text +
                                      "' is not a duration of at least 100ms, e.g. 30s");
  }
  witness_interval = *interval;
  auto keepalive_settings =
      Keepalive::Parse(keepalive_text, keepalive_timeout_text, "keepalive", "keepalive_timeout");
  if (!keepalive_settings.ok()) {
    return keepalive_settings.status();
  }
  keepalive = *keepalive_settings;
  alarm_command = absl::StrSplit(alarm_command_text, ' ', absl::SkipEmpty());
  if (relay_name.empty()) {
    const auto colon = relay.rfind(':');
    relay_name = colon == std::string::npos ? relay : relay.substr(0, colon);
  }
  return absl::OkStatus();
}

}  // namespace poc
