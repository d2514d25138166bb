// Proof that whoever registers a signing key for a State holds its private half: the key's
// signature over a statement naming the State and the key. The directory refuses keys
// without a valid proof, so a typo or a copied foreign key cannot become a State's key.
#ifndef POC_COMMON_DIRECTORY_KEY_POSSESSION_H_
#define POC_COMMON_DIRECTORY_KEY_POSSESSION_H_

#include <string>

#include "common/crypto/ed25519.h"

namespace poc {

// "poc/v1 key-possession\n" || state || "\n" || key_id
std::string KeyPossessionStatement(const std::string& state, const std::string& key_id);

// The proof the State's node makes with its private key (64-byte Ed25519 signature).
std::string ProveKeyPossession(const Ed25519PrivateKey& key, const std::string& state);

// True when `proof` is `key`'s signature over the statement for `state`.
bool KeyPossessionValid(const Ed25519PublicKey& key, const std::string& state,
                        const std::string& proof);

}  // namespace poc

#endif  // POC_COMMON_DIRECTORY_KEY_POSSESSION_H_
