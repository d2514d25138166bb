#include "common/util/time_format.h"

#include <string>

#include "gtest/gtest.h"

namespace poc {
namespace {

TEST(TimeFormatTest, ParsesEachUnit) {
  struct Case {
    const char* text;
    absl::Duration want;
  };
  for (const Case& c :
       {Case{"30s", absl::Seconds(30)}, Case{"5m", absl::Minutes(5)}, Case{"4h", absl::Hours(4)},
        Case{"90d", absl::Hours(24 * 90)}, Case{"0s", absl::ZeroDuration()}}) {
    auto got = ParseDuration(c.text);
    ASSERT_TRUE(got.ok()) << c.text << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.text;
  }
}

TEST(TimeFormatTest, ParsesCombinations) {
  auto got = ParseDuration("1h30m");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, absl::Minutes(90));
  got = ParseDuration("1d2h3m4s");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, absl::Hours(26) + absl::Minutes(3) + absl::Seconds(4));
  got = ParseDuration("200ms");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, absl::Milliseconds(200));
  got = ParseDuration("1m5ms");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, absl::Minutes(1) + absl::Milliseconds(5));
}

TEST(TimeFormatTest, RejectsTextThatIsNotADuration) {
  for (const char* text : {"", "5", "5x", "h", "1h30", "-5s", "5 s", " 5s", "5S", "1.5h"}) {
    EXPECT_EQ(ParseDuration(text).status().code(), absl::StatusCode::kInvalidArgument)
        << "'" << text << "'";
  }
}

TEST(TimeFormatTest, RejectsAHugeNumberInsteadOfOverflowing) {
  EXPECT_EQ(ParseDuration("99999999999999999999d").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TimeFormatTest, FormatsUtcToTheSecond) {
  const absl::Time t = absl::FromUnixSeconds(1795840041);
  EXPECT_EQ(FormatUtc(t), "2026-11-28T04:27:21Z");
  EXPECT_EQ(FormatUtc(t + absl::Milliseconds(999)), "2026-11-28T04:27:21Z");
  EXPECT_EQ(FormatUtc(absl::UnixEpoch()), "1970-01-01T00:00:00Z");
}

TEST(TimeFormatTest, FormatsRfc3339WithMilliseconds) {
  const absl::Time t = absl::FromUnixSeconds(1795840041) + absl::Milliseconds(250);
  EXPECT_EQ(FormatRfc3339(t), "2026-11-28T04:27:21.250Z");
}

TEST(TimeFormatTest, ProtoRoundTripKeepsNanoseconds) {
  const absl::Time t = absl::FromUnixNanos(1795840041123456789);
  const google::protobuf::Timestamp ts = ToProto(t);
  EXPECT_EQ(ts.seconds(), 1795840041);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(FromProto(ts), t);
  EXPECT_TRUE(IsSet(ts));
}

TEST(TimeFormatTest, ProtoOfATimeBeforeTheEpochHasNonNegativeNanos) {
  // google.protobuf.Timestamp requires 0 <= nanos < 1e9, counting forward from `seconds`.
  const absl::Time t = absl::UnixEpoch() - absl::Milliseconds(1500);
  const google::protobuf::Timestamp ts = ToProto(t);
  EXPECT_EQ(ts.seconds(), -2);
  EXPECT_EQ(ts.nanos(), 500000000);
  EXPECT_EQ(FromProto(ts), t);
}

TEST(TimeFormatTest, UnsetTimestampIsTheEpoch) {
  const google::protobuf::Timestamp unset;
  EXPECT_FALSE(IsSet(unset));
  EXPECT_EQ(FromProto(unset), absl::UnixEpoch());
}

}  // namespace
}  // namespace poc
