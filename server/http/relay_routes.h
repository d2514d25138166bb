// What the relay's HTTP port serves, as a function from a GET's target to a reply: /healthz,
// /metrics and the audit log under /audit/ (audit_resources.h). RelayHttpServer adds HTTP.
#ifndef POC_SERVER_HTTP_RELAY_ROUTES_H_
#define POC_SERVER_HTTP_RELAY_ROUTES_H_

#include <functional>
#include <string_view>

#include "server/audit/audit_reader.h"
#include "server/http/http_reply.h"
#include "server/relay_metrics.h"

namespace poc {

// Thread-safe when `healthy` is. Does not own `audit` or `metrics`, which must outlive it.
class RelayRoutes {
 public:
  // All three are required (non-null).
  RelayRoutes(AuditReader* audit, const RelayMetrics* metrics, std::function<bool()> healthy);

  // The reply to a GET of `target` (origin-form: a path, perhaps with a "?query", which is
  // ignored). Paths are matched exactly as sent (no percent-decoding, no dot segments):
  // - /healthz: 200 "ok\n" when healthy() is true, else 503 "unhealthy\n".
  // - /metrics: the counters in Prometheus text format (metrics_text.h).
  // - /audit/...: ServeAuditResource.
  // - anything else: 404 with a short text body.
  // May block for as long as an AuditReader call takes.
  HttpReply Get(std::string_view target) const;

 private:
  AuditReader* const audit_;
  const RelayMetrics* const metrics_;
  const std::function<bool()> healthy_;
};

}  // namespace poc

#endif  // POC_SERVER_HTTP_RELAY_ROUTES_H_
