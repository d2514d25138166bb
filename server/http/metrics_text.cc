#include "server/http/metrics_text.h"

#include <array>
#include <cstddef>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace poc {
namespace {

// Canonical gRPC status code names, indexed by code
// (grpc/include/grpcpp/support/status_code_enum.h).
constexpr const char* kGrpcCodeNames[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};
static_assert(std::size(kGrpcCodeNames) ==
                  std::tuple_size<decltype(RelayMetrics::submits_rejected)>::value,
              "one name per rejection counter");

void Family(std::string* out, const char* name, const char* type, const char* help) {
  absl::StrAppend(out, "# HELP poc_relay_", name, " ", help, "\n# TYPE poc_relay_", name, " ", type,
                  "\n");
}

template <typename T>
void Sample(std::string* out, const char* name, const std::string& labels, T value) {
  absl::StrAppend(out, "poc_relay_", name, labels, " ", value, "\n");
}

}  // namespace

std::string FormatMetricsText(const RelayMetrics& m) {
  std::string out;
  Family(&out, "submits_total", "counter", "Submissions stored, by result.");
  Sample(&out, "submits_total", "{result=\"accepted\"}", m.submits_accepted.load());
  Sample(&out, "submits_total", "{result=\"duplicate\"}", m.submits_duplicate.load());

  Family(&out, "submits_rejected_total", "counter", "Submissions rejected, by gRPC status code.");
  for (size_t code = 0; code < m.submits_rejected.size(); ++code) {
    const uint64_t value = m.submits_rejected[code].load();
    if (value == 0) continue;
    Sample(&out, "submits_rejected_total", absl::StrCat("{code=\"", kGrpcCodeNames[code], "\"}"),
           value);
  }

  Family(&out, "deliveries_total", "counter", "Delivery receipts recorded.");
  Sample(&out, "deliveries_total", "", m.deliveries.load());
  Family(&out, "delivery_refusals_total", "counter", "Deliveries refused by a recipient's node.");
  Sample(&out, "delivery_refusals_total", "", m.delivery_refusals.load());
  Family(&out, "sessions_opened_total", "counter", "Node sessions opened.");
  Sample(&out, "sessions_opened_total", "", m.sessions_opened.load());
  Family(&out, "sessions_open", "gauge", "Node sessions open now.");
  Sample(&out, "sessions_open", "", m.sessions_open.load());
  Family(&out, "audit_leaves", "gauge", "Leaves in the audit log.");
  Sample(&out, "audit_leaves", "", m.audit_leaves.load());
  Family(&out, "checkpoints_signed_total", "counter", "Audit log checkpoints signed.");
  Sample(&out, "checkpoints_signed_total", "", m.checkpoints_signed.load());
  return out;
}

}  // namespace poc
