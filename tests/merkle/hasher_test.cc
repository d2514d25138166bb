#include "common/merkle/hasher.h"

#include <string>

#include "gtest/gtest.h"
#include "tests/common/test_util.h"

namespace poc::merkle {
namespace {

using testutil::ToHex;

TEST(HasherTest, EmptyRootIsSha256OfNothing) {
  EXPECT_EQ(ToHex(EmptyRootHash()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HasherTest, LeafHashPrefixesAZeroByte) {
  // RFC 6962 reference tree: leaf hash of the empty leaf, and of the leaf 0x00.
  EXPECT_EQ(ToHex(LeafHash("")),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
  EXPECT_EQ(ToHex(LeafHash(std::string("\x00", 1))),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7");
}

TEST(HasherTest, NodeHashPrefixesAOneByteAndConcatenates) {
  // Root of the first two leaves of the RFC 6962 reference tree.
  EXPECT_EQ(ToHex(NodeHash(LeafHash(""), LeafHash(std::string("\x00", 1)))),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
}

TEST(HasherTest, LeavesAndNodesAreDomainSeparated) {
  const std::string left = LeafHash("a");
  const std::string right = LeafHash("b");
  // A node is never the leaf hash of the concatenation of its children.
  EXPECT_NE(NodeHash(left, right), LeafHash(left + right));
  EXPECT_NE(NodeHash(left, right), NodeHash(right, left));
  EXPECT_EQ(LeafHash("a").size(), kHashSize);
  EXPECT_EQ(NodeHash(left, right).size(), kHashSize);
}

}  // namespace
}  // namespace poc::merkle
