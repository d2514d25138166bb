#include "common/template/validation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"

namespace poc {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const absl::Time kCreated = absl::FromUnixSeconds(1795000000);

// A message that passes every rule; each test breaks one thing.
v1::Message ValidMessage() {
  v1::Message m;
  m.set_id(NewUuidV7(kCreated));
  m.set_sender("FRA");
  m.add_recipients("KEN");
  m.add_recipients("group:WEOG");
  *m.mutable_created_at() = ToProto(kCreated);
  m.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = m.mutable_template_();
  t->set_urgency(v1::URGENCY_URGENT);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  t->set_subject("Ransomware campaign against hospitals");
  t->set_summary("Encrypting file servers since 02:00 UTC.");
  t->set_language("en");
  return m;
}

std::string ErrorOf(const v1::Message& m, const ValidationLimits& limits = ValidationLimits()) {
  const absl::Status s = ValidateMessage(m, limits);
  if (s.ok()) return "OK";
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return std::string(s.message());
}

TEST(ValidationTest, AcceptsAWellFormedMessage) { EXPECT_EQ(ErrorOf(ValidMessage()), "OK"); }

TEST(ValidationTest, RejectsAnIdThatIsNotAUuidV7) {
  v1::Message m = ValidMessage();
  m.set_id("0190c3a2-0000-4000-8000-000000000000");  // version 4
  EXPECT_THAT(ErrorOf(m), StartsWith("id: "));
  m.set_id(absl::AsciiStrToUpper(NewUuidV7(kCreated)));
  EXPECT_THAT(ErrorOf(m), StartsWith("id: "));
  m.set_id("");
  EXPECT_THAT(ErrorOf(m), StartsWith("id: "));
}

TEST(ValidationTest, RejectsASenderThatIsNotAnIso3Code) {
  v1::Message m = ValidMessage();
  m.set_sender("FRX");
  EXPECT_EQ(ErrorOf(m), "sender: 'FRX' is not an ISO 3166-1 alpha-3 State code");
  m.set_sender("fra");
  EXPECT_THAT(ErrorOf(m), StartsWith("sender: "));
}

TEST(ValidationTest, OnlyAnExercisePingComesFromTheSecretariat) {
  v1::Message m = ValidMessage();
  m.set_sender(std::string(kSecretariatAddress));
  EXPECT_THAT(ErrorOf(m), StartsWith("sender: "));
  m.set_kind(v1::MESSAGE_TYPE_EXERCISE_PING);
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, OnlyAnAcknowledgementAloneGoesToTheSecretariat) {
  v1::Message m = ValidMessage();
  m.set_kind(v1::MESSAGE_TYPE_ACKNOWLEDGEMENT);
  m.set_in_reply_to(NewUuidV7(kCreated));
  m.clear_recipients();
  m.add_recipients(std::string(kSecretariatAddress));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.add_recipients("KEN");
  EXPECT_THAT(ErrorOf(m), StartsWith("recipients[0]: "));
  m.clear_recipients();
  m.add_recipients(std::string(kSecretariatAddress));
  m.set_kind(v1::MESSAGE_TYPE_RESPONSE);
  EXPECT_THAT(ErrorOf(m), StartsWith("recipients[0]: "));
}

TEST(ValidationTest, AcceptsStatesGroupsAndAll) {
  v1::Message m = ValidMessage();
  m.clear_recipients();
  m.add_recipients("BRA");
  m.add_recipients("group:ASEAN");
  m.add_recipients("group:custom_list-2");
  m.add_recipients("all");
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, NamesTheIndexOfABadRecipient) {
  v1::Message m = ValidMessage();
  m.add_recipients("FRX");
  EXPECT_EQ(ErrorOf(m), "recipients[2]: 'FRX' is not a State code, group:<name> or all");
}

TEST(ValidationTest, RejectsMalformedGroupNames) {
  for (const std::string& bad :
       std::vector<std::string>{"group:", "group:WE OG", "group:WEOG!",
                                "group:" + std::string(33, 'A'), "GROUP:WEOG", "All", "ken"}) {
    v1::Message m = ValidMessage();
    m.add_recipients(bad);
    EXPECT_THAT(ErrorOf(m), StartsWith("recipients[2]: ")) << bad;
  }
  v1::Message m = ValidMessage();
  m.add_recipients("group:" + std::string(32, 'A'));
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, RejectsNoRecipients) {
  v1::Message m = ValidMessage();
  m.clear_recipients();
  EXPECT_THAT(ErrorOf(m), StartsWith("recipients: must name at least one recipient"));
}

TEST(ValidationTest, RejectsMoreRecipientsThanTheLimit) {
  v1::Message m = ValidMessage();
  ValidationLimits limits;
  limits.max_recipients = 2;
  EXPECT_EQ(ErrorOf(m, limits), "OK");
  m.add_recipients("BRA");
  EXPECT_EQ(ErrorOf(m, limits),
            "recipients: 3 recipients exceed the limit of 2; address a group instead");
}

TEST(ValidationTest, RejectsADuplicateRecipient) {
  v1::Message m = ValidMessage();
  m.add_recipients("KEN");
  EXPECT_THAT(ErrorOf(m), StartsWith("recipients[2]: 'KEN' is listed twice"));
}

TEST(ValidationTest, RejectsTheSenderAsARecipient) {
  v1::Message m = ValidMessage();
  m.add_recipients("FRA");
  EXPECT_THAT(ErrorOf(m), StartsWith("recipients[2]: 'FRA' is the sender itself"));
}

TEST(ValidationTest, RecipientsAloneSkipTheSenderCheckWhenNoSenderIsGiven) {
  v1::Message m = ValidMessage();
  m.add_recipients("FRA");
  EXPECT_TRUE(ValidateRecipients(m.recipients(), "", ValidationLimits()).ok());
  EXPECT_FALSE(ValidateRecipients(m.recipients(), "FRA", ValidationLimits()).ok());
}

TEST(ValidationTest, RequiresCreatedAt) {
  v1::Message m = ValidMessage();
  m.clear_created_at();
  EXPECT_THAT(ErrorOf(m), StartsWith("created_at: must be set"));
}

TEST(ValidationTest, RejectsAnUnspecifiedKind) {
  v1::Message m = ValidMessage();
  m.set_kind(v1::MESSAGE_TYPE_UNSPECIFIED);
  EXPECT_THAT(ErrorOf(m), StartsWith("kind: "));
}

TEST(ValidationTest, RejectsAKindNumberThisBuildDoesNotKnow) {
  v1::Message m = ValidMessage();
  m.set_kind(static_cast<v1::MessageType>(99));
  // Proto3 keeps unknown enum numbers through a parse; the validator must not.
  v1::Message parsed;
  ASSERT_TRUE(parsed.ParseFromString(m.SerializeAsString()));
  ASSERT_EQ(static_cast<int>(parsed.kind()), 99);
  EXPECT_EQ(ErrorOf(parsed), "kind: must be a known message type (got 99)");
}

TEST(ValidationTest, ResponsesAndAcknowledgementsNeedInReplyTo) {
  for (auto kind : {v1::MESSAGE_TYPE_RESPONSE, v1::MESSAGE_TYPE_ACKNOWLEDGEMENT}) {
    v1::Message m = ValidMessage();
    m.set_kind(kind);
    EXPECT_THAT(ErrorOf(m), StartsWith("in_reply_to: must name the message")) << kind;
    m.set_in_reply_to(NewUuidV7(kCreated - absl::Hours(1)));
    EXPECT_EQ(ErrorOf(m), "OK") << kind;
  }
}

TEST(ValidationTest, OtherKindsMayReferToAnEarlierMessage) {
  v1::Message m = ValidMessage();
  m.set_kind(v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  m.set_in_reply_to(NewUuidV7(kCreated - absl::Hours(1)));
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, RejectsAnInReplyToThatIsNotAUuidV7) {
  v1::Message m = ValidMessage();
  m.set_kind(v1::MESSAGE_TYPE_RESPONSE);
  m.set_in_reply_to("1234");
  EXPECT_EQ(ErrorOf(m), "in_reply_to: '1234' is not a UUIDv7");
}

TEST(ValidationTest, RejectsUnspecifiedOrUnknownUrgencyLevelAndTlp) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_urgency(v1::URGENCY_UNSPECIFIED);
  EXPECT_THAT(ErrorOf(m), StartsWith("template.urgency: "));
  m.mutable_template_()->set_urgency(static_cast<v1::Urgency>(7));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.urgency: "));

  m = ValidMessage();
  m.mutable_template_()->set_level(v1::LEVEL_UNSPECIFIED);
  EXPECT_THAT(ErrorOf(m), StartsWith("template.level: "));
  m.mutable_template_()->set_level(static_cast<v1::Level>(3));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.level: "));

  m = ValidMessage();
  m.mutable_template_()->set_tlp(v1::TLP_UNSPECIFIED);
  EXPECT_THAT(ErrorOf(m), StartsWith("template.tlp: "));
  m.mutable_template_()->set_tlp(static_cast<v1::Tlp>(6));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.tlp: "));
}

TEST(ValidationTest, RejectsAnEmptySubject) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->clear_subject();
  EXPECT_EQ(ErrorOf(m), "template.subject: must not be empty; give a one-line title");
}

