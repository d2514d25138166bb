#include "server/relay_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <spdlog/spdlog.h>

#include <future>

#include "common/crypto/key_files.h"
#include "common/crypto/sha256.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"
#include "server/directory_file.h"

namespace poc {

absl::Status RelayServer::LoadRevocations() {
  if (config_.crl.empty()) {
    revocations_.Set(nullptr);
    return absl::OkStatus();
  }
  absl::StatusOr<RevocationList> list = RevocationList::Load(config_.crl, config_.tls.ca);
  if (!list.ok()) {
    return absl::Status(list.status().code(), "tls.crl: " + std::string(list.status().message()));
  }
  if (list->next_update() < clock_->Now()) {
    spdlog::warn("the CRL {} was due to be replaced at {}; issue a fresh one with `poc-pki crl`",
                 config_.crl, FormatUtc(list->next_update()));
  }
  spdlog::info("CRL {}: {} revoked certificate(s)", config_.crl, list->entries().size());
  revocations_.Set(std::make_shared<const RevocationList>(*std::move(list)));
  return absl::OkStatus();
}

absl::Status RelayServer::ReloadRevocations() {
  if (absl::Status s = LoadRevocations(); !s.ok()) {
    spdlog::error("CRL reload failed, the previous list stays in force: {}", s.ToString());
    return s;
  }
  auto list = revocations_.Get();
  if (list && core_) {
    const size_t closed = core_->registry.CloseRevoked(
        [&list](const std::string& serial) { return list->Find(serial) != nullptr; },
        "this node's certificate was revoked by the federation CA; ask the Secretariat for a "
        "new one");
    if (closed > 0) {
      spdlog::warn("closed {} session(s) of revoked certificates", closed);
    }
  }
  return absl::OkStatus();
}

absl::Status RelayServer::ReloadTls() {
  absl::StatusOr<bool> reloaded = tls_->Reload();
  if (!reloaded.ok()) {
    if (reloaded.status().ToString() != last_tls_error_) {
      last_tls_error_ = reloaded.status().ToString();
      spdlog::error("TLS files not reloaded, still serving certificate serial {}: {}",
                    tls_->served_serial(), std::string(reloaded.status().message()));
    }
    return reloaded.status();
  }
  last_tls_error_.clear();
  if (*reloaded) {
    spdlog::info("TLS files reloaded: new connections get certificate serial {}",
                 tls_->served_serial());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RelayServer>> RelayServer::Start(const RelayConfig& config,
                                                                const Clock* clock) {
  std::unique_ptr<RelayServer> relay(new RelayServer());
  relay->config_ = config;
  relay->clock_ = clock;
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, LoadPrivateKeyFile(config.signing_key));
  relay->signer_ = std::make_unique<RelaySigner>(std::move(key));
  // Check the directory file before opening (or creating) the store, so that its mistakes
  // are reported first; the publisher reads it again with the stored key announcements.
  RETURN_IF_ERROR(LoadDirectoryFile(config.directory).status());
  RETURN_IF_ERROR(relay->LoadRevocations());
  // The TLS set gRPC serves lives beside the database (DATABASE.tls/), checked before use.
  ASSIGN_OR_RETURN(relay->tls_, TlsReloader::Start(config.tls, config.database + ".tls", clock));
  std::shared_ptr<grpc::ServerCredentials> credentials =
      MakeWatchedServerCredentials(relay->tls_->watched());
  ASSIGN_OR_RETURN(relay->store_,
                   SqliteRelayStore::Open(config.database, static_cast<int>(config.max_batch),
                                          config.max_queued_per_state));
  relay->directory_ = std::make_unique<DirectoryHolder>();
  relay->publisher_ = std::make_unique<DirectoryPublisher>(
      DirectoryPublisher::Options{config.directory, config.key_rotation_overlap, config.clock_skew},
      relay->store_.get(), relay->signer_.get(), relay->directory_.get(), clock);
  RETURN_IF_ERROR(relay->publisher_->Load().status());
  auto directory = relay->directory_->Get();

  // Silence periods that ended while the relay was down are decided before anyone is served.
  relay->observer_decider_ = std::make_unique<ObserverDecider>(relay->store_.get(), clock);
  if (absl::Status s = relay->observer_decider_->DecideNow(); !s.ok()) {
    return absl::Status(s.code(), config.database + ": cannot decide observer accreditations: " +
                                      std::string(s.message()));
  }
  relay->observer_gate_ = std::make_unique<StoreObserverGate>(relay->store_.get(), clock,
                                                              relay->observer_decider_.get());

  // Likewise exercise runs that fell due, and deadlines that passed, while the relay was down.
  ASSIGN_OR_RETURN(relay->exercise_store_, SqliteExerciseStore::Open(relay->store_.get()));
  RelayServer* const server = relay.get();
  relay->exercise_scheduler_ = std::make_unique<ExerciseScheduler>(
      relay->exercise_store_.get(), relay->directory_.get(), relay->signer_.get(), clock,
      [server](const std::vector<std::string>& states) {
        if (server->core_) {  // null during the start-up catch-up: no session is open yet
          server->core_->registry.Wake(states);
        }
      });
  if (absl::Status s = relay->exercise_scheduler_->CatchUp(); !s.ok()) {
    return absl::Status(s.code(), config.database + ": cannot catch up on exercise runs: " +
                                      std::string(s.message()));
  }

  // Likewise reminders, escalations and drill steps (server/escalation_scheduler.h).
  ASSIGN_OR_RETURN(relay->escalation_store_, EscalationStore::Open(relay->store_.get()));
  relay->escalation_scheduler_ = std::make_unique<EscalationScheduler>(
      relay->escalation_store_.get(), relay->directory_.get(), relay->signer_.get(), clock,
      config.escalation, [server](const std::vector<std::string>& states) {
        if (server->core_) {
          server->core_->registry.Wake(states);
        }
      });
  if (absl::Status s = relay->escalation_scheduler_->CatchUp(); !s.ok()) {
    return absl::Status(s.code(), config.database + ": cannot catch up on escalations: " +
                                      std::string(s.message()));
  }

  ASSIGN_OR_RETURN(relay->audit_, AuditLog::Open(relay->store_.get(), relay->signer_->key(),
                                                 config.audit_origin, clock, &relay->metrics_));
  relay->audit_service_ = std::make_unique<AuditService>(
      relay->audit_.get(), relay->store_.get(), relay->directory_.get(), &relay->revocations_,
      relay->observer_gate_.get());

  relay->core_ = std::make_unique<RelayCore>();
  RelayCore& core = *relay->core_;
  core.store = relay->store_.get();
  core.directory = relay->directory_.get();
  core.publisher = relay->publisher_.get();
  core.revocations = &relay->revocations_;
  core.observers = relay->observer_gate_.get();
  core.exercises = relay->exercise_store_.get();
  core.escalations = relay->escalation_store_.get();
  core.signer = relay->signer_.get();
  core.clock = clock;
  core.limits.max_message_bytes = config.max_message_bytes;
  core.limits.clock_skew = config.clock_skew;
  core.limits.max_message_age = config.max_message_age;
  core.limits.max_recipients = static_cast<size_t>(config.max_recipients);
  core.submit_limiter = std::make_unique<RateLimiter>(
      RateLimiter::Options{static_cast<double>(config.submit_rate), config.submit_burst}, clock);
  core.metrics = &relay->metrics_;
  relay->service_ = std::make_unique<RelayService>(relay->core_.get());
  relay->observer_service_ = std::make_unique<ObserverService>(
      relay->core_.get(), relay->observer_decider_.get(), config.observer_silence_period);
  relay->exercise_service_ =
      std::make_unique<ExerciseService>(relay->core_.get(), relay->exercise_scheduler_.get());
  relay->drill_service_ =
      std::make_unique<DrillService>(relay->core_.get(), relay->escalation_scheduler_.get());

  // Standard tooling on the gRPC port: grpc.health.v1 and server reflection.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(config.listen, credentials, &relay->port_);
  builder.RegisterService(relay->service_.get());
  builder.RegisterService(relay->audit_service_.get());
  builder.RegisterService(relay->observer_service_.get());
  builder.RegisterService(relay->exercise_service_.get());
  builder.RegisterService(relay->drill_service_.get());
  // Oversize messages get a clear INVALID_ARGUMENT from the relay, not a transport error.
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(config.max_message_bytes * 2 + int64_t{64} * 1024));
  SetServerKeepalive(config.keepalive, &builder);
  relay->server_ = builder.BuildAndStart();
  if (!relay->server_ || relay->port_ == 0) {
    return absl::UnavailableError("cannot listen on " + config.listen +
                                  " (address in use or not local?); set --listen");
  }
  if (!config.http_listen.empty()) {
    RelayServer* self = relay.get();
    auto http = RelayHttpServer::Start(config.http_listen, relay->audit_.get(), &relay->metrics_,
                                       [self] { return !self->stopped_.load(); });
    if (!http.ok()) {
      return absl::Status(http.status().code(),
                          "http_listen: " + std::string(http.status().message()) +
                              "; pick another --http-listen, or set it to \"\" to turn HTTP off");
    }
    relay->http_ = *std::move(http);
  }
  relay->audit_->StartPeriodic(config.checkpoint_interval);
  relay->observer_decider_->Start();
  relay->exercise_scheduler_->Start();
  relay->escalation_scheduler_->Start();
  spdlog::info(
      "relay serving gRPC on port {}, HTTP on {} (directory version {}, {} States, "
      "audit size {})",
      relay->port_, relay->http_ ? std::to_string(relay->http_->port()) : "off",
      directory->view.version(), directory->view.StateCodes().size(), relay->store_->AuditSize());
  return relay;
}

absl::Status RelayServer::ReloadDirectory() {
  absl::StatusOr<bool> changed = publisher_->Load();
  if (!changed.ok()) {
    spdlog::error("directory reload refused, still serving version {}: {}",
                  directory_->Get()->view.version(), changed.status().ToString());
    return changed.status();
  }
  const uint64_t version = directory_->Get()->view.version();
  spdlog::info("directory reloaded: version {}", version);
  if (*changed && core_) {
    core_->registry.DirectoryChanged(version);
  }
  return absl::OkStatus();
}

void RelayServer::Shutdown(absl::Duration grace) {
  if (stopped_.exchange(true)) {
    return;
  }
  // Start() may have failed part way: stop only what was built.
  if (http_) {
    http_->Stop();
  }
  if (core_) {
    core_->registry.CloseAll("the relay is shutting down");
  }
  if (server_) {
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  }
  if (audit_) {
    audit_->Stop();
  }
  if (observer_decider_) {
    observer_decider_->Stop();
  }
  if (exercise_scheduler_) {
    exercise_scheduler_->Stop();
  }
  if (escalation_scheduler_) {
    escalation_scheduler_->Stop();
  }
  if (store_) {
    store_->Shutdown();
  }
  if (core_) {
    core_->readers.join();
    core_->directory_changes.join();
  }
  if (server_) {
    spdlog::info("relay stopped");
  }
}

RelayServer::~RelayServer() { Shutdown(); }

}  // namespace poc
