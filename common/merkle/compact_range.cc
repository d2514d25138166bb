#include "common/merkle/compact_range.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace poc::merkle {

std::string ToString(const Hash32& hash) {
  return std::string(reinterpret_cast<const char*>(hash.data()), hash.size());
}

struct StreamHasher::Context {
  EVP_MD_CTX* ctx = nullptr;
  EVP_MD* md = nullptr;

  void Digest(uint8_t prefix, const void* a, size_t a_len, const void* b, size_t b_len,
              Hash32* out) {
    // Failures here mean OpenSSL itself is broken (no SHA-256, out of memory): cannot happen
    // in a working process, so crash rather than return a wrong hash.
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, &prefix, 1) != 1 ||
        EVP_DigestUpdate(ctx, a, a_len) != 1 ||
        (b_len > 0 && EVP_DigestUpdate(ctx, b, b_len) != 1) ||
        EVP_DigestFinal_ex(ctx, out->data(), &len) != 1 || len != out->size()) {
      std::abort();
    }
  }
};

StreamHasher::StreamHasher() : ctx_(std::make_unique<Context>()) {
  ctx_->ctx = EVP_MD_CTX_new();
  ctx_->md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (ctx_->ctx == nullptr || ctx_->md == nullptr) {
    std::abort();
  }
}

StreamHasher::~StreamHasher() {
  EVP_MD_CTX_free(ctx_->ctx);
  EVP_MD_free(ctx_->md);
}

void StreamHasher::LeafHash(std::string_view data, Hash32* out) {
  ctx_->Digest(0x00, data.data(), data.size(), nullptr, 0, out);
}

void StreamHasher::NodeHash(const Hash32& left, const Hash32& right, Hash32* out) {
  ctx_->Digest(0x01, left.data(), left.size(), right.data(), right.size(), out);
}

void CompactRange::AppendLeafHash(const Hash32& leaf_hash, StreamHasher& hasher) {
  // Each trailing one bit of size_ is a complete subtree that the new leaf completes further.
  Hash32 carry = leaf_hash;
  for (uint64_t s = size_; (s & 1) != 0; s >>= 1) {
    hasher.NodeHash(stack_.back(), carry, &carry);
    stack_.pop_back();
  }
  stack_.push_back(carry);
  ++size_;
}

void CompactRange::AppendLeaf(std::string_view data, StreamHasher& hasher) {
  Hash32 leaf;
  hasher.LeafHash(data, &leaf);
  AppendLeafHash(leaf, hasher);
}

Hash32 CompactRange::Root(StreamHasher& hasher) const {
  Hash32 root;
  if (stack_.empty()) {
    unsigned int len = 0;
    EVP_Digest("", 0, root.data(), &len, EVP_sha256(), nullptr);
    return root;
  }
  root = stack_.back();
  for (size_t i = stack_.size() - 1; i > 0; --i) {
    hasher.NodeHash(stack_[i - 1], root, &root);
  }
  return root;
}

}  // namespace poc::merkle
