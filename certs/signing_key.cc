#include "certs/signing_key.h"

#include "certs/ca.h"
#include "certs/identity_names.h"
#include "certs/new_file_set.h"
#include "common/crypto/ed25519.h"
#include "common/crypto/key_files.h"
#include "common/encoding/base64.h"
#include "common/status_macros.h"

namespace poc::pki {

absl::StatusOr<SigningKeyFiles> MakeSigningKey(const std::string& out_dir,
                                               const std::string& name) {
  RETURN_IF_ERROR(ValidateFileStem(name, "--name"));
  ASSIGN_OR_RETURN(Ed25519PrivateKey key, Ed25519PrivateKey::Generate());
  SigningKeyFiles files;
  files.key_id = KeyIdOf(key.public_key().raw());
  files.public_key_base64 = Base64Encode(key.public_key().raw());
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

}  // namespace poc::pki
