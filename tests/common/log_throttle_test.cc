#include "common/logging/log_throttle.h"

#include <gtest/gtest.h>

namespace poc {
namespace {

class LogThrottleTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
};

TEST_F(LogThrottleTest, AFloodOfAlikeLinesIsLoggedAFewTimesAnIntervalAndTheRestCounted) {
  LogThrottle throttle(3, absl::Minutes(1), &clock_);
  int logged = 0;
  for (int i = 0; i < 1000; ++i) {
    logged += throttle.Admit("FRA 3").log ? 1 : 0;
  }
  EXPECT_EQ(logged, 3);

  clock_.Advance(absl::Minutes(1));
  const LogThrottle::Verdict next = throttle.Admit("FRA 3");
  EXPECT_TRUE(next.log);
  EXPECT_EQ(next.skipped, 997u);
  EXPECT_EQ(LogThrottle::Suffix(next), " (997 more like it held back before this one)");
  EXPECT_EQ(throttle.Admit("FRA 3").skipped, 0u);
}

TEST_F(LogThrottleTest, EachKindOfLineHasItsOwnAllowance) {
  LogThrottle throttle(1, absl::Minutes(1), &clock_);
  EXPECT_TRUE(throttle.Admit("FRA 3").log);
  EXPECT_FALSE(throttle.Admit("FRA 3").log);
  EXPECT_TRUE(throttle.Admit("FRA 16").log);
  EXPECT_TRUE(throttle.Admit("KEN 3").log);
}

TEST_F(LogThrottleTest, ALineAfterAQuietIntervalCarriesNoCount) {
  LogThrottle throttle(2, absl::Seconds(10), &clock_);
  EXPECT_TRUE(throttle.Admit("x").log);
  clock_.Advance(absl::Seconds(30));
  const LogThrottle::Verdict v = throttle.Admit("x");
  EXPECT_TRUE(v.log);
  EXPECT_EQ(LogThrottle::Suffix(v), "");
}

TEST_F(LogThrottleTest, ManyDistinctKeysAreForgottenOldestFirstInsteadOfGrowingWithoutBound) {
  LogThrottle throttle(1, absl::Minutes(1), &clock_, /*max_keys=*/2);
  EXPECT_TRUE(throttle.Admit("a").log);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(throttle.Admit("b").log);
  clock_.Advance(absl::Seconds(1));
  EXPECT_TRUE(throttle.Admit("c").log);  // "a" is forgotten
  EXPECT_FALSE(throttle.Admit("b").log);
  EXPECT_FALSE(throttle.Admit("c").log);
  EXPECT_TRUE(throttle.Admit("a").log);  // a fresh window, "b" forgotten
  EXPECT_FALSE(throttle.Admit("c").log);
}

}  // namespace
}  // namespace poc
