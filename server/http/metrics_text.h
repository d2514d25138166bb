// The relay's counters in the Prometheus text exposition format 0.0.4, served at /metrics.
#ifndef POC_SERVER_HTTP_METRICS_TEXT_H_
#define POC_SERVER_HTTP_METRICS_TEXT_H_

#include <string>

#include "server/relay_metrics.h"

namespace poc {

// The Content-Type of FormatMetricsText's output.
inline constexpr char kMetricsContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// One "# HELP" and one "# TYPE" line per metric family, then its samples, every name prefixed
// "poc_relay_". Rejected submissions get one series per gRPC code whose counter is non-zero,
// labelled with the code's canonical name (code="INVALID_ARGUMENT"). Reads each atomic once;
// the families are not a consistent snapshot of one instant.
std::string FormatMetricsText(const RelayMetrics& metrics);

}  // namespace poc

#endif  // POC_SERVER_HTTP_METRICS_TEXT_H_
