// The relay's plain-HTTP port (Boost.Beast): /healthz, /metrics and the audit log in the C2SP
// tlog-tiles layout under /audit/ (see relay_routes.h for what each path answers).
#ifndef POC_SERVER_HTTP_RELAY_HTTP_SERVER_H_
#define POC_SERVER_HTTP_RELAY_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "server/audit/audit_reader.h"
#include "server/http/relay_routes.h"
#include "server/relay_metrics.h"

namespace poc {

// Serves HTTP/1.1 with keep-alive on `threads` io threads: asynchronous accept, one
// asynchronous session per connection (http_session.h: GET and HEAD only, request headers up
// to 8 KiB, no request bodies, 30 s idle timeout per read or write).
//
// Requests are answered on the io threads, including the AuditReader calls behind /audit/.
// Those are short SQLite reads, so this is acceptable; a slow reader delays the other
// connections of that thread, which is why `threads` may be raised.
//
// `audit` and `metrics` are not owned and must outlive the server; `healthy` is called on the
// io threads for every /healthz and must be thread-safe and quick.
class RelayHttpServer {
 public:
  // Listens on `listen`, "<ip>:<port>" ("127.0.0.1:9090", "[::1]:9090", "0.0.0.0:9090";
  // "localhost" means 127.0.0.1, an empty host 0.0.0.0; port 0 picks a free port, see port()),
  // and starts serving. InvalidArgument for a malformed address, a null argument or threads < 1;
  // Unavailable when the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<RelayHttpServer>> Start(const std::string& listen,
                                                                AuditReader* audit,
                                                                const RelayMetrics* metrics,
                                                                std::function<bool()> healthy,
                                                                int threads = 1);

  RelayHttpServer(const RelayHttpServer&) = delete;
  RelayHttpServer& operator=(const RelayHttpServer&) = delete;
  ~RelayHttpServer();

  // The port the server listens on (the one picked when `listen` asked for port 0).
  int port() const { return port_; }

  // Stops accepting, closes every connection (a response being written is cut off) and joins
  // the io threads. Idempotent; the destructor calls it. Must not be called from an io thread.
  void Stop();

 private:
  struct Io;  // the io_context, its threads and the listener (Boost types stay in the .cc)

  RelayHttpServer(std::unique_ptr<RelayRoutes> routes, int port);

  // Declared before io_: the sessions in io_ use the routes, so io_ must be destroyed first.
  const std::unique_ptr<RelayRoutes> routes_;
  const int port_;
  std::mutex stop_mu_;
  std::unique_ptr<Io> io_;  // guarded by stop_mu_; null once stopped
};

}  // namespace poc

#endif  // POC_SERVER_HTTP_RELAY_HTTP_SERVER_H_
