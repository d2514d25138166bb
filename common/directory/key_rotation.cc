#include "common/directory/key_rotation.h"

#include <algorithm>

#include "common/directory/key_possession.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

v1::SigningKey* FindKeyIn(v1::StateEntry* state, const std::string& key_id) {
  for (v1::SigningKey& k : *state->mutable_keys()) {
    if (k.key_id() == key_id) {
      return &k;
    }
  }
  return nullptr;
}

bool ListsKey(const v1::Directory& directory, const std::string& key_id) {
  for (const v1::StateEntry& s : directory.states()) {
    for (const v1::SigningKey& k : s.keys()) {
      if (k.key_id() == key_id) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

v1::Signed MakeKeyAnnouncement(const std::string& state, const Ed25519PrivateKey& current,
                               const Ed25519PrivateKey& next, absl::Time announced_at) {
  v1::KeyAnnouncement a;
  a.set_state(state);
  a.set_key_id(next.public_key().key_id());
  a.set_public_key(next.public_key().raw());
  a.set_proof(ProveKeyPossession(next, state));
  a.set_previous_key_id(current.public_key().key_id());
  *a.mutable_announced_at() = ToProto(announced_at);
  return SignStatement(kKeyAnnouncementDomain, a.SerializeAsString(), current);
}

absl::StatusOr<v1::KeyAnnouncement> VerifyKeyAnnouncement(const v1::Signed& announcement,
                                                          const std::string& caller_state,
                                                          const DirectoryView& directory,
                                                          absl::Time now,
                                                          absl::Duration clock_skew) {
  v1::KeyAnnouncement a;
  if (!a.ParseFromString(announcement.body())) {
    return absl::InvalidArgumentError(
        "the key announcement does not parse as poc.v1.KeyAnnouncement");
  }
  if (a.state() != caller_state) {
    return absl::PermissionDeniedError("the key announcement is for " + a.state() +
                                       ", but the caller's certificate is " + caller_state +
                                       "'s; a node announces keys only for its own State");
  }
  const KeyEntry* signer = directory.FindKey(announcement.key_id());
  if (signer == nullptr || signer->state != caller_state) {
    return absl::UnauthenticatedError("the key announcement is signed by key '" +
                                      announcement.key_id() + "', which is not a key of " +
                                      caller_state + " in the directory; sign it with " +
                                      caller_state + "'s current active key");
  }
  if (signer->status != v1::KEY_STATUS_ACTIVE) {
    return absl::UnauthenticatedError(
        "the key announcement is signed by key " + announcement.key_id() + " of " + caller_state +
        ", which is " + KeyStatusName(signer->status) +
        "; only the State's current active key may announce the next");
  }
  if (absl::Status usable = signer->CheckUsableAt(now); !usable.ok()) {
    return usable;
  }
  if (absl::Status s = VerifyStatement(kKeyAnnouncementDomain, announcement, signer->key);
      !s.ok()) {
    return absl::UnauthenticatedError("the key announcement's " + std::string(s.message()));
  }
  if (a.previous_key_id() != announcement.key_id()) {
    return absl::InvalidArgumentError("the key announcement names previous key '" +
                                      a.previous_key_id() + "' but is signed by key " +
                                      announcement.key_id());
  }
  auto pub = Ed25519PublicKey::FromRaw(a.public_key());
  if (!pub.ok()) {
    return absl::InvalidArgumentError("the announced public key is not a raw Ed25519 key: " +
                                      std::string(pub.status().message()));
  }
  if (pub->key_id() != a.key_id()) {
    return absl::InvalidArgumentError("the announced key id '" + a.key_id() +
                                      "' does not match the key (its id is " + pub->key_id() + ")");
  }
  if (!KeyPossessionValid(*pub, a.state(), a.proof())) {
    return absl::InvalidArgumentError(
        a.proof().empty()
            ? "the key announcement has no proof of possession of key " + a.key_id()
            : "the key announcement's proof does not prove possession of key " + a.key_id() +
                  " for " + a.state() + "; it was made with another key or for another State");
  }
  if (!IsSet(a.announced_at())) {
    return absl::InvalidArgumentError("the key announcement has no announced_at");
  }
  const absl::Time at = FromProto(a.announced_at());
  if (at > now + clock_skew || at < now - clock_skew) {
    return absl::InvalidArgumentError("the key announcement's announced_at " + FormatUtc(at) +
                                      " is more than " + absl::FormatDuration(clock_skew) +
                                      " from the relay's time " + FormatUtc(now) +
                                      "; check the node's clock (NTP) and announce again");
  }
  if (const KeyEntry* existing = directory.FindKey(a.key_id())) {
    return absl::AlreadyExistsError("key " + a.key_id() + " is already in the directory (a " +
                                    KeyStatusName(existing->status) + " key of " + existing->state +
                                    "); make a new key with `poc-pki signing-key` and announce it");
  }
  return a;
}

v1::Directory ApplyKeyAnnouncements(v1::Directory file,
                                    const std::vector<v1::KeyAnnouncement>& announcements,
                                    absl::Duration overlap) {
  for (const v1::KeyAnnouncement& a : announcements) {
    auto state = std::find_if(file.mutable_states()->begin(), file.mutable_states()->end(),
                              [&a](const v1::StateEntry& s) { return s.code() == a.state(); });
    if (state == file.mutable_states()->end()) {
      continue;
    }
    const absl::Time at = FromProto(a.announced_at());
    if (!ListsKey(file, a.key_id())) {
      v1::SigningKey* key = state->add_keys();
      key->set_key_id(a.key_id());
      key->set_public_key(a.public_key());
      key->set_status(v1::KEY_STATUS_ACTIVE);
      *key->mutable_valid_from() = a.announced_at();
      key->set_proof(a.proof());
    }
    v1::SigningKey* previous = FindKeyIn(&*state, a.previous_key_id());
    if (previous == nullptr || previous->status() == v1::KEY_STATUS_REVOKED) {
      continue;
    }
    previous->set_status(v1::KEY_STATUS_RETIRED);
    const absl::Time until = at + overlap;
    if (!previous->has_valid_until() || FromProto(previous->valid_until()) > until) {
      *previous->mutable_valid_until() = ToProto(until);
    }
  }
  return file;
}

}  // namespace poc
