#include "common/merkle/hash_store.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace poc::merkle {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string H(char c) { return std::string(32, c); }

TEST(InMemoryHashStoreTest, ReadsBackWhatWasAppendedByLevelAndIndex) {
  InMemoryHashStore store;
  ASSERT_TRUE(store.Append({{{0, 0}, H('a')}, {{0, 1}, H('b')}, {{1, 0}, H('c')}}).ok());
  ASSERT_TRUE(store.Append({{{0, 2}, H('d')}}).ok());
  EXPECT_EQ(*store.LeafCount(), 3u);
  auto hashes = store.Read({NodeId{1, 0}, NodeId{0, 2}, NodeId{0, 0}});
  ASSERT_TRUE(hashes.ok()) << hashes.status();
  EXPECT_THAT(*hashes, ElementsAre(H('c'), H('d'), H('a')));
}

TEST(InMemoryHashStoreTest, ReadingAMissingNodeIsNotFound) {
  InMemoryHashStore store;
  ASSERT_TRUE(store.Append({{{0, 0}, H('a')}}).ok());
  const absl::Status status = store.Read({NodeId{0, 1}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(status.message()), HasSubstr("level 0, index 1"));
  EXPECT_EQ(store.Read({NodeId{5, 0}}).status().code(), absl::StatusCode::kNotFound);
}

TEST(InMemoryHashStoreTest, NeverOverwritesAStoredHash) {
  InMemoryHashStore store;
  ASSERT_TRUE(store.Append({{{0, 0}, H('a')}}).ok());
  const absl::Status status = store.Append({{{0, 0}, H('z')}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("append-only"));
  EXPECT_EQ(store.Append({{{0, 1}, H('b')}, {{0, 1}, H('b')}}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.Read({NodeId{0, 0}})->front(), H('a'));
}

TEST(InMemoryHashStoreTest, RejectsGapsWithinALevel) {
  InMemoryHashStore store;
  const absl::Status status = store.Append({{{0, 0}, H('a')}, {{0, 2}, H('c')}});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("gap"));
}

TEST(InMemoryHashStoreTest, RejectedBatchLeavesTheStoreUnchanged) {
  InMemoryHashStore store;
  ASSERT_TRUE(store.Append({{{0, 0}, H('a')}}).ok());
  EXPECT_FALSE(store.Append({{{0, 1}, H('b')}, {{1, 0}, H('c')}, {{0, 0}, H('x')}}).ok());
  EXPECT_EQ(*store.LeafCount(), 1u);
  EXPECT_EQ(store.Read({NodeId{1, 0}}).status().code(), absl::StatusCode::kNotFound);
}

TEST(InMemoryHashStoreTest, RejectsHashesThatAreNot32BytesAndBadLevels) {
  InMemoryHashStore store;
  EXPECT_EQ(store.Append({{{0, 0}, "short"}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.Append({{{64, 0}, H('a')}}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(*store.LeafCount(), 0u);
}

}  // namespace
}  // namespace poc::merkle
