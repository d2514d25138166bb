// Consistency proofs are how pocd (a witness) and pocctl audit know the relay's log only grew.
// The input picks two sizes of a fixed tree, edits the correct proof, and must get a verdict
// that is right: the proof verifies exactly when it is the correct one (any other would be a
// SHA-256 collision). The rest of the input is a raw proof between arbitrary 64-bit sizes.
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

  uint64_t size2 = in.ConsumeIntegralInRange<uint64_t>(1, poc::fuzz::kTreeLeaves);
  uint64_t size1 = in.ConsumeIntegralInRange<uint64_t>(1, size2);
  auto correct = fixed->tree().ConsistencyProof(size1, size2);
  POC_FUZZ_CHECK(correct.ok());
  POC_FUZZ_CHECK(correct->size() == merkle::ConsistencyProofSize(size1, size2));
  POC_FUZZ_CHECK(
      merkle::VerifyConsistency(size1, size2, *correct, fixed->RootAt(size1), fixed->RootAt(size2))
          .ok());

  // Edit the proof, and perhaps claim it between other sizes.
  std::vector<std::string> proof = *correct;
  for (int edits = 0; edits < 4 && poc::fuzz::EditProof(in, &proof); ++edits) {
  }
  if (in.ConsumeBool()) {
    size2 = in.ConsumeIntegralInRange<uint64_t>(1, poc::fuzz::kTreeLeaves);
    size1 = std::min(size1, size2);
  }
  if (in.ConsumeBool()) size1 = in.ConsumeIntegralInRange<uint64_t>(1, size2);
  auto expected = fixed->tree().ConsistencyProof(size1, size2);
  POC_FUZZ_CHECK(expected.ok());
  const absl::Status edited =
      merkle::VerifyConsistency(size1, size2, proof, fixed->RootAt(size1), fixed->RootAt(size2));
  POC_FUZZ_CHECK(edited.ok() == (proof == *expected));

  // A raw proof between any two sizes, with any roots: no crash, and a clear verdict.
  const uint64_t raw_size1 = in.ConsumeIntegral<uint64_t>();
  const uint64_t raw_size2 = in.ConsumeIntegral<uint64_t>();
  const std::string root1 = poc::fuzz::ConsumeHash(in);
  const std::string root2 = in.ConsumeBool() ? root1 : poc::fuzz::ConsumeHash(in);
  const std::vector<std::string> raw = poc::fuzz::ConsumeHashes(in);
  const absl::Status verified = merkle::VerifyConsistency(raw_size1, raw_size2, raw, root1, root2);
  POC_FUZZ_CHECK(verified.ok() || verified.code() == absl::StatusCode::kInvalidArgument ||
                 verified.code() == absl::StatusCode::kPermissionDenied);
  if (verified.ok()) {
    POC_FUZZ_CHECK(0 < raw_size1 && raw_size1 <= raw_size2);
    POC_FUZZ_CHECK(raw.size() == merkle::ConsistencyProofSize(raw_size1, raw_size2));
  }
  return 0;
}
