#include "common/iso3166/iso3166.h"

#include <string>

#include "gtest/gtest.h"

namespace poc {
namespace {

TEST(Iso3166Test, AcceptsAssignedCodes) {
  for (const char* code : {"FRA", "KEN", "BRA", "ABW", "ZWE"}) {
    EXPECT_TRUE(IsIso3166Alpha3(code)) << code;
  }
}

TEST(Iso3166Test, RejectsUnassignedLowercaseEmptyAndLongCodes) {
  for (const char* code : {"FRX", "fra", "", "FRAN", "FR", "Fra", "FRA "}) {
    EXPECT_FALSE(IsIso3166Alpha3(code)) << "'" << code << "'";
  }
}

TEST(Iso3166Test, NamesCountriesInEnglish) {
  EXPECT_EQ(CountryName("KEN"), "Kenya");
  EXPECT_EQ(CountryName("FRA"), "France");
  EXPECT_EQ(CountryName("BRA"), "Brazil");
  EXPECT_FALSE(CountryName("FRX").has_value());
  EXPECT_FALSE(CountryName("ken").has_value());
}

TEST(Iso3166Test, TableHoldsAll249AssignedCodesEachWithAName) {
  int count = 0;
  std::string code = "AAA";
  for (char a = 'A'; a <= 'Z'; ++a) {
    for (char b = 'A'; b <= 'Z'; ++b) {
      for (char c = 'A'; c <= 'Z'; ++c) {
        code[0] = a;
        code[1] = b;
        code[2] = c;
        if (!IsIso3166Alpha3(code)) continue;
        ++count;
        auto name = CountryName(code);
        EXPECT_TRUE(name.has_value() && !name->empty()) << code;
      }
    }
  }
  EXPECT_EQ(count, 249);
}

}  // namespace
}  // namespace poc
