// A naive RFC 9162 §2.1 Merkle tree over a list of leaf hashes, written straight from the RFC's
// recursive definitions (MTH, PATH, SUBPROOF) with no storage or shortcuts. Tests compare the
// real implementation against it.
#ifndef POC_TESTS_MERKLE_REFERENCE_TREE_H_
#define POC_TESTS_MERKLE_REFERENCE_TREE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/crypto/sha256.h"

namespace poc::merkle::testing {

using Leaves = std::vector<std::string>;  // leaf hashes

inline std::string RefNode(const std::string& left, const std::string& right) {
  return Sha256(std::string(1, '\x01') + left + right);
}

inline std::string RefLeaf(const std::string& data) {
  return Sha256(std::string(1, '\x00') + data);
}

// Largest power of two strictly smaller than n (n >= 2).
inline uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// MTH(D[begin:end]).
inline std::string RefRoot(const Leaves& d, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 0) return Sha256("");
  if (n == 1) return d[begin];
  const uint64_t k = RefSplit(n);
  return RefNode(RefRoot(d, begin, begin + k), RefRoot(d, begin + k, end));
}

// PATH(m, D[begin:end]) with m relative to begin.
inline Leaves RefPath(uint64_t m, const Leaves& d, uint64_t begin, uint64_t end) {
  const uint64_t n = end - begin;
  if (n == 1) return {};
  const uint64_t k = RefSplit(n);
  Leaves out;
  if (m < k) {
    out = RefPath(m, d, begin, begin + k);
    out.push_back(RefRoot(d, begin + k, end));
  } else {
    out = RefPath(m - k, d, begin + k, end);
    out.push_back(RefRoot(d, begin, begin + k));
  }
  return out;
}

// SUBPROOF(m, D[begin:end], b).
inline Leaves RefSubproof(uint64_t m, const Leaves& d, uint64_t begin, uint64_t end, bool b) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (b) return {};
    return {RefRoot(d, begin, end)};
  }
  const uint64_t k = RefSplit(n);
  Leaves out;
  if (m <= k) {
    out = RefSubproof(m, d, begin, begin + k, b);
    out.push_back(RefRoot(d, begin + k, end));
  } else {
    out = RefSubproof(m - k, d, begin + k, end, false);
    out.push_back(RefRoot(d, begin, begin + k));
  }
  return out;
}

// PROOF(m, D[n]).
inline Leaves RefConsistency(uint64_t m, const Leaves& d, uint64_t n) {
  return RefSubproof(m, d, 0, n, true);
}

// The eight leaves of the reference tree of RFC 6962's and Certificate Transparency's test
// suites, from which the happy-path vectors in tests/testdata/merkle come.
inline Leaves Rfc6962ReferenceLeafHashes() {
  const std::vector<std::string> data = {
      std::string(),
      std::string("\x00", 1),
      std::string("\x10"),
      std::string("\x20\x21"),
      std::string("\x30\x31"),
      std::string("\x40\x41\x42\x43"),
      std::string("\x50\x51\x52\x53\x54\x55\x56\x57"),
      std::string("\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"),
  };
  Leaves out;
  for (const std::string& leaf : data) out.push_back(RefLeaf(leaf));
  return out;
}

}  // namespace poc::merkle::testing

#endif  // POC_TESTS_MERKLE_REFERENCE_TREE_H_
