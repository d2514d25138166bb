// The directory file (TOML) decides whose signatures the relay accepts. The Secretariat writes
// it, but a mistake in it must be refused whole with a clear error, never crash the relay on
// SIGHUP. The input is the file's text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "common/crypto/ed25519.h"
#include "common/directory/directory_view.h"
#include "server/directory_file.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = "/etc/poc/directory.toml";
  auto directory = poc::ParseDirectoryFile(poc::fuzz::AsText(data, size), path);
  if (!directory.ok()) {
    POC_FUZZ_CHECK(directory.status().code() == absl::StatusCode::kInvalidArgument);
    // Errors name the file first.
    POC_FUZZ_CHECK(directory.status().message().substr(0, path.size()) == path);
    return 0;
  }
  POC_FUZZ_CHECK(directory->version() >= 1);
  POC_FUZZ_CHECK(directory->states_size() >= 1);
  for (const poc::v1::StateEntry& state : directory->states()) {
    POC_FUZZ_CHECK(state.keys_size() >= 1);
    for (const poc::v1::SigningKey& key : state.keys()) {
      POC_FUZZ_CHECK(key.public_key().size() == poc::kEd25519PublicKeySize);
      POC_FUZZ_CHECK(key.key_id() == poc::KeyIdOf(key.public_key()));
      POC_FUZZ_CHECK(key.status() != poc::v1::KEY_STATUS_UNSPECIFIED);
    }
  }
  // What the relay does with it next.
  POC_FUZZ_CHECK(poc::DirectoryView::Build(*std::move(directory)).ok());
  return 0;
}
