#include "common/util/uuid_v7.h"

#include <cctype>
#include <cstdio>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace poc {
namespace {

constexpr int64_t kMillis = 1795840041123;

TEST(UuidV7Test, HasTheCanonicalLowercaseForm) {
  const std::string id = NewUuidV7(absl::FromUnixMillis(kMillis));
  ASSERT_EQ(id.size(), 36u);
  for (size_t i = 0; i < id.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      EXPECT_EQ(id[i], '-') << id;
    } else {
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(id[i])) || (id[i] >= 'a' && id[i] <= 'f'))
          << id << " at " << i;
    }
  }
  EXPECT_TRUE(IsUuidV7(id)) << id;
}

TEST(UuidV7Test, HasVersion7AndVariant10) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NewUuidV7(absl::FromUnixMillis(kMillis));
    EXPECT_EQ(id[14], '7') << id;
    const int variant_nibble = std::stoi(std::string(1, id[19]), nullptr, 16);
    EXPECT_EQ(variant_nibble & 0xc, 0x8) << id;
  }
}

TEST(UuidV7Test, StartsWithTheUnixMillisecondsGiven) {
  // Sub-millisecond parts are dropped, not rounded.
  const std::string id = NewUuidV7(absl::FromUnixMillis(kMillis) + absl::Microseconds(999));
  char want[13];
  std::snprintf(want, sizeof want, "%012llx", static_cast<unsigned long long>(kMillis));
  EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), want);
}

TEST(UuidV7Test, ThousandIdsInTheSameMillisecondAreUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewUuidV7(absl::FromUnixMillis(kMillis)));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(UuidV7Test, IsUuidV7RejectsOtherForms) {
  const std::string good = "01890a5d-ac96-774b-bcce-b302099a8057";
  ASSERT_TRUE(IsUuidV7(good));
  EXPECT_FALSE(IsUuidV7("01890A5D-AC96-774B-BCCE-B302099A8057"));  // uppercase
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-474b-bcce-b302099a8057"));  // version 4
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-774b-ccce-b302099a8057"));  // variant 110
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-774b-7cce-b302099a8057"));  // variant 0
  EXPECT_FALSE(IsUuidV7(good.substr(0, 35)));                      // short
  EXPECT_FALSE(IsUuidV7(good + "0"));                              // long
  EXPECT_FALSE(IsUuidV7("01890a5dac96774bbcceb302099a8057"));      // no dashes
  EXPECT_FALSE(IsUuidV7("01890a5-dac96-774b-bcce-b302099a8057"));  // dash moved
  EXPECT_FALSE(IsUuidV7("01890a5d-ac96-774b-bcce-b302099a805g"));  // not hex
  EXPECT_FALSE(IsUuidV7(""));
}

}  // namespace
}  // namespace poc
