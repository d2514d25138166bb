#include "server/rate_limiter.h"

#include <gtest/gtest.h>

namespace poc {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
};

TEST_F(RateLimiterTest, AStateMayMakeABurstOfCallsAtOnceThenIsToldWhenToRetry) {
  RateLimiter limiter({/*rate_per_second=*/10, /*burst=*/5}, &clock_);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.Take("FRA"), absl::ZeroDuration()) << "call " << i;
  }
  EXPECT_EQ(limiter.Take("FRA"), absl::Milliseconds(100));
}

TEST_F(RateLimiterTest, TokensComeBackAtTheRateAndNeverBeyondTheBurst) {
  RateLimiter limiter({/*rate_per_second=*/10, /*burst=*/5}, &clock_);
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  }
  clock_.Advance(absl::Milliseconds(250));  // 2.5 tokens
  EXPECT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  EXPECT_EQ(limiter.Take("FRA"), absl::Milliseconds(50));  // half a token left
  clock_.Advance(absl::Hours(1));
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(limiter.Take("FRA"), absl::ZeroDuration()) << i;
  }
  EXPECT_GT(limiter.Take("FRA"), absl::ZeroDuration());
}

TEST_F(RateLimiterTest, ARefusedCallTakesNothing) {
  RateLimiter limiter({/*rate_per_second=*/1, /*burst=*/1}, &clock_);
  ASSERT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  for (int i = 0; i < 100; ++i) {
    ASSERT_GT(limiter.Take("FRA"), absl::ZeroDuration());
  }
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
}

TEST_F(RateLimiterTest, OneStatesFloodLeavesTheOtherStatesBucketsFull) {
  RateLimiter limiter({/*rate_per_second=*/2, /*burst=*/3}, &clock_);
  for (int i = 0; i < 1000; ++i) {
    (void)limiter.Take("FRA");
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Take("KEN"), absl::ZeroDuration()) << i;
    EXPECT_EQ(limiter.Take("BRA"), absl::ZeroDuration()) << i;
  }
  EXPECT_EQ(limiter.Take("FRA"), absl::Milliseconds(500));
}

TEST_F(RateLimiterTest, ARateOfZeroTurnsTheLimitOff) {
  RateLimiter limiter({/*rate_per_second=*/0, /*burst=*/1}, &clock_);
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  }
}

TEST_F(RateLimiterTest, AClockThatStepsBackGivesNoExtraTokens) {
  RateLimiter limiter({/*rate_per_second=*/1, /*burst=*/1}, &clock_);
  ASSERT_EQ(limiter.Take("FRA"), absl::ZeroDuration());
  clock_.Advance(-absl::Hours(1));
  EXPECT_GT(limiter.Take("FRA"), absl::ZeroDuration());
  clock_.Advance(absl::Hours(1));
  EXPECT_GT(limiter.Take("FRA"), absl::ZeroDuration());
}

}  // namespace
}  // namespace poc
