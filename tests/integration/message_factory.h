// Valid messages and envelopes for tests, to be broken one field at a time.
#ifndef POC_TESTS_INTEGRATION_MESSAGE_FACTORY_H_
#define POC_TESTS_INTEGRATION_MESSAGE_FACTORY_H_

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto/ed25519.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "poc/v1/message.pb.h"

namespace poc::testing {

inline v1::Message MakeMessage(const std::string& sender, const std::vector<std::string>& to,
                               const std::string& subject = "Scanning from AS64500") {
  v1::Message m;
  m.set_id(NewUuidV7(absl::Now()));
  m.set_sender(sender);
  for (const auto& r : to) m.add_recipients(r);
  *m.mutable_created_at() = ToProto(absl::Now());
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(v1::URGENCY_PRIORITY);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  t->set_subject(subject);
  t->set_summary("Sustained scanning of government networks.");
  t->set_language("en");
  return m;
}

inline v1::Envelope Sign(const v1::Message& m, const Ed25519PrivateKey& key) {
  return SignEnvelope(m.SerializeAsString(), key);
}

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_MESSAGE_FACTORY_H_
