#include "server/http/metrics_text.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTextTest, EveryFamilyHasHelpTypeAndSamples) {
  RelayMetrics metrics;
  metrics.submits_accepted = 12;
  metrics.submits_duplicate = 3;
  metrics.deliveries = 10;
  metrics.delivery_refusals = 1;
  metrics.sessions_opened = 7;
  metrics.sessions_open = 2;
  metrics.audit_leaves = 70000;
  metrics.checkpoints_signed = 5;
  const std::string text = FormatMetricsText(metrics);

  EXPECT_THAT(text, HasSubstr("# HELP poc_relay_submits_total "));
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_submits_total counter\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_total{result=\"accepted\"} 12\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_total{result=\"duplicate\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_submits_rejected_total counter\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_deliveries_total 10\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_delivery_refusals_total 1\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_sessions_opened_total 7\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_sessions_open gauge\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_sessions_open 2\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_audit_leaves gauge\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_audit_leaves 70000\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_checkpoints_signed_total counter\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_checkpoints_signed_total 5\n"));
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTextTest, RejectionsHaveOneSeriesPerNonZeroGrpcCode) {
  RelayMetrics metrics;
  metrics.submits_rejected[3] = 4;   // INVALID_ARGUMENT
  metrics.submits_rejected[7] = 2;   // PERMISSION_DENIED
  metrics.submits_rejected[16] = 1;  // UNAUTHENTICATED
  const std::string text = FormatMetricsText(metrics);

  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_rejected_total{code=\"INVALID_ARGUMENT\"} 4\n"));
  EXPECT_THAT(text,
              HasSubstr("\npoc_relay_submits_rejected_total{code=\"PERMISSION_DENIED\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_rejected_total{code=\"UNAUTHENTICATED\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("code=\"NOT_FOUND\"")));
  EXPECT_THAT(text, Not(HasSubstr("code=\"OK\"")));
}

TEST(MetricsTextTest, NoRejectionsMeansNoRejectionSeries) {
  RelayMetrics metrics;
  const std::string text = FormatMetricsText(metrics);
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_submits_rejected_total counter\n"));
  EXPECT_THAT(text, Not(HasSubstr("poc_relay_submits_rejected_total{")));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_total{result=\"accepted\"} 0\n"));
}

}  // namespace
}  // namespace poc
