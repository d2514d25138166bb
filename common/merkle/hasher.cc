#include "common/merkle/hasher.h"

#include "common/crypto/sha256.h"

namespace poc::merkle {

std::string LeafHash(std::string_view data) { return Sha256({std::string_view("\x00", 1), data}); }

std::string NodeHash(std::string_view left, std::string_view right) {
  return Sha256({std::string_view("\x01", 1), left, right});
}

std::string EmptyRootHash() { return Sha256(std::string_view()); }

}  // namespace poc::merkle
