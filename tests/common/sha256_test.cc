#include "common/crypto/sha256.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc {
namespace {

using ::poc::testutil::ToHex;

// FIPS 180-2 / NIST CSRC example values.
TEST(Sha256Test, HashesAbc) {
  EXPECT_EQ(ToHex(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, HashesTheEmptyString) {
  EXPECT_EQ(ToHex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256Test, HashesTheTwoBlockMessage) {
  EXPECT_EQ(ToHex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, HashesOneMillionAs) {
  EXPECT_EQ(ToHex(Sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, ReturnsRawBytesAndHashesEmbeddedNuls) {
  const std::string digest = Sha256(std::string("a\0b", 3));
  EXPECT_EQ(digest.size(), kSha256Size);
  EXPECT_NE(digest, Sha256("a"));
}

}  // namespace
}  // namespace poc
