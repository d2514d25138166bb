// A State's (or the relay's) Ed25519 message-signing key, generated on the node that will use
// it. Only the public half leaves the node: the Secretariat registers its key id and base64
// public key in the directory (DESIGN.md, "Identities").
#ifndef POC_CERTS_SIGNING_KEY_H_
#define POC_CERTS_SIGNING_KEY_H_

#include <string>

#include "absl/status/statusor.h"

namespace poc::pki {

inline constexpr char kDefaultSigningKeyName[] = "signing";

struct SigningKeyFiles {
  std::string key_id;             // poc::KeyIdOf(raw public key)
  std::string public_key_base64;  // base64 of the raw 32-byte public key
  std::string private_key_path;   // <out>/<name>.key, PEM PKCS#8, mode 0600
  std::string public_key_path;    // <out>/<name>.pub, PEM SubjectPublicKeyInfo
  std::string proof_base64;       // proof of possession for `state`; empty without a State
};

// Generates a key pair and writes <out_dir>/<name>.key and <out_dir>/<name>.pub, creating
// `out_dir` (0700) when missing. Refuses, writing nothing, when either file exists. With a
// `state` (ISO3), also makes the proof of possession the directory requires.
absl::StatusOr<SigningKeyFiles> MakeSigningKey(const std::string& out_dir, const std::string& name,
                                               const std::string& state = "");

// Reads an existing private key file and proves possession of it for `state`: the directory
// lines for a key made earlier, or for the next key of a rotation. Writes nothing;
// public_key_path stays empty.
absl::StatusOr<SigningKeyFiles> ProveSigningKey(const std::string& private_key_path,
                                                const std::string& state);

}  // namespace poc::pki

#endif  // POC_CERTS_SIGNING_KEY_H_
