#include "bench/paced_pairs.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace poc::bench {
namespace {

using Pair = std::tuple<int64_t, int, int>;

std::vector<Pair> Record(int n, double rate, double seconds) {
  std::vector<Pair> sent;
  const int64_t count = SendPacedRandomPairs(
      n, rate, seconds, [&](int64_t k, int from, int to) { sent.emplace_back(k, from, to); });
  EXPECT_EQ(count, static_cast<int64_t>(sent.size()));
  return sent;
}

TEST(PacedPairsTest, SendsRateTimesSecondsMessagesInOrderBetweenDistinctStates) {
  const std::vector<Pair> sent = Record(3, 2000, 0.01);
  ASSERT_EQ(sent.size(), 20u);
  EXPECT_EQ(PacedCount(2000, 0.01), 20);
  for (size_t i = 0; i < sent.size(); ++i) {
    const auto& [k, from, to] = sent[i];
    EXPECT_EQ(k, static_cast<int64_t>(i));
    EXPECT_NE(from, to);
    EXPECT_GE(from, 0);
    EXPECT_LT(from, 3);
    EXPECT_GE(to, 0);
    EXPECT_LT(to, 3);
  }
}

TEST(PacedPairsTest, EveryTargetGetsTheSameSequenceOfPairs) {
  EXPECT_EQ(Record(5, 5000, 0.01), Record(5, 5000, 0.01));
}

}  // namespace
}  // namespace poc::bench
