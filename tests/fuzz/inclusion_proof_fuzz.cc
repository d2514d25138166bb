// Inclusion proofs come from the relay to pocd (its witness) and pocctl audit, which must never
// accept a wrong one. The input picks a leaf and a tree size of a fixed tree, edits the correct
// proof, and must get a verdict that is right: the proof verifies exactly when it is the correct
// one (any other proof reaching the same root would be a SHA-256 collision). The rest of the
// input is a raw proof for arbitrary 64-bit indices and sizes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/merkle/proof_verifier.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/proof_fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace merkle = poc::merkle;
  static const poc::fuzz::FixedTree* fixed = new poc::fuzz::FixedTree();
  FuzzedDataProvider in(data, size);

  uint64_t tree_size = in.ConsumeIntegralInRange<uint64_t>(1, poc::fuzz::kTreeLeaves);
  uint64_t index = in.ConsumeIntegralInRange<uint64_t>(0, tree_size - 1);
  auto correct = fixed->tree().InclusionProof(index, tree_size);
  POC_FUZZ_CHECK(correct.ok());
  POC_FUZZ_CHECK(correct->size() == merkle::InclusionProofSize(index, tree_size));
  POC_FUZZ_CHECK(merkle::VerifyInclusion(poc::fuzz::FixedTree::LeafHashAt(index), index, tree_size,
                                         *correct, fixed->RootAt(tree_size))
                     .ok());

  // Edit the proof, and perhaps claim it for another leaf or tree size.
  std::vector<std::string> proof = *correct;
  for (int edits = 0; edits < 4 && poc::fuzz::EditProof(in, &proof); ++edits) {
  }
  if (in.ConsumeBool()) {
    tree_size = in.ConsumeIntegralInRange<uint64_t>(1, poc::fuzz::kTreeLeaves);
    index = std::min(index, tree_size - 1);
  }
  if (in.ConsumeBool()) index = in.ConsumeIntegralInRange<uint64_t>(0, tree_size - 1);
  auto expected = fixed->tree().InclusionProof(index, tree_size);
  POC_FUZZ_CHECK(expected.ok());
  const absl::Status edited = merkle::VerifyInclusion(
      poc::fuzz::FixedTree::LeafHashAt(index), index, tree_size, proof, fixed->RootAt(tree_size));
  POC_FUZZ_CHECK(edited.ok() == (proof == *expected));

  // A raw proof for any index and size.
  const uint64_t raw_index = in.ConsumeIntegral<uint64_t>();
  const uint64_t raw_size = in.ConsumeIntegral<uint64_t>();
  const std::string leaf = poc::fuzz::ConsumeHash(in);
  const std::string root = poc::fuzz::ConsumeHash(in);
  const std::vector<std::string> raw = poc::fuzz::ConsumeHashes(in);
  auto computed = merkle::RootFromInclusionProof(raw_index, raw_size, leaf, raw);
  if (computed.ok()) {
    POC_FUZZ_CHECK(raw_index < raw_size);
    POC_FUZZ_CHECK(raw.size() == merkle::InclusionProofSize(raw_index, raw_size));
    POC_FUZZ_CHECK(computed->size() == merkle::kHashSize);
  }
  const absl::Status verified = merkle::VerifyInclusion(leaf, raw_index, raw_size, raw, root);
  POC_FUZZ_CHECK(verified.ok() == (computed.ok() && *computed == root));
  POC_FUZZ_CHECK(verified.ok() || verified.code() == absl::StatusCode::kInvalidArgument ||
                 verified.code() == absl::StatusCode::kPermissionDenied);
  // With the root the proof implies, it verifies.
  if (computed.ok()) {
    POC_FUZZ_CHECK(merkle::VerifyInclusion(leaf, raw_index, raw_size, raw, *computed).ok());
  }
  return 0;
}
