#include "server/relay_config.h"

#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc {

void RelayConfig::Bind(ConfigBinder* b) {
  b->AddString("--listen", "listen", &listen,
               "gRPC address to serve on, host:port (port 0 picks a free port)");
  b->AddPath("--port-file", "port_file", &port_file,
             "write the bound gRPC port to this file once serving");
  b->AddString("--http-listen", "http_listen", &http_listen,
               "HTTP address for /healthz, /metrics and the audit tiles under /audit/, "
               "host:port (port 0 picks a free port; empty turns HTTP off)");
  b->AddPath("--http-port-file", "http_port_file", &http_port_file,
             "write the bound HTTP port to this file once serving");
  b->AddPath("--database", "database", &database, "SQLite file of the relay's store");
  b->AddPath("--directory", "directory", &directory,
             "the directory file (States and their signing keys) the Secretariat maintains");
  b->AddPath("--signing-key", "signing_key", &signing_key,
             "the relay's Ed25519 key for receipts and directory snapshots (mode 0600)");
  b->AddPath("--tls-ca", "tls.ca", &tls.ca, "federation root CA certificate");
  b->AddPath("--tls-cert", "tls.cert", &tls.cert, "the relay's server certificate");
  b->AddPath("--tls-key", "tls.key", &tls.key, "the relay's TLS private key (mode 0600)");
  b->AddString("--tls-reload-interval", "tls.reload_interval", &tls_reload_interval_text,
               "how often to re-read tls.cert, tls.key and tls.ca (SIGHUP also does); a new "
               "set that passes the checks reaches new connections, a bad one is logged and "
               "ignored (e.g. 1m)");
  b->AddPath("--tls-crl", "tls.crl", &crl,
             "the federation CA's revocation list (poc-pki revoke); re-read on SIGHUP, and open "
             "sessions of newly revoked certificates are closed");
  b->AddInt("--max-message-bytes", "limits.max_message_bytes", &max_message_bytes,
            "largest accepted signed message, in bytes");
  b->AddString("--clock-skew", "limits.clock_skew", &clock_skew_text,
               "how far in the future a message's created_at may be (e.g. 5m)");
  b->AddString("--max-message-age", "limits.max_message_age", &max_message_age_text,
               "how old a message's created_at may be when first submitted (e.g. 72h)");
  b->AddInt("--max-batch", "limits.max_batch", &max_batch,
            "most submissions committed together in one fsync");
  b->AddString("--keepalive", "limits.keepalive", &keepalive_text,
               "ping each node connection after this long without a ping, so a dead or "
               "silent peer is noticed (e.g. 20s; nodes may ping as often as every "
               "min(5s, keepalive/2))");
  b->AddString("--keepalive-timeout", "limits.keepalive_timeout", &keepalive_timeout_text,
               "close a node connection whose ping stays unanswered this long; its session "
               "ends and its messages wait in its queue (e.g. 10s)");
  b->AddInt("--submit-rate", "limits.submit_rate", &submit_rate,
            "Submit calls each State may make per second on average; more get "
            "RESOURCE_EXHAUSTED with the time to retry (0 turns the limit off)");
  b->AddInt("--submit-burst", "limits.submit_burst", &submit_burst,
            "Submit calls each State may make at once before submit_rate applies");
  b->AddInt("--max-queued-per-state", "limits.max_queued_per_state", &max_queued_per_state,
            "undelivered messages that may wait at the relay for one recipient State; new "
            "messages to a State with a full queue get RESOURCE_EXHAUSTED (0 turns it off)");
  b->AddInt("--max-recipients", "limits.max_recipients", &max_recipients,
            "most recipients one message may list (\"all\" and a group count as one)");
  b->AddString("--audit-origin", "audit.origin", &audit_origin,
               "name of the audit log in its checkpoints (and of their key), e.g. "
               "relay.example.org/poc-audit; never change it once States witness the log");
  b->AddString("--checkpoint-interval", "audit.checkpoint_interval", &checkpoint_interval_text,
               "how often to sign an audit checkpoint while the log grows (e.g. 10s)");
  b->AddString("--key-rotation-overlap", "key_rotation_overlap", &key_rotation_overlap_text,
               "after a State announces its next signing key (pocctl key announce), how long "
               "messages created with the previous key are still accepted (e.g. 72h)");
  b->AddString("--observer-silence-period", "observers.silence_period",
               &observer_silence_period_text,
               "how long every State has to object to a proposed observer accreditation before "
               "it takes effect (e.g. 14d; at least 1s; applies to proposals made from then on)");
  escalation.Bind(b);
  b->AddBool("--log-json", "log.json", &log_json, "log JSON lines instead of text");
  b->AddString("--log-level", "log.level", &log_level, "trace, debug, info, warn or error");
}

