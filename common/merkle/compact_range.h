// Streaming RFC 9162 root computation: the compact range [0, size) of a tree, i.e. the hashes of
// the complete subtrees the first `size` leaves form (at most 64), so that the root of millions of
// leaves is computed in O(log n) memory as the leaves stream by.
#ifndef POC_COMMON_MERKLE_COMPACT_RANGE_H_
#define POC_COMMON_MERKLE_COMPACT_RANGE_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace poc::merkle {

// A raw SHA-256 digest held by value, so that the hot path never allocates.
using Hash32 = std::array<uint8_t, 32>;

std::string ToString(const Hash32& hash);

// SHA-256 with one reusable OpenSSL context: LeafHash and NodeHash as in hasher.h, without a
// heap allocation per call. Not thread-safe; one per thread.
class StreamHasher {
 public:
  StreamHasher();
  ~StreamHasher();
  StreamHasher(const StreamHasher&) = delete;
  StreamHasher& operator=(const StreamHasher&) = delete;

  // SHA-256(0x00 || data).
  void LeafHash(std::string_view data, Hash32* out);
  // SHA-256(0x01 || left || right).
  void NodeHash(const Hash32& left, const Hash32& right, Hash32* out);

 private:
  struct Context;
  std::unique_ptr<Context> ctx_;
};

// The leaves [0, size()) of a tree, folded as they are appended. Copyable, so that a caller can
// keep snapshots (a copy holds popcount(size) hashes) at chosen sizes and resume from one later.
class CompactRange {
 public:
  CompactRange() { stack_.reserve(64); }  // appends never reallocate

  uint64_t size() const { return size_; }

  // Appends the leaf whose leaf hash is `leaf_hash`; on average one NodeHash per leaf.
  void AppendLeafHash(const Hash32& leaf_hash, StreamHasher& hasher);
  // Appends the leaf holding `data`.
  void AppendLeaf(std::string_view data, StreamHasher& hasher);

  // The RFC 9162 root of the leaves so far (SHA-256("") when there are none).
  Hash32 Root(StreamHasher& hasher) const;

 private:
  uint64_t size_ = 0;
  // The roots of the complete subtrees of [0, size_), largest first: one per set bit of size_.
  std::vector<Hash32> stack_;
};

}  // namespace poc::merkle

#endif  // POC_COMMON_MERKLE_COMPACT_RANGE_H_
