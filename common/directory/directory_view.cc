#include "common/directory/directory_view.h"

#include "common/iso3166/iso3166.h"

namespace poc {

absl::StatusOr<DirectoryView> DirectoryView::Build(v1::Directory directory) {
  DirectoryView view(std::move(directory));
  for (int i = 0; i < view.proto_.states_size(); ++i) {
    const v1::StateEntry& state = view.proto_.states(i);
    if (!IsIso3166Alpha3(state.code())) {
      return absl::InvalidArgumentError("states[" + std::to_string(i) + "].code: '" +
                                        state.code() + "' is not an ISO 3166-1 alpha-3 code");
    }
    if (!view.states_.emplace(state.code(), i).second) {
      return absl::InvalidArgumentError("states[" + std::to_string(i) + "].code: " +
                                        state.code() + " appears twice");
    }
    for (const v1::SigningKey& key : state.keys()) {
      auto pub = Ed25519PublicKey::FromRaw(key.public_key());
      if (!pub.ok()) {
        return absl::InvalidArgumentError(state.code() + " key " + key.key_id() + ": " +
                                          std::string(pub.status().message()));
      }
      if (pub->key_id() != key.key_id()) {
        return absl::InvalidArgumentError(state.code() + " key " + key.key_id() +
                                          ": id does not match the key (it is " + pub->key_id() +
                                          ")");
      }
      auto [it, inserted] = view.keys_.emplace(
          key.key_id(), KeyEntry{state.code(), key.status(), *std::move(pub)});
      if (!inserted) {
        return absl::InvalidArgumentError("key " + key.key_id() + " of " + state.code() +
                                          " is already registered to " + it->second.state);
      }
    }
  }
  return view;
}

const v1::StateEntry* DirectoryView::FindState(const std::string& code) const {
  auto it = states_.find(code);
  return it == states_.end() ? nullptr : &proto_.states(it->second);
}

const KeyEntry* DirectoryView::FindKey(const std::string& key_id) const {
  auto it = keys_.find(key_id);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> DirectoryView::StateCodes() const {
  std::vector<std::string> codes;
  codes.reserve(states_.size());
  for (const auto& [code, index] : states_) codes.push_back(code);
  return codes;
}

}  // namespace poc
