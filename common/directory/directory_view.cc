#include "common/directory/directory_view.h"

#include <set>

#include "common/directory/key_possession.h"
#include "common/iso3166/iso3166.h"
#include "common/status_macros.h"
#include "common/template/iso639.h"
#include "common/template/validation.h"
#include "common/util/time_format.h"

namespace poc {

const char* KeyStatusName(v1::KeyStatus status) {
  switch (status) {
    case v1::KEY_STATUS_ACTIVE:
      return "active";
    case v1::KEY_STATUS_NEXT:
      return "next";
    case v1::KEY_STATUS_RETIRED:
      return "retired";
    case v1::KEY_STATUS_REVOKED:
      return "revoked";
    default:
      return "unspecified";
  }
}
namespace {

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

std::string Index(const std::string& name, int i) { return name + "[" + std::to_string(i) + "]"; }

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return true;
}

absl::Status CheckContacts(const v1::StateEntry& state, const std::string& where) {
  std::set<uint32_t> orders;
  for (int c = 0; c < state.contacts_size(); ++c) {
    const v1::Contact& contact = state.contacts(c);
    const std::string field = where + "." + Index("contact", c);
    if (contact.level() == v1::CONTACT_LEVEL_UNSPECIFIED) {
      return Invalid(field + ".level", "missing; use technical or diplomatic");
    }
    if (contact.name().empty()) {
      return Invalid(field + ".name", "missing");
    }
    if (contact.order() == 0) {
      return Invalid(field + ".order", "must be 1 or more (1 is called first)");
    }
    if (!orders.insert(contact.order()).second) {
      return Invalid(field + ".order", std::to_string(contact.order()) +
                                           " is used by another contact of " + state.code());
    }
    if (!contact.email().empty() && contact.email().find('@') == std::string::npos) {
      return Invalid(field + ".email", "'" + contact.email() + "' is not an e-mail address");
    }
    for (int l = 0; l < contact.languages_size(); ++l) {
      if (!IsIso639Alpha2(contact.languages(l))) {
        return Invalid(field + "." + Index("languages", l),
                       "'" + contact.languages(l) + "' is not an ISO 639-1 code (e.g. en, fr)");
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status KeyEntry::CheckUsableAt(absl::Time created_at) const {
  if (status == v1::KEY_STATUS_REVOKED && created_at >= revoked_at) {
    return absl::UnauthenticatedError(
        "signing key " + key.key_id() + " of " + state + " is revoked" +
        (revoked_at == absl::InfinitePast() ? "" : " since " + FormatUtc(revoked_at)));
  }
  if (created_at < valid_from) {
    return absl::UnauthenticatedError("signing key " + key.key_id() + " of " + state +
                                      " is not valid before " + FormatUtc(valid_from) +
                                      "; the message was created at " + FormatUtc(created_at));
  }
  if (created_at >= valid_until) {
    return absl::UnauthenticatedError("signing key " + key.key_id() + " of " + state +
                                      " expired at " + FormatUtc(valid_until) +
                                      "; the message was created at " + FormatUtc(created_at));
  }
  return absl::OkStatus();
}

absl::StatusOr<DirectoryView> DirectoryView::Build(v1::Directory directory) {
  DirectoryView view(std::move(directory));
  std::set<std::string> fingerprints;
  for (int i = 0; i < view.proto_.states_size(); ++i) {
    const v1::StateEntry& state = view.proto_.states(i);
    const std::string where = Index("state", i);
    if (!IsIso3166Alpha3(state.code())) {
      return Invalid(where + ".code", "'" + state.code() + "' is not an ISO 3166-1 alpha-3 code");
    }
    if (!view.states_.emplace(state.code(), i).second) {
      return Invalid(where + ".code", state.code() + " appears twice");
    }
    for (int k = 0; k < state.keys_size(); ++k) {
      const v1::SigningKey& key = state.keys(k);
      const std::string kwhere = where + "." + Index("key", k);
      auto pub = Ed25519PublicKey::FromRaw(key.public_key());
      if (!pub.ok()) {
        return Invalid(kwhere + ".public_key", std::string(pub.status().message()));
      }
      if (pub->key_id() != key.key_id()) {
        return Invalid(kwhere + ".id", "'" + key.key_id() + "' does not match the key (its id is " +
                                           pub->key_id() + ")");
      }
      if (!KeyPossessionValid(*pub, state.code(), key.proof())) {
        return Invalid(kwhere + ".proof",
                       key.proof().empty()
                           ? "missing; add the proof line `poc-pki signing-key` printed on " +
                                 state.code() + "'s node"
                           : "does not prove possession of key " + key.key_id() + " for " +
                                 state.code() + "; it was made for another key or State");
      }
      KeyEntry entry{state.code(), key.status(), *std::move(pub)};
      if (key.has_valid_from()) {
        entry.valid_from = FromProto(key.valid_from());
      }
      if (key.has_valid_until()) {
        entry.valid_until = FromProto(key.valid_until());
      }
      if (entry.valid_until <= entry.valid_from) {
        return Invalid(kwhere + ".valid_until", "must be later than valid_from");
      }
      if (key.has_revoked_at()) {
        if (key.status() != v1::KEY_STATUS_REVOKED) {
          return Invalid(kwhere + ".revoked_at", "only a key with status revoked has one");
        }
        entry.revoked_at = FromProto(key.revoked_at());
      }
      auto [it, inserted] = view.keys_.emplace(key.key_id(), std::move(entry));
      if (!inserted) {
        return Invalid(kwhere + ".public_key",
                       "key " + key.key_id() + " is already registered to " + it->second.state);
      }
    }
    RETURN_IF_ERROR(CheckContacts(state, where));
    for (int f = 0; f < state.certificate_fingerprints_size(); ++f) {
      const std::string& fp = state.certificate_fingerprints(f);
      const std::string field = where + "." + Index("certificates", f);
      if (fp.size() != 64 || !IsLowerHex(fp)) {
        return Invalid(field, "'" + fp + "' is not a SHA-256 fingerprint (64 lowercase hex)");
      }
      if (!fingerprints.insert(fp).second) {
        return Invalid(field, "listed twice");
      }
    }
  }
  for (int g = 0; g < view.proto_.groups_size(); ++g) {
    const v1::Group& group = view.proto_.groups(g);
    const std::string where = Index("group", g);
    if (!IsRecipientAddress("group:" + group.name())) {
      return Invalid(where + ".name",
                     "'" + group.name() + "' is not a group name (1-32 of A-Z a-z 0-9 _ -)");
    }
    if (!view.groups_.emplace(group.name(), g).second) {
      return Invalid(where + ".name", "group '" + group.name() + "' is defined twice");
    }
    std::set<std::string> members;
    for (int m = 0; m < group.members_size(); ++m) {
      const std::string& code = group.members(m);
      const std::string field = where + "." + Index("members", m);
      if (view.states_.count(code) == 0) {
        return Invalid(field, "'" + code + "' is not a State in the directory");
      }
      if (!members.insert(code).second) {
        return Invalid(field, code + " is listed twice");
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

const v1::Group* DirectoryView::FindGroup(const std::string& name) const {
  auto it = groups_.find(name);
  return it == groups_.end() ? nullptr : &proto_.groups(it->second);
}

std::vector<std::string> DirectoryView::StateCodes() const {
  std::vector<std::string> codes;
  codes.reserve(states_.size());
  for (const auto& [code, index] : states_) {
    codes.push_back(code);
  }
  return codes;
}

}  // namespace poc
