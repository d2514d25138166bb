#include "common/crypto/sha256.h"

#include <openssl/sha.h>

namespace poc {

std::string Sha256(std::string_view data) {
  std::string out(kSha256Size, '\0');
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

}  // namespace poc
