#include "server/http/relay_routes.h"

#include <utility>

#include "server/http/audit_resources.h"
#include "server/http/metrics_text.h"

namespace poc {
namespace {

constexpr std::string_view kAuditPrefix = "/audit/";

}  // namespace

RelayRoutes::RelayRoutes(AuditReader* audit, const RelayMetrics* metrics,
                         std::function<bool()> healthy)
    : audit_(audit), metrics_(metrics), healthy_(std::move(healthy)) {}

HttpReply RelayRoutes::Get(std::string_view target) const {
  const std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz") {
    return healthy_() ? HttpReply::Text(200, "ok\n") : HttpReply::Text(503, "unhealthy\n");
  }
  if (path == "/metrics") {
    HttpReply reply;
    reply.content_type = kMetricsContentType;
    reply.body = FormatMetricsText(*metrics_);
    return reply;
  }
  if (path.substr(0, kAuditPrefix.size()) == kAuditPrefix) {
    return ServeAuditResource(*audit_, path.substr(kAuditPrefix.size()));
  }
  return HttpReply::Text(404, "not found\n");
}

}  // namespace poc
