#include "client/pocd/acknowledgement.h"

#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {

v1::Message MakeAcknowledgement(const v1::Message& original, const std::string& note) {
  v1::Message ack;
  ack.add_recipients(original.sender());
  ack.set_kind(v1::MESSAGE_TYPE_ACKNOWLEDGEMENT);
  ack.set_in_reply_to(original.id());
  ack.set_drill(original.drill());
  v1::Template* t = ack.mutable_template_();
  t->set_urgency(original.template_().urgency());
  t->set_level(original.template_().level());
  t->set_tlp(original.template_().tlp());
  if (!note.empty()) {
    t->set_summary(note);
    t->set_language(original.template_().language().empty() ? "en"
                                                            : original.template_().language());
  }
  return ack;
}

v1::Message MakeAutomaticAcknowledgement(const v1::Message& ping, const std::string& state,
                                         absl::Time now) {
  v1::Message ack =
      MakeAcknowledgement(ping, "Acknowledged automatically by the node (exercise_auto_ack).");
  ack.set_id(NewUuidV7(now));
  ack.set_sender(state);
  *ack.mutable_created_at() = ToProto(now);
  ack.set_automatic(true);
  return ack;
}

}  // namespace poc
