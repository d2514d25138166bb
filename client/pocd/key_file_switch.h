// Makes a rotated signing key the node's key across restarts: the configured key file then
// holds the new key, and the previous key is kept beside it for the operator.
#ifndef POC_CLIENT_POCD_KEY_FILE_SWITCH_H_
#define POC_CLIENT_POCD_KEY_FILE_SWITCH_H_

#include <string>

#include "absl/status/statusor.h"
#include "common/crypto/ed25519.h"

namespace poc {

// The file the previous key is kept in: "<path>.retired-<key id>".
std::string RetiredKeyPath(const std::string& path, const std::string& key_id);

// Keeps `previous` in RetiredKeyPath(path, its id) (mode 0600; an existing one, from an
// interrupted earlier switch, is kept if it holds that key), then atomically replaces `path`
// with `next` (mode 0600, fsynced, renamed over it). A crash leaves `path` holding either key,
// never a partial file. Returns the retired key's path; errors name the file and the fix.
absl::StatusOr<std::string> SwitchSigningKeyFile(const std::string& path,
                                                 const Ed25519PrivateKey& previous,
                                                 const Ed25519PrivateKey& next);

}  // namespace poc

#endif  // POC_CLIENT_POCD_KEY_FILE_SWITCH_H_
