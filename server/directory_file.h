// The directory file the Secretariat maintains (TOML; see deploy/directory.toml.sample):
//
//   version = 3
//   [[state]]
//   code = "KEN"
//   name = "Kenya"                 # optional; defaults to the ISO 3166 name
//   [[state.key]]
//   public_key = "base64 of the raw 32-byte Ed25519 key"  # as printed by poc-pki signing-key
//   status = "active"              # active | next | retired | revoked
#ifndef POC_SERVER_DIRECTORY_FILE_H_
#define POC_SERVER_DIRECTORY_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "poc/v1/directory.pb.h"

namespace poc {

// Reads and checks the whole file; nothing partial is returned. Errors name the file and the
// entry ("directory.toml: state[2].code: 'FRX' is not an ISO 3166-1 alpha-3 code").
absl::StatusOr<v1::Directory> LoadDirectoryFile(const std::string& path);

// As LoadDirectoryFile, for TOML text already read from `path` (named in errors).
absl::StatusOr<v1::Directory> ParseDirectoryFile(std::string_view toml_text,
                                                 const std::string& path);

}  // namespace poc

#endif  // POC_SERVER_DIRECTORY_FILE_H_
