#include "bench/bench_message.h"

#include "absl/time/clock.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc::bench {

v1::Message MakeBenchMessage(const std::string& sender, const std::vector<std::string>& recipients,
                             size_t payload_bytes) {
  v1::Message m;
  const absl::Time now = absl::Now();
  m.set_id(NewUuidV7(now));
  m.set_sender(sender);
  for (const std::string& r : recipients) m.add_recipients(r);
  *m.mutable_created_at() = ToProto(now);
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(v1::URGENCY_PRIORITY);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  t->set_subject("Scanning from AS64500");
  t->set_summary("Sustained scanning of government networks.");
  t->set_language("en");
  // Grow the description until the message has the size asked for (the length prefix grows
  // with it, hence the loop; it runs at most a few times).
  const size_t base = m.ByteSizeLong();
  if (payload_bytes > base + 3) {
    size_t fill = payload_bytes - base - 3;
    for (int i = 0; i < 4; ++i) {
      t->set_description(std::string(fill, 'x'));
      const size_t size = m.ByteSizeLong();
      if (size == payload_bytes) break;
      fill = size > payload_bytes ? fill - (size - payload_bytes) : fill + (payload_bytes - size);
    }
  }
  return m;
}

}  // namespace poc::bench
