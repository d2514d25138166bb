#include "client/pocd/node_config.h"

#include "absl/strings/str_split.h"
#include "client/pocd/operator_hook.h"
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
  b->AddString("--hook-command", "hook.command", &hook_command_text,
               "program (and arguments, separated by spaces; no shell) run on each new message, "
               "reminder, escalation notice and witness alarm, with the event as one JSON object "
               "on its stdin (e.g. to open a ticket)");
  b->AddString("--hook-url", "hook.url", &hook_url,
               "POST each such event as JSON to this local URL (http://127.0.0.1:PORT/PATH; only "
               "127.0.0.1, localhost or [::1])");
  b->AddString("--hook-timeout", "hook.timeout", &hook_timeout_text,
               "kill the hook command, or give up on the POST, after this long (e.g. 10s)");
  b->AddInt("--hook-retries", "hook.retries", &hook_retries,
            "how many more times a failed hook event is tried (1s, 2s, ... apart) before it is "
            "logged as given up");
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
  hook_command = absl::StrSplit(hook_command_text, ' ', absl::SkipEmpty());
  if (!hook_url.empty()) {
    if (auto url = ParseHookUrl(hook_url, "[hook] url"); !url.ok()) {
      return url.status();
    }
  }
  auto hook_wait = ParseDuration(hook_timeout_text);
  if (!hook_wait.ok() || *hook_wait < absl::Milliseconds(100) || *hook_wait > absl::Minutes(10)) {
    return absl::InvalidArgumentError("[hook] timeout: '" + hook_timeout_text +
                                      "' is not a duration between 100ms and 10m, e.g. 10s");
  }
  hook_timeout = *hook_wait;
  if (hook_retries < 0 || hook_retries > 10) {
    return absl::InvalidArgumentError("[hook] retries: must be between 0 and 10");
  }
  if (relay_name.empty()) {
    const auto colon = relay.rfind(':');
    relay_name = colon == std::string::npos ? relay : relay.substr(0, colon);
  }
  return absl::OkStatus();
}

}  // namespace poc
