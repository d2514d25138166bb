// What people read: tables, the detail view and the status page.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/pocctl/inbox.h"
#include "client/pocctl/labels.h"
#include "client/pocctl/sent.h"
#include "client/pocctl/show.h"
#include "client/pocctl/status.h"
#include "client/pocctl/terminal_text.h"
#include "common/util/time_format.h"

namespace poc::pocctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const absl::Time kReceived =
    absl::FromCivil(absl::CivilSecond(2026, 11, 19, 10, 13, 20), absl::UTCTimeZone());

v1::MessageSummary InboxMessage() {
  v1::MessageSummary m;
  m.set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  m.set_sender("KEN");
  m.set_kind(v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  m.set_urgency(v1::URGENCY_URGENT);
  m.set_subject("Scanning from AS64500");
  *m.mutable_received_at() = ToProto(kReceived);
  return m;
}

TEST(InboxOutputTest, EmptyInboxSaysSo) {
  EXPECT_EQ(FormatInbox(v1::ListResponse(), InboxOptions()), "Inbox is empty.\n");
  InboxOptions unacked;
  unacked.unacked = true;
  EXPECT_EQ(FormatInbox(v1::ListResponse(), unacked), "No unacknowledged messages.\n");
}

TEST(InboxOutputTest, ListsOneLinePerMessageWithShortIds) {
  v1::ListResponse list;
  *list.add_messages() = InboxMessage();
  v1::MessageSummary acked = InboxMessage();
  acked.set_id("0190c3ff-0000-7000-8000-000000000000");
  acked.set_sender("BRA");
  acked.set_drill(true);
  acked.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  acked.set_urgency(v1::URGENCY_ROUTINE);
  acked.set_subject("Exercise");
  *acked.mutable_acknowledged_at() = ToProto(kReceived + absl::Hours(1));
  *list.add_messages() = acked;
  EXPECT_EQ(
      FormatInbox(list, InboxOptions()),
      "ID         FROM  TYPE          URGENCY  SUBJECT                RECEIVED (UTC)    ACK\n"
      "…456789ab  KEN   rfi           urgent   Scanning from AS64500  2026-11-19 10:13  no\n"
      "…00000000  BRA   notification  routine  [DRILL] Exercise       2026-11-19 10:13  yes\n");
}

TEST(InboxOutputTest, WideShowsFullIdsAndSubjects) {
  v1::ListResponse list;
  v1::MessageSummary m = InboxMessage();
  m.set_subject(std::string(60, 's'));
  *list.add_messages() = m;
  EXPECT_THAT(FormatInbox(list, InboxOptions()), Not(HasSubstr(std::string(60, 's'))));
  InboxOptions wide;
  wide.wide = true;
  const std::string out = FormatInbox(list, wide);
  EXPECT_THAT(out, HasSubstr("0190c3a2-7b1e-7cc1-9a5b-0123456789ab"));
  EXPECT_THAT(out, HasSubstr(std::string(60, 's')));
}

TEST(SentOutputTest, EmptySentSaysSo) {
  EXPECT_EQ(FormatSent(v1::ListResponse(), SentOptions()), "Nothing sent yet.\n");
}

TEST(SentOutputTest, ShowsStateAndProgress) {
  v1::ListResponse list;
  v1::MessageSummary m;
  m.set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  m.add_recipients("KEN");
  m.add_recipients("BRA");
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  m.set_subject("Patch now");
  m.set_state(v1::OUTBOX_STATE_SUBMITTED);
  m.set_recipient_count(2);
  m.set_delivered_to(2);
  m.set_acknowledged_by(1);
  *list.add_messages() = m;
  v1::MessageSummary q = m;
  q.set_id("0190c3ff-0000-7000-8000-000000000000");
  q.set_state(v1::OUTBOX_STATE_QUEUED);
  q.set_recipient_count(0);
  q.set_delivered_to(0);
  q.set_acknowledged_by(0);
  q.set_drill(true);
  *list.add_messages() = q;
  EXPECT_EQ(FormatSent(list, SentOptions()),
            "ID         TO        TYPE          SUBJECT            STATE      DELIVERED  ACKED\n"
            "…456789ab  KEN, BRA  notification  Patch now          submitted  2/2        1/2\n"
            "…00000000  KEN, BRA  notification  [DRILL] Patch now  queued     -          -\n");
}

TEST(ShowOutputTest, ShowsTemplateFieldsKeyAuditAndProgress) {
  v1::ShowResponse show;
  v1::Message* m = show.mutable_message();
  m->set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  m->set_sender("FRA");
  m->add_recipients("KEN");
  m->set_kind(v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  *m->mutable_created_at() = ToProto(kReceived);
  v1::Template* t = m->mutable_template_();
  t->set_urgency(v1::URGENCY_URGENT);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER_STRICT);
  t->set_subject("Scanning");
  t->set_summary("First line\nSecond line");
  t->set_language("fr");
  show.set_key_id("3f2a1b0c9d8e7f60");
  show.set_audit_index(12);
  show.mutable_summary()->set_state(v1::OUTBOX_STATE_SUBMITTED);
  v1::RecipientProgress* p = show.add_progress();
  p->set_state("KEN");
  *p->mutable_delivered_at() = ToProto(kReceived + absl::Minutes(1));
  p->set_response_id("0190c3ff-0000-7000-8000-000000000000");
  show.add_replies("0190c3ff-0000-7000-8000-000000000000");

  const std::string out = FormatShow(show, LabelsFor("en"));
  EXPECT_THAT(out, HasSubstr("Type:             request for information\n"));
  EXPECT_THAT(out, HasSubstr("Urgency:          urgent (acknowledge within 4h)\n"));
  EXPECT_THAT(out, HasSubstr("Handling:         TLP:AMBER+STRICT\n"));
  EXPECT_THAT(out, HasSubstr("Language:         fr (French)\n"));
  EXPECT_THAT(out, HasSubstr("Summary:          First line\n                  Second line\n"));
  EXPECT_THAT(out, HasSubstr("Signed with key:  3f2a1b0c9d8e7f60\n"));
  EXPECT_THAT(out, HasSubstr("Audit index:      #12\n"));
  EXPECT_THAT(out, HasSubstr("State:            submitted\n"));
  EXPECT_THAT(out, HasSubstr("STATE  DELIVERED (UTC)   ACKNOWLEDGED (UTC)  RESPONSE\n"
                             "KEN    2026-11-19 10:14                      …00000000\n"));
  EXPECT_THAT(out, HasSubstr("Replies:\n  0190c3ff-0000-7000-8000-000000000000\n"));
}

TEST(ShowOutputTest, LabelsComeInTheOperatorsLanguageAndStayAligned) {
  v1::ShowResponse show;
  v1::Message* m = show.mutable_message();
  m->set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  m->set_sender("FRA");
  m->add_recipients("KEN");
  m->set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = m->mutable_template_();
  t->set_urgency(v1::URGENCY_ROUTINE);
  t->set_subject("Scanning");

  const std::string fr = FormatShow(show, LabelsFor("fr"));
  EXPECT_THAT(fr, HasSubstr("Objet:  "));
  EXPECT_THAT(fr, HasSubstr("Urgence:  "));
  // What the State wrote is not translated.
  EXPECT_THAT(fr, HasSubstr("Scanning"));
  // Chinese labels are two columns a character: values still start in one column.
  const std::string zh = FormatShow(show, LabelsFor("zh"));
  const size_t subject = zh.find("主题:");
  const size_t urgency = zh.find("紧急程度:");
  ASSERT_NE(subject, std::string::npos) << zh;
  ASSERT_NE(urgency, std::string::npos) << zh;
  const auto value_column = [&](size_t at) {
    const size_t line_end = zh.find('\n', at);
    const std::string line = zh.substr(at, line_end - at);
    const size_t value = line.find_first_not_of(' ', line.find(':') + 1);
    return DisplayWidth(line.substr(0, value));
  };
  EXPECT_EQ(value_column(subject), value_column(urgency)) << zh;
}

TEST(LabelsTest, EveryUnLanguageHasEveryLabelAndItsOwnWords) {
  const Labels& en = LabelsFor("en");
  for (std::string_view lang : kUnLanguages) {
    const Labels& l = LabelsFor(lang);
    const auto* field = reinterpret_cast<const std::string_view*>(&l);
    for (size_t i = 0; i < sizeof(Labels) / sizeof(std::string_view); ++i) {
      EXPECT_FALSE(field[i].empty()) << lang << " label #" << i;
    }
    if (lang != "en") {
      EXPECT_NE(l.subject, en.subject) << lang;
      EXPECT_NE(l.groups, en.groups) << lang;
    }
  }
  EXPECT_EQ(&LabelsFor("de"), &en);
}

TEST(ShowOutputTest, ReceivedMessageShowsWhetherItWasAcknowledged) {
  v1::ShowResponse show;
  show.mutable_message()->set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  show.mutable_message()->set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  show.mutable_message()->set_drill(true);
  show.mutable_summary()->set_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  *show.mutable_summary()->mutable_received_at() = ToProto(kReceived);
  const std::string out = FormatShow(show, LabelsFor("en"));
  EXPECT_THAT(out, HasSubstr("Received:      2026-11-19 10:13:20 UTC\n"));
  EXPECT_THAT(out, HasSubstr("Acknowledged:  not yet (pocctl ack 456789ab)\n"));
  EXPECT_THAT(out, HasSubstr("Drill:         yes"));
  EXPECT_THAT(out, Not(HasSubstr("STATE")));
}

TEST(ShowOutputTest, ForeignTextCannotSendTerminalEscapes) {
  v1::ShowResponse show;
  show.mutable_message()->mutable_template_()->set_description("ok\x1b]0;pwned\x07\nnext");
  const std::string out = FormatShow(show, LabelsFor("en"));
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x07'), std::string::npos);
}

TEST(StatusOutputTest, ShowsEveryField) {
  v1::StatusResponse s;
  s.set_state("running");
  s.set_relay("relay.example.org:7443");
  s.set_connected(true);
  *s.mutable_connected_since() = ToProto(kReceived);
  s.set_directory_version(7);
  s.set_outbox_queued(1);
  s.set_inbox_unacknowledged(2);
  s.set_inbox_total(15);
  s.set_signing_key_id("3f2a1b0c9d8e7f60");
  s.set_software("pocd 0.1.0");
  EXPECT_EQ(FormatStatus(s, LabelsFor("en")),
            "State:              running\n"
            "Relay:              relay.example.org:7443\n"
            "Connected:          yes, since 2026-11-19 10:13:20 UTC\n"
            "Last error:         none\n"
            "Directory version:  7\n"
            "Outbox:             1 queued\n"
            "Inbox:              2 unacknowledged of 15\n"
            "Signing key:        3f2a1b0c9d8e7f60\n"
            "Software:           pocd 0.1.0\n"
            "Audit log:          no checkpoint verified yet; 0 messages proven in the log; no "
            "alarms\n");
}

TEST(StatusOutputTest, ShowsTheWitnessCheckpointAndEveryAlarm) {
  v1::StatusResponse s;
  v1::WitnessStatus* w = s.mutable_witness();
  w->set_checkpoint_size(42);
  *w->mutable_verified_at() = ToProto(kReceived);
  w->set_inclusions_verified(3);
  v1::WitnessAlarm* a = w->add_alarms();
  a->set_kind("fork");
  a->set_detail("two logs");
  a->set_evidence("/var/lib/poc/evidence/x");
  *a->mutable_raised_at() = ToProto(kReceived);
  const std::string out = FormatStatus(s, LabelsFor("en"));
  EXPECT_NE(out.find("Audit log:          checkpoint of size 42 verified at 2026-11-19 10:13:20 "
                     "UTC; 3 messages proven in the log; 1 alarms\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("ALARM:              fork at 2026-11-19 10:13:20 UTC: two logs (evidence: "
                     "/var/lib/poc/evidence/x)\n"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace poc::pocctl
