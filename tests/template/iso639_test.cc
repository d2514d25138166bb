#include "common/template/iso639.h"

#include <gtest/gtest.h>

namespace poc {
namespace {

TEST(Iso639Test, KnowsTheSixUnLanguages) {
  for (const char* code : {"ar", "zh", "en", "fr", "ru", "es"}) {
    EXPECT_TRUE(IsIso639Alpha2(code)) << code;
  }
  EXPECT_EQ(LanguageName("fr"), "French");
}

TEST(Iso639Test, RefusesUpperCaseThreeLetterAndUnassignedCodes) {
  EXPECT_FALSE(IsIso639Alpha2("EN"));
  EXPECT_FALSE(IsIso639Alpha2("eng"));
  EXPECT_FALSE(IsIso639Alpha2("xx"));
  EXPECT_FALSE(IsIso639Alpha2(""));
  EXPECT_FALSE(LanguageName("xx").has_value());
}

}  // namespace
}  // namespace poc
