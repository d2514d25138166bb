// From a command line to the request pocctl sends, without a server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "client/pocctl/send.h"
#include "client/pocctl/template_flags.h"
#include "common/util/time_format.h"
#include "tests/client/pocctl/pocctl_runner.h"

namespace poc::pocctl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::Time Utc(int y, int mo, int d, int h) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, 0, 0), absl::UTCTimeZone());
}

v1::SendResponse Submitted(const std::string& id) {
  v1::SendResponse r;
  r.set_message_id(id);
  r.set_state(v1::OUTBOX_STATE_SUBMITTED);
  r.set_audit_index(12);
  r.add_recipients("KEN");
  r.add_recipients("BRA");
  return r;
}

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pocctl_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    pocd_.send_response = Submitted("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string WriteFile(const std::string& name, const std::string& contents) {
    std::string path = dir_ + "/" + name;
    std::ofstream(path) << contents;
    return path;
  }

  std::string dir_;
  FakePocd pocd_;
};

TEST_F(CommandLineTest, SendMapsEveryFlagIntoTheRequest) {
  const std::string description = WriteFile("desc.txt", "Line one.\nLine two.\n");
  const std::string stix = WriteFile(
      "bundle.json", R"({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"})");
  const RunResult r = RunWith(pocd_, {"send",
                                      "--to",
                                      "ken,BRA",
                                      "--to",
                                      "group:WEOG",
                                      "--type",
                                      "rfi",
                                      "--subject",
                                      "Scanning from AS64500",
                                      "--summary",
                                      "Seen since 02:00",
                                      "--description-file",
                                      description,
                                      "--urgency",
                                      "urgent",
                                      "--level",
                                      "diplomatic",
                                      "--tlp",
                                      "amber+strict",
                                      "--lang-text",
                                      "fr",
                                      "--category",
                                      "information-gathering",
                                      "--sector",
                                      "energy",
                                      "--sector",
                                      "health",
                                      "--observed-at",
                                      "2026-11-19T02:00:00Z",
                                      "--indicators",
                                      "198.51.100.7",
                                      "--stix-file",
                                      stix,
                                      "--requested-action",
                                      "Block and report",
                                      "--respond-by",
                                      "4h",
                                      "--drill"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd_.sends.size(), 1u);
  const v1::SendRequest& req = pocd_.sends[0];
  EXPECT_THAT(req.recipients(), ElementsAre("KEN", "BRA", "group:WEOG"));
  EXPECT_EQ(req.kind(), v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION);
  EXPECT_TRUE(req.drill());
  const v1::Template& t = req.template_();
  EXPECT_EQ(t.subject(), "Scanning from AS64500");
  EXPECT_EQ(t.summary(), "Seen since 02:00");
  EXPECT_EQ(t.description(), "Line one.\nLine two.\n");
  EXPECT_EQ(t.urgency(), v1::URGENCY_URGENT);
  EXPECT_EQ(t.level(), v1::LEVEL_DIPLOMATIC);
  EXPECT_EQ(t.tlp(), v1::TLP_AMBER_STRICT);
  EXPECT_EQ(t.language(), "fr");
  EXPECT_EQ(t.incident_category(), "information-gathering");
  EXPECT_THAT(t.affected_sectors(), ElementsAre("energy", "health"));
  EXPECT_EQ(FromProto(t.observed_at()), Utc(2026, 11, 19, 2));
  EXPECT_EQ(t.indicators(), "198.51.100.7");
  EXPECT_THAT(t.stix_bundle(), HasSubstr("bundle--5d0092c5"));
  EXPECT_EQ(t.requested_action(), "Block and report");
  EXPECT_EQ(FromProto(t.respond_by()), kTestNow + absl::Hours(4));
  EXPECT_EQ(r.out, "Sent 0190c3a2-7b1e-7cc1-9a5b-0123456789ab to KEN, BRA (audit #12).\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CommandLineTest, SendDefaultsToRoutineTechnicalAmberEnglish) {
  const RunResult r =
      RunWith(pocd_, {"send", "--to", "KEN", "--type", "notification", "--subject", "Hello"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const v1::Template& t = pocd_.sends.at(0).template_();
  EXPECT_EQ(t.urgency(), v1::URGENCY_ROUTINE);
  EXPECT_EQ(t.level(), v1::LEVEL_TECHNICAL);
  EXPECT_EQ(t.tlp(), v1::TLP_AMBER);
  EXPECT_EQ(t.language(), "en");
  EXPECT_FALSE(t.has_respond_by());
  EXPECT_FALSE(pocd_.sends.at(0).drill());
}

TEST_F(CommandLineTest, BuildSendRequestNeedsNoServer) {
  SendOptions o;
  o.to = {"all"};
  o.type = "request-for-assistance";
  o.tmpl.subject = "Help with DDoS";
  o.tmpl.respond_by = "2026-11-20T00:00:00Z";
  auto req = BuildSendRequest(o, kTestNow);
  ASSERT_TRUE(req.ok()) << req.status();
  EXPECT_THAT(req->recipients(), ElementsAre("all"));
  EXPECT_EQ(req->kind(), v1::MESSAGE_TYPE_REQUEST_FOR_ASSISTANCE);
  EXPECT_EQ(FromProto(req->template_().respond_by()), Utc(2026, 11, 20, 0));
}

TEST_F(CommandLineTest, RespondByTakesDurationsFromNowAndRfc3339Times) {
  EXPECT_EQ(*ParseRespondBy("4h", kTestNow), kTestNow + absl::Hours(4));
  EXPECT_EQ(*ParseRespondBy("1h30m", kTestNow), kTestNow + absl::Minutes(90));
  EXPECT_EQ(*ParseRespondBy("2d", kTestNow), kTestNow + absl::Hours(48));
  EXPECT_EQ(*ParseRespondBy("2026-11-20T00:00:00Z", kTestNow), Utc(2026, 11, 20, 0));
  EXPECT_EQ(*ParseRespondBy("2026-11-20T01:00:00+01:00", kTestNow), Utc(2026, 11, 20, 0));
  auto bad = ParseRespondBy("tomorrow", kTestNow);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(std::string(bad.status().message()),
            "'tomorrow' is neither a duration from now (e.g. 4h, 2d, 1h30m) nor an RFC 3339 time "
            "(e.g. 2026-11-28T14:30:00Z)");
}

TEST_F(CommandLineTest, BadRespondByIsAUsageError) {
  const RunResult r = RunWith(
      pocd_, {"send", "--to", "KEN", "--type", "rfi", "--subject", "x", "--respond-by", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("'soon' is neither a duration"));
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, SecretariatCommandsWithoutTheSecretariatsFileSayWhatToGive) {
  ::unsetenv("POC_SECRETARIAT");
  for (const auto& [command, procedures] : std::vector<std::pair<std::string, std::string>>{
           {"exercise", "exercises"}, {"drill", "drills"}}) {
    const RunResult r = RunWith(pocd_, {command, "list"});
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_THAT(r.err, HasSubstr(procedures + " are the Secretariat's: give --secretariat FILE"))
        << command;
    EXPECT_EQ(pocd_.connects, 0) << command << " asked the node instead";
  }
}

TEST_F(CommandLineTest, RespondByInThePastIsRejectedLocally) {
  const RunResult r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "rfi", "--subject", "x",
                                      "--respond-by", "2020-01-01T00:00:00Z"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pocctl: --respond-by (template.respond_by): "));
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, EmptySubjectIsRejectedBeforeAnyRpc) {
  const RunResult r =
      RunWith(pocd_, {"send", "--to", "KEN", "--type", "notification", "--subject", ""});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pocctl: --subject (template.subject): must not be empty; give a one-line title\n");
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(pocd_.connects, 0);
  EXPECT_TRUE(pocd_.sends.empty());
}

TEST_F(CommandLineTest, BadRecipientIsRejectedBeforeAnyRpc) {
  const RunResult r =
      RunWith(pocd_, {"send", "--to", "KEN,FRX", "--type", "notification", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "pocctl: --to (recipients[1]): 'FRX' is not a State code, group:<name> or all\n");
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, BadStixFileIsRejectedBeforeAnyRpc) {
  const std::string stix = WriteFile("bad.json", R"({"type": "indicator"})");
  const RunResult r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "notification", "--subject",
                                      "x", "--stix-file", stix});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pocctl: --stix-file (template.stix_bundle): "));
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, MissingDescriptionFileNamesTheFlag) {
  const RunResult r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "notification", "--subject",
                                      "x", "--description-file", dir_ + "/none"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pocctl: --description-file: "));
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, UnknownWordsAreUsageErrorsListingTheAcceptedWords) {
  RunResult r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "question", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("use notification, rfi (request-for-information), rfa "
                               "(request-for-assistance) or general"));
  r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "rfi", "--subject", "x", "--tlp", "white"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("use clear, green, amber, amber+strict or red"));
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, SendPointsResponsesAndAcksToTheirCommands) {
  RunResult r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "response", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("pocctl reply"));
  r = RunWith(pocd_, {"send", "--to", "KEN", "--type", "ack", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("pocctl ack"));
}

TEST_F(CommandLineTest, MissingRequiredFlagIsAUsageError) {
  const RunResult r = RunWith(pocd_, {"send", "--type", "rfi", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--to"));
}

TEST_F(CommandLineTest, NoCommandIsAUsageError) {
  EXPECT_EQ(RunWith(pocd_, {}).exit_code, 2);
  EXPECT_EQ(RunWith(pocd_, {"frobnicate"}).exit_code, 2);
}

TEST_F(CommandLineTest, HelpExitsZeroWithDescriptionAndExample) {
  for (const char* cmd : {"send", "inbox", "sent", "show", "ack", "reply", "status"}) {
    const RunResult r = RunWith(pocd_, {cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Example")) << cmd;
    EXPECT_THAT(r.out, HasSubstr(std::string("pocctl ") + cmd)) << cmd;
  }
  const RunResult top = RunWith(pocd_, {"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_THAT(top.out, HasSubstr("operator's console"));
}

TEST_F(CommandLineTest, GlobalFlagsWorkBeforeOrAfterTheCommand) {
  pocd_.inbox.Clear();
  RunResult r = RunWith(pocd_, {"--node", "/srv/ken", "inbox", "--timeout", "3s"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(pocd_.address.socket_path, "/srv/ken/control.sock");
  EXPECT_EQ(pocd_.timeout, absl::Seconds(3));
  EXPECT_EQ(r.out, "Inbox is empty.\n");
  r = RunWith(pocd_, {"inbox", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"messages\":[]}\n");
}

TEST_F(CommandLineTest, DefaultTimeoutIsTenSeconds) {
  ASSERT_EQ(RunWith(pocd_, {"status"}).exit_code, 0);
  EXPECT_EQ(pocd_.timeout, absl::Seconds(10));
  EXPECT_EQ(RunWith(pocd_, {"--timeout", "fast", "status"}).exit_code, 2);
}

TEST_F(CommandLineTest, NoNodeGivenSaysHowToNameOne) {
  const RunResult r = RunWith(pocd_, {"status"}, /*env_node=*/"");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pocctl: no node given: pass --node DIR (the node's folder) or set POC_NODE\n");
  EXPECT_EQ(pocd_.connects, 0);
}

TEST_F(CommandLineTest, AcceptsTheSixUnLanguagesForLabels) {
  for (const char* lang : {"ar", "zh", "en", "fr", "ru", "es"}) {
    EXPECT_EQ(RunWith(pocd_, {"--lang", lang, "status"}).exit_code, 0) << lang;
  }
  EXPECT_EQ(RunWith(pocd_, {"--lang", "de", "status"}).exit_code, 2);
}

TEST_F(CommandLineTest, PocdErrorsArePrintedAsOneLine) {
  pocd_.fail_with = absl::FailedPreconditionError(
      "the signing key is not loaded; run pocd with --key to load it");
  const RunResult r = RunWith(pocd_, {"status"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "pocctl: the signing key is not loaded; run pocd with --key to load it\n");
  EXPECT_EQ(r.out, "");
}

TEST_F(CommandLineTest, QueuedSendSaysPocdWillSubmitLater) {
  pocd_.send_response.Clear();
  pocd_.send_response.set_message_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  pocd_.send_response.set_state(v1::OUTBOX_STATE_QUEUED);
  const RunResult r =
      RunWith(pocd_, {"send", "--to", "KEN", "--type", "notification", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out,
            "Queued 0190c3a2-7b1e-7cc1-9a5b-0123456789ab: the relay is not reachable now; pocd "
            "will submit it when it is.\n");
}

TEST_F(CommandLineTest, RejectedSendIsAnError) {
  pocd_.send_response.Clear();
  pocd_.send_response.set_message_id("0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  pocd_.send_response.set_state(v1::OUTBOX_STATE_REJECTED);
  pocd_.send_response.set_error("unknown recipient group:NOPE");
  const RunResult r =
      RunWith(pocd_, {"send", "--to", "group:NOPE", "--type", "notification", "--subject", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "pocctl: the relay rejected 0190c3a2-7b1e-7cc1-9a5b-0123456789ab: unknown recipient "
            "group:NOPE; correct the message and send it again\n");
}

TEST_F(CommandLineTest, SendJsonPrintsTheSendResponseOnly) {
  const RunResult r =
      RunWith(pocd_, {"--json", "send", "--to", "KEN", "--type", "notification", "--subject", "x"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(
      r.out,
      "{\"message_id\":\"0190c3a2-7b1e-7cc1-9a5b-0123456789ab\",\"state\":\"OUTBOX_STATE_"
      "SUBMITTED\",\"audit_index\":\"12\",\"recipients\":[\"KEN\",\"BRA\"],\"error\":\"\"}\n");
}

v1::MessageSummary Summary(const std::string& id, const std::string& subject) {
  v1::MessageSummary s;
  s.set_id(id);
  s.set_subject(subject);
  return s;
}

TEST_F(CommandLineTest, AckResolvesAUniquePrefixInTheInbox) {
  *pocd_.inbox.add_messages() = Summary("0190c3a2-7b1e-7cc1-9a5b-0123456789ab", "one");
  *pocd_.inbox.add_messages() = Summary("0190c3ff-7b1e-7cc1-9a5b-0123456789ab", "two");
  const RunResult r = RunWith(pocd_, {"ack", "0190C3A2", "--note", "on it"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd_.acks.size(), 1u);
  EXPECT_EQ(pocd_.acks[0].message_id(), "0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  EXPECT_EQ(pocd_.acks[0].note(), "on it");
}

TEST_F(CommandLineTest, AckResolvesTheEndOfAnIdAsTablesShowIt) {
  // Ids of one minute share their start; tables show the random end instead.
  *pocd_.inbox.add_messages() = Summary("0190c3a2-7b1e-7cc1-9a5b-0123456789ab", "one");
  *pocd_.inbox.add_messages() = Summary("0190c3a2-7b1e-7cc1-9a5b-0123456789cd", "two");
  const RunResult r = RunWith(pocd_, {"ack",
                                      "\xe2\x80\xa6"
                                      "456789cd"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd_.acks.size(), 1u);
  EXPECT_EQ(pocd_.acks[0].message_id(), "0190c3a2-7b1e-7cc1-9a5b-0123456789cd");
}

TEST_F(CommandLineTest, AmbiguousPrefixListsTheMatches) {
  *pocd_.inbox.add_messages() = Summary("0190c3a2-7b1e-7cc1-9a5b-0123456789ab", "one");
  *pocd_.sent.add_messages() = Summary("0190c3a2-8888-7cc1-9a5b-0123456789ab", "two");
  const RunResult r = RunWith(pocd_, {"show", "0190c3a2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("0190c3a2 matches 2 messages; give more of the id:"));
  EXPECT_THAT(r.err, HasSubstr("0190c3a2-7b1e-7cc1-9a5b-0123456789ab  inbox  one"));
  EXPECT_THAT(r.err, HasSubstr("0190c3a2-8888-7cc1-9a5b-0123456789ab  sent  two"));
  EXPECT_TRUE(pocd_.shows.empty());
}

TEST_F(CommandLineTest, ShortOrUnknownPrefixesAreErrors) {
  RunResult r = RunWith(pocd_, {"show", "0190c3"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("give at least 8 characters"));
  EXPECT_EQ(pocd_.connects, 0);
  r = RunWith(pocd_, {"show", "deadbeef"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("no message id starts or ends with deadbeef"));
}

TEST_F(CommandLineTest, ReplySendsTheTemplateForTheResolvedMessage) {
  *pocd_.inbox.add_messages() = Summary("0190c3a2-7b1e-7cc1-9a5b-0123456789ab", "question");
  const RunResult r = RunWith(pocd_, {"reply", "0190c3a2-7b1e", "--subject", "Answer", "--summary",
                                      "Nothing seen", "--tlp", "green"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(pocd_.replies.size(), 1u);
  EXPECT_EQ(pocd_.replies[0].message_id(), "0190c3a2-7b1e-7cc1-9a5b-0123456789ab");
  EXPECT_EQ(pocd_.replies[0].template_().subject(), "Answer");
  EXPECT_EQ(pocd_.replies[0].template_().tlp(), v1::TLP_GREEN);
  EXPECT_THAT(r.out, StartsWith("Sent "));
}

TEST_F(CommandLineTest, ReplyWithEmptySubjectIsRejectedBeforeAnyRpc) {
  const RunResult r = RunWith(pocd_, {"reply", "0190c3a2", "--subject", ""});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("pocctl: --subject (template.subject): must not be empty"));
  EXPECT_EQ(pocd_.connects, 0);
}

}  // namespace
}  // namespace poc::pocctl
