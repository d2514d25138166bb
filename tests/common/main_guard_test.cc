// GuardMain: the last line of each program's main().
#include "common/util/main_guard.h"

#include <gtest/gtest.h>

#include <new>
#include <stdexcept>

namespace poc {
namespace {

TEST(GuardMainTest, ReturnsTheBodysExitStatus) {
  EXPECT_EQ(GuardMain("prog", [] { return 0; }), 0);
  EXPECT_EQ(GuardMain("prog", [] { return 3; }), 3);
}

TEST(GuardMainTest, AnEscapedExceptionExitsOneAndSaysWhatHappened) {
  ::testing::internal::CaptureStderr();
  const int status = GuardMain("poc-relay", []() -> int { throw std::runtime_error("disk gone"); });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 1);
  EXPECT_EQ(err, "poc-relay: unexpected error: disk gone\n");
}

TEST(GuardMainTest, AnExceptionOfAnUnknownKindStillExitsOne) {
  ::testing::internal::CaptureStderr();
  const int status = GuardMain("pocd", []() -> int { throw 42; });
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(status, 1);
  EXPECT_EQ(err, "pocd: unexpected error of an unknown kind\n");
}

}  // namespace
}  // namespace poc