TEST(ValidationTest, AnAcknowledgementMayHaveAnEmptySubjectAndNoText) {
  v1::Message m = ValidMessage();
  m.set_kind(v1::MESSAGE_TYPE_ACKNOWLEDGEMENT);
  m.set_in_reply_to(NewUuidV7(kCreated - absl::Hours(1)));
  m.mutable_template_()->clear_subject();
  m.mutable_template_()->clear_summary();
  m.mutable_template_()->clear_language();
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, LimitsTheSubjectTo200Bytes) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_subject(std::string(200, 'x'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_subject(std::string(201, 'x'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.subject: is 201 bytes; the limit is 200"));
}

TEST(ValidationTest, RejectsControlCharactersInTheSubject) {
  for (const std::string bad :
       {"two\nlines", "tab\there", "bell\a", "esc\x1b[31m", "del\x7f", "c1 \xc2\x9b"}) {
    v1::Message m = ValidMessage();
    m.mutable_template_()->set_subject(bad);
    EXPECT_THAT(ErrorOf(m), StartsWith("template.subject: contains a control character")) << bad;
  }
}

TEST(ValidationTest, AcceptsNonAsciiSubjects) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_subject("Кампания вымогателей — 勒索软件 — حملة");
  m.mutable_template_()->set_language("ru");
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, RejectsInvalidUtf8InTheSubject) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_subject("bad \xff byte");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.subject: is not valid UTF-8"));
}

TEST(ValidationTest, LimitsTheSummaryTo2000Bytes) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_summary(std::string(2000, 's'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_summary(std::string(2001, 's'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.summary: is 2001 bytes; the limit is 2000"));
}

TEST(ValidationTest, MultiLineSummaryAndDescriptionAreFine) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_summary("line one\nline two");
  m.mutable_template_()->set_description("step 1\n\tdetail\nstep 2");
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, LimitsTheDescriptionToTheConfiguredSize) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_description(std::string(size_t{64} * 1024, 'd'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_description(std::string(64 * 1024 + 1, 'd'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.description: is 65537 bytes"));

  ValidationLimits limits;
  limits.max_description_bytes = 10;
  m.mutable_template_()->set_description(std::string(11, 'd'));
  EXPECT_THAT(ErrorOf(m, limits), StartsWith("template.description: is 11 bytes; the limit is 10"));
}

TEST(ValidationTest, RequiresAnIso639LanguageForText) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->clear_language();
  EXPECT_THAT(ErrorOf(m), StartsWith("template.language: must name the language"));
  for (const char* bad : {"EN", "eng", "xx", "e", "en-GB"}) {
    m.mutable_template_()->set_language(bad);
    EXPECT_THAT(ErrorOf(m), StartsWith("template.language: ")) << bad;
  }
  for (const char* good : {"ar", "zh", "en", "fr", "ru", "es", "de"}) {
    m.mutable_template_()->set_language(good);
    EXPECT_EQ(ErrorOf(m), "OK") << good;
  }
}

TEST(ValidationTest, LimitsTheIncidentCategory) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_incident_category("malicious-code");
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_incident_category(std::string(65, 'c'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.incident_category: "));
  m.mutable_template_()->set_incident_category("a\nb");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.incident_category: contains a control"));
}

TEST(ValidationTest, AcceptsUpTo32SectorsOfUpTo64Bytes) {
  v1::Message m = ValidMessage();
  for (int i = 0; i < 32; ++i) m.mutable_template_()->add_affected_sectors(std::string(64, 'h'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->add_affected_sectors("energy");
  EXPECT_THAT(ErrorOf(m),
              StartsWith("template.affected_sectors: lists 33 sectors; the limit is 32"));
}

TEST(ValidationTest, NamesTheIndexOfABadSector) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->add_affected_sectors("health");
  m.mutable_template_()->add_affected_sectors("");
  EXPECT_EQ(ErrorOf(m), "template.affected_sectors[1]: must not be empty");
  m.mutable_template_()->set_affected_sectors(1, std::string(65, 'e'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.affected_sectors[1]: is 65 bytes"));
}

TEST(ValidationTest, LimitsIndicatorsTo64KiB) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_indicators(std::string(size_t{64} * 1024, 'i'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_indicators(std::string(64 * 1024 + 1, 'i'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.indicators: is 65537 bytes"));
}

TEST(ValidationTest, AcceptsAStixBundle) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_stix_bundle(R"({
    "type": "bundle",
    "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
    "objects": [{"type": "indicator", "spec_version": "2.1",
                 "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
                 "pattern": "[ipv4-addr:value = '198.51.100.7']", "pattern_type": "stix"}]
  })");
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, RejectsStixThatIsNotJson) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_stix_bundle("{\"type\": \"bundle\",");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: is not JSON"));
}

TEST(ValidationTest, RejectsStixThatIsNotABundle) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_stix_bundle("[1, 2]");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: is not a JSON object"));
  m.mutable_template_()->set_stix_bundle(
      R"({"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"})");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: has no \"type\": \"bundle\""));
  m.mutable_template_()->set_stix_bundle(R"({"id": "bundle--1"})");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: has no \"type\""));
}

TEST(ValidationTest, RejectsAStixBundleWithoutABundleId) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_stix_bundle(R"({"type": "bundle"})");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: needs an \"id\""));
  m.mutable_template_()->set_stix_bundle(R"({"type": "bundle", "id": "indicator--1"})");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: needs an \"id\""));
  m.mutable_template_()->set_stix_bundle(R"({"type": "bundle", "id": 7})");
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: needs an \"id\""));
}

