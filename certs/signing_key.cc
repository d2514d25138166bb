#include "certs/signing_key.h"

#include "certs/ca.h"
#include "certs/identity_names.h"
#include "certs/new_file_set.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/key_files.h"
#include "common/directory/key_possession.h"
#include "common/encoding/base64.h"
#include "common/iso3166/iso3166.h"
#include "common/status_macros.h"

namespace poc::pki {
namespace {

absl::Status CheckState(const std::string& state) {
  if (state.empty() || IsIso3166Alpha3(state)) {
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError("--state: '" + state +
                                    "' is not an ISO 3166-1 alpha-3 code (e.g. KEN)");
}

SigningKeyFiles Describe(const Ed25519PrivateKey& key, const std::string& state) {
  SigningKeyFiles files;
  files.key_id = KeyIdOf(key.public_key().raw());
  files.public_key_base64 = Base64Encode(key.public_key().raw());
  if (!state.empty()) {
    files.proof_base64 = Base64Encode(ProveKeyPossession(key, state));
  }
  return files;
}

}  // namespace

absl::StatusOr<SigningKeyFiles> MakeSigningKey(const std::string& out_dir, const std::string& name,
                                               const std::string& state) {
  RETURN_IF_ERROR(ValidateFileStem(name, "--name"));
  RETURN_IF_ERROR(CheckState(state));
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  SigningKeyFiles files = Describe(key, state);
  files.private_key_path = JoinPath(out_dir, name + ".key");
  files.public_key_path = JoinPath(out_dir, name + ".pub");

  NewFileSet set("move the old key away (it may already be registered) or choose another --name");
  set.Add(files.private_key_path,
          [&key](const std::string& path) { return WritePrivateKeyFile(path, key); });
  set.Add(files.public_key_path,
          [&key](const std::string& path) { return WritePublicKeyFile(path, key.public_key()); });
  RETURN_IF_ERROR(set.CheckNoneExists());  // before creating the folder
  RETURN_IF_ERROR(EnsureDirectory(out_dir));
  RETURN_IF_ERROR(set.WriteAll());
  return files;
}

absl::StatusOr<SigningKeyFiles> ProveSigningKey(const std::string& private_key_path,
                                                const std::string& state) {
  if (state.empty()) {
    return absl::InvalidArgumentError("--state: missing; name the key's State");
  }
  RETURN_IF_ERROR(CheckState(state));
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, LoadPrivateKeyFile(private_key_path));
  SigningKeyFiles files = Describe(key, state);
  files.private_key_path = private_key_path;
  return files;
}

}  // namespace poc::pki
