// Runs every RFC 9162 proof vector in tests/testdata/merkle (copied from transparency-dev/merkle,
// see the README there) through the verifier: cases marked wantErr must be rejected, the others
// accepted. Files are found by walking the folders, never by name, so every file counts.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "common/encoding/base64.h"
#include "common/merkle/hash_store.h"
#include "common/merkle/merkle_tree.h"
#include "common/merkle/proof_verifier.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/merkle/reference_tree.h"
#include "tests/test_paths.h"

namespace poc::merkle {
namespace {

namespace fs = std::filesystem;

// $POC_SOURCE_DIR/tests/testdata/merkle. CTest is meant to set POC_SOURCE_DIR; when it is unset,
// the source folder known at build time stands in for it.
fs::path VectorRoot() {
  return fs::path(poc::testing::SourceDir()) / "tests" / "testdata" / "merkle";
}

// Every .json file below `dir`, sorted for stable output. Fails the test when there are none.
std::vector<fs::path> VectorFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::is_directory(dir)) {
    ADD_FAILURE() << "test vector folder " << dir
                  << " is missing; POC_SOURCE_DIR must point at the repository";
    return files;
  }
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) ADD_FAILURE() << "no .json test vectors in " << dir;
  return files;
}

nlohmann::json LoadJson(const fs::path& file) {
  std::ifstream in(file);
  return nlohmann::json::parse(in);
}

std::string Decode(const nlohmann::json& value) {
  auto decoded = Base64Decode(value.get<std::string>());
  EXPECT_TRUE(decoded.ok()) << "bad base64 in vector: " << value;
  return decoded.ok() ? *decoded : std::string();
}

std::vector<std::string> DecodeAll(const nlohmann::json& values) {
  std::vector<std::string> out;
  for (const auto& v : values) out.push_back(Decode(v));
  return out;
}

// The happy-path vectors come from the RFC 6962 reference tree; our tree must produce exactly
// the proofs they carry.
class VectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto tree = MerkleTree::Open(&store_);
    ASSERT_TRUE(tree.ok()) << tree.status();
    ASSERT_TRUE(tree->AppendLeafHashes(testing::Rfc6962ReferenceLeafHashes()).ok());
    tree_ = std::make_unique<MerkleTree>(*std::move(tree));
  }

  bool IsReferenceRoot(uint64_t size, const std::string& root) const {
    if (size == 0 || size > tree_->size()) return false;
    auto ref = tree_->RootAt(size);
    return ref.ok() && *ref == root;
  }

  InMemoryHashStore store_;
  std::unique_ptr<MerkleTree> tree_;
};

TEST_F(VectorTest, InclusionVectorsAreAcceptedOrRejectedAsTheyDemand) {
  int accepted = 0;
  int rejected = 0;
  int compared_with_tree = 0;
  for (const fs::path& file : VectorFiles(VectorRoot() / "inclusion")) {
    SCOPED_TRACE(file.string());
    const nlohmann::json v = LoadJson(file);
    const uint64_t index = v.at("leafIdx").get<uint64_t>();
    const uint64_t size = v.at("treeSize").get<uint64_t>();
    const std::string root = Decode(v.at("root"));
    const std::string leaf = Decode(v.at("leafHash"));
    const std::vector<std::string> proof = DecodeAll(v.at("proof"));
    const bool want_err = v.at("wantErr").get<bool>();

    const absl::Status status = VerifyInclusion(leaf, index, size, proof, root);
    if (want_err) {
      EXPECT_FALSE(status.ok()) << "accepted a bad proof: " << v.at("desc");
      ++rejected;
    } else {
      EXPECT_TRUE(status.ok()) << status << " for " << v.at("desc");
      auto computed = RootFromInclusionProof(index, size, leaf, proof);
      ASSERT_TRUE(computed.ok()) << computed.status();
      EXPECT_EQ(*computed, root);
      ++accepted;
      if (IsReferenceRoot(size, root)) {
        auto ours = tree_->InclusionProof(index, size);
        ASSERT_TRUE(ours.ok()) << ours.status();
        EXPECT_EQ(*ours, proof);
        ++compared_with_tree;
      }
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
  EXPECT_GT(compared_with_tree, 0);
}

TEST_F(VectorTest, ConsistencyVectorsAreAcceptedOrRejectedAsTheyDemand) {
  int accepted = 0;
  int rejected = 0;
  int compared_with_tree = 0;
  for (const fs::path& file : VectorFiles(VectorRoot() / "consistency")) {
    SCOPED_TRACE(file.string());
    const nlohmann::json v = LoadJson(file);
    const uint64_t size1 = v.at("size1").get<uint64_t>();
    const uint64_t size2 = v.at("size2").get<uint64_t>();
    const std::string root1 = Decode(v.at("root1"));
    const std::string root2 = Decode(v.at("root2"));
    const std::vector<std::string> proof = DecodeAll(v.at("proof"));
    const bool want_err = v.at("wantErr").get<bool>();

    const absl::Status status = VerifyConsistency(size1, size2, proof, root1, root2);
    if (want_err) {
      EXPECT_FALSE(status.ok()) << "accepted a bad proof: " << v.at("desc");
      ++rejected;
    } else {
      EXPECT_TRUE(status.ok()) << status << " for " << v.at("desc");
      ++accepted;
      if (IsReferenceRoot(size1, root1) && IsReferenceRoot(size2, root2)) {
        auto ours = tree_->ConsistencyProof(size1, size2);
        ASSERT_TRUE(ours.ok()) << ours.status();
        EXPECT_EQ(*ours, proof);
        ++compared_with_tree;
      }
    }
  }
  EXPECT_GT(accepted, 0);
  EXPECT_GT(rejected, 0);
  EXPECT_GT(compared_with_tree, 0);
}

TEST(VectorFolderTest, HoldsEveryVectorOfTheSharedSet) {
  // The copy keeps the shared layout: both proof kinds, each with its numbered cases.
  EXPECT_GE(VectorFiles(VectorRoot() / "inclusion").size(), 90u);
  EXPECT_GE(VectorFiles(VectorRoot() / "consistency").size(), 90u);
  EXPECT_TRUE(fs::exists(VectorRoot() / "README.md"));
}

}  // namespace
}  // namespace poc::merkle