// A valid bundle of exactly `size` bytes (padded inside one string).
std::string StixBundleOfSize(size_t size) {
  const std::string head = R"({"type": "bundle", "id": "bundle--1", "x_note": ")";
  const std::string tail = "\"}";
  return head + std::string(size - head.size() - tail.size(), 'a') + tail;
}

TEST(ValidationTest, LimitsTheStixBundleTo192KiB) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_stix_bundle(StixBundleOfSize(size_t{192} * 1024));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_stix_bundle(StixBundleOfSize(192 * 1024 + 1));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.stix_bundle: is 196609 bytes; the limit is 196608"));
}

TEST(ValidationTest, RefusesAStixBundleNestedDeeperThan64WithoutParsingIt) {
  v1::Message m = ValidMessage();
  const std::string ok_nesting = R"({"type": "bundle", "id": "bundle--1", "x": )" +
                                 std::string(63, '[') + std::string(63, ']') + "}";
  m.mutable_template_()->set_stix_bundle(ok_nesting);
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_stix_bundle(std::string(90000, '[') + std::string(90000, ']'));
  EXPECT_THAT(ErrorOf(m),
              StartsWith("template.stix_bundle: nests arrays and objects 90000 deep; the limit is "
                         "64"));
  // Brackets inside strings (escaped quotes included) are text, not nesting.
  const std::string in_string =
      R"({"type": "bundle", "id": "bundle--1", "x": "\")" + std::string(1000, '[') + "\"}";
  m.mutable_template_()->set_stix_bundle(in_string);
  EXPECT_EQ(ErrorOf(m), "OK");
}

