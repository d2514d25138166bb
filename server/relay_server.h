// A running relay: store, directory, signer and the gRPC server, assembled from a RelayConfig.
// main.cc runs one; integration tests may run one in-process on port 0.
#ifndef POC_SERVER_RELAY_SERVER_H_
#define POC_SERVER_RELAY_SERVER_H_

#include <grpcpp/server.h>

#include <atomic>
#include <memory>

#include "absl/status/statusor.h"
#include "server/audit/audit_log.h"
#include "server/audit/audit_service.h"
#include "server/drill_service.h"
#include "server/escalation_scheduler.h"
#include "server/escalation_store.h"
#include "server/exercise_scheduler.h"
#include "server/exercise_service.h"
#include "server/http/relay_http_server.h"
#include "server/observer_decider.h"
#include "server/observer_gate.h"
#include "server/observer_service.h"
#include "server/relay_config.h"
#include "server/relay_core.h"
#include "server/relay_metrics.h"
#include "server/relay_service.h"
#include "server/sqlite_exercise_store.h"
#include "server/sqlite_relay_store.h"
#include "server/tls_reloader.h"

namespace poc {

class RelayServer {
 public:
  // Loads keys, directory and store, then serves. Every failure names the file or setting.
  // `*clock` must outlive the server.
  static absl::StatusOr<std::unique_ptr<RelayServer>> Start(const RelayConfig& config,
                                                            const Clock* clock);
  ~RelayServer();
  RelayServer(const RelayServer&) = delete;
  RelayServer& operator=(const RelayServer&) = delete;

  int port() const { return port_; }
  // The HTTP port, or 0 when http_listen is empty.
  int http_port() const { return http_ ? http_->port() : 0; }
  AuditLog* audit() { return audit_.get(); }
  const RelayMetrics& metrics() const { return metrics_; }
  // Re-reads the directory file (keeping the States' key announcements applied) and tells open
  // sessions when the served version changed; on any error keeps serving the current one.
  absl::Status ReloadDirectory();
  // Re-reads the CRL (tls.crl) and closes the open sessions of certificates it newly lists.
  // A bad file changes nothing.
  absl::Status ReloadRevocations();
  // Re-reads tls.key, tls.cert and tls.ca; a good new set reaches new connections within a
  // second, a bad one is refused (logged once) and the current one stays.
  absl::Status ReloadTls();
  // Stops taking calls (open streams get `grace` to end), then drains the store.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

 private:
  RelayServer() = default;
  // Reads config_.crl (if set) into revocations_; errors name the file.
  absl::Status LoadRevocations();

  RelayConfig config_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<SqliteRelayStore> store_;
  std::unique_ptr<RelaySigner> signer_;
  std::unique_ptr<DirectoryHolder> directory_;
  std::unique_ptr<DirectoryPublisher> publisher_;
  RevocationHolder revocations_;
  std::unique_ptr<TlsReloader> tls_;
  std::string last_tls_error_;  // so a bad set is logged once, not at every reload
  std::unique_ptr<RelayCore> core_;
  std::unique_ptr<RelayService> service_;
  std::unique_ptr<ObserverDecider> observer_decider_;
  std::unique_ptr<StoreObserverGate> observer_gate_;
  std::unique_ptr<ObserverService> observer_service_;
  std::unique_ptr<SqliteExerciseStore> exercise_store_;
  std::unique_ptr<ExerciseScheduler> exercise_scheduler_;
  std::unique_ptr<ExerciseService> exercise_service_;
  std::unique_ptr<EscalationStore> escalation_store_;
  std::unique_ptr<EscalationScheduler> escalation_scheduler_;
  std::unique_ptr<DrillService> drill_service_;
  RelayMetrics metrics_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<AuditService> audit_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<RelayHttpServer> http_;
  int port_ = 0;
  std::atomic<bool> stopped_{false};
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_SERVER_H_