absl::Status RelayConfig::Finish() {
  auto skew = ParseDuration(clock_skew_text);
  if (!skew.ok()) {
    return absl::InvalidArgumentError("[limits] clock_skew: " +
                                      std::string(skew.status().message()));
  }
  clock_skew = *skew;
  auto age = ParseDuration(max_message_age_text);
  if (!age.ok()) {
    return absl::InvalidArgumentError("[limits] max_message_age: " +
                                      std::string(age.status().message()));
  }
  max_message_age = *age;
  auto interval = ParseDuration(checkpoint_interval_text);
  if (!interval.ok() || *interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "[audit] checkpoint_interval: give a duration of at least 1s, e.g. 10s");
  }
  checkpoint_interval = *interval;
  auto reload = ParseDuration(tls_reload_interval_text);
  if (!reload.ok() || *reload < absl::Seconds(1) || *reload > absl::Hours(24)) {
    return absl::InvalidArgumentError(
        "[tls] reload_interval: give a duration between 1s and 24h, e.g. 1m");
  }
  tls_reload_interval = *reload;
  auto overlap = ParseDuration(key_rotation_overlap_text);
  if (!overlap.ok() || *overlap < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("key_rotation_overlap: '" + key_rotation_overlap_text +
                                      "' is not a duration, e.g. 72h (0s: no overlap)");
  }
  key_rotation_overlap = *overlap;
  auto silence = ParseDuration(observer_silence_period_text);
  if (!silence.ok() || *silence < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "[observers] silence_period: give a duration of at least 1s, e.g. 14d");
  }
  observer_silence_period = *silence;
  auto keepalive_settings = Keepalive::Parse(keepalive_text, keepalive_timeout_text,
                                             "[limits] keepalive", "[limits] keepalive_timeout");
  if (!keepalive_settings.ok()) {
    return keepalive_settings.status();
  }
  keepalive = *keepalive_settings;
  RETURN_IF_ERROR(escalation.Finish());
  if (max_message_bytes < 1024 || max_message_bytes > int64_t{4} * 1024 * 1024) {
    return absl::InvalidArgumentError(
        "[limits] max_message_bytes: must be between 1024 and 4194304");
  }
  if (max_batch < 1 || max_batch > 10000) {
    return absl::InvalidArgumentError("[limits] max_batch: must be between 1 and 10000");
  }
  if (submit_rate < 0 || submit_rate > 1000000) {
    return absl::InvalidArgumentError(
        "[limits] submit_rate: must be between 0 (no limit) and 1000000 per second");
  }
  if (submit_burst < 1 || submit_burst > 1000000) {
    return absl::InvalidArgumentError("[limits] submit_burst: must be between 1 and 1000000");
  }
  if (max_queued_per_state < 0) {
    return absl::InvalidArgumentError(
        "[limits] max_queued_per_state: must be 0 (no limit) or more");
  }
  if (max_recipients < 1 || max_recipients > 1000) {
    return absl::InvalidArgumentError("[limits] max_recipients: must be between 1 and 1000");
  }
  return absl::OkStatus();
}

}  // namespace poc
