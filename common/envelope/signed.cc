#include "common/envelope/signed.h"

#include <string>

namespace poc {
namespace {

std::string Prefixed(std::string_view domain, std::string_view body) {
  std::string data;
  data.reserve(domain.size() + body.size());
  data.append(domain);
  data.append(body);
  return data;
}

}  // namespace

v1::Envelope SignEnvelope(std::string message_bytes, const Ed25519PrivateKey& key) {
  v1::Envelope env;
  env.set_signature(key.Sign(Prefixed(kEnvelopeDomain, message_bytes)));
  env.set_key_id(key.public_key().key_id());
  env.set_message(std::move(message_bytes));
  return env;
}

v1::Signed SignStatement(std::string_view domain, std::string body, const Ed25519PrivateKey& key) {
  v1::Signed s;
  s.set_signature(key.Sign(Prefixed(domain, body)));
  s.set_key_id(key.public_key().key_id());
  s.set_body(std::move(body));
  return s;
}

bool EnvelopeSignatureValid(const v1::Envelope& envelope, const Ed25519PublicKey& key) {
  return key.Verify(Prefixed(kEnvelopeDomain, envelope.message()), envelope.signature());
}

absl::Status VerifyStatement(std::string_view domain, const v1::Signed& statement,
                             const Ed25519PublicKey& key) {
  if (statement.key_id() != key.key_id()) {
    return absl::UnauthenticatedError("statement is signed by key " + statement.key_id() +
                                      ", expected key " + key.key_id());
  }
  if (!key.Verify(Prefixed(domain, statement.body()), statement.signature())) {
    return absl::UnauthenticatedError("signature of key " + key.key_id() + " does not verify");
  }
  return absl::OkStatus();
}

}  // namespace poc
