#include "common/directory/key_possession.h"

namespace poc {

std::string KeyPossessionStatement(const std::string& state, const std::string& key_id) {
  return "poc/v1 key-possession\n" + state + "\n" + key_id;
}

std::string ProveKeyPossession(const Ed25519PrivateKey& key, const std::string& state) {
  return key.Sign(KeyPossessionStatement(state, key.public_key().key_id()));
}

bool KeyPossessionValid(const Ed25519PublicKey& key, const std::string& state,
                        const std::string& proof) {
  return key.Verify(KeyPossessionStatement(state, key.key_id()), proof);
}

}  // namespace poc
