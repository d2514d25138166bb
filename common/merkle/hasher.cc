#include "common/merkle/hasher.h"

#include "common/crypto/sha256.h"

namespace poc::merkle {

std::string LeafHash(std::string_view data) {
  std::string input;
  input.reserve(1 + data.size());
  input.push_back('\x00');
  input.append(data.data(), data.size());
  return Sha256(input);
}

std::string NodeHash(std::string_view left, std::string_view right) {
  std::string input;
  input.reserve(1 + left.size() + right.size());
  input.push_back('\x01');
  input.append(left.data(), left.size());
  input.append(right.data(), right.size());
  return Sha256(input);
}

std::string EmptyRootHash() { return Sha256(std::string_view()); }

}  // namespace poc::merkle