TEST(ValidationTest, LimitsTheRequestedActionTo2000Bytes) {
  v1::Message m = ValidMessage();
  m.mutable_template_()->set_requested_action(std::string(2000, 'a'));
  EXPECT_EQ(ErrorOf(m), "OK");
  m.mutable_template_()->set_requested_action(std::string(2001, 'a'));
  EXPECT_THAT(ErrorOf(m), StartsWith("template.requested_action: is 2001 bytes"));
}

TEST(ValidationTest, RespondByMustBeAfterCreation) {
  v1::Message m = ValidMessage();
  *m.mutable_template_()->mutable_respond_by() = ToProto(kCreated + absl::Hours(4));
  EXPECT_EQ(ErrorOf(m), "OK");
  *m.mutable_template_()->mutable_respond_by() = ToProto(kCreated);
  EXPECT_THAT(ErrorOf(m), StartsWith("template.respond_by: "));
  *m.mutable_template_()->mutable_respond_by() = ToProto(kCreated - absl::Seconds(1));
  EXPECT_THAT(ErrorOf(m), HasSubstr("is not after the message's creation"));
}

TEST(ValidationTest, ValidateTemplateChecksAloneWhatPocctlCanKnow) {
  const v1::Message m = ValidMessage();
  EXPECT_TRUE(
      ValidateTemplate(m.template_(), v1::MESSAGE_TYPE_NOTIFICATION, kCreated, ValidationLimits())
          .ok());
  v1::Template t = m.template_();
  t.clear_subject();
  const absl::Status s =
      ValidateTemplate(t, v1::MESSAGE_TYPE_NOTIFICATION, kCreated, ValidationLimits());
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      ValidateTemplate(t, v1::MESSAGE_TYPE_ACKNOWLEDGEMENT, kCreated, ValidationLimits()).ok());
}

}  // namespace
}  // namespace poc
