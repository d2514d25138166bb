// End to end over real processes: States exchange signed messages through the relay, and
// nothing is lost or shown twice across offline nodes and crashes (DESIGN.md, "Delivery").
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

v1::Template Notification(const std::string& subject) {
  v1::Template t;
  t.set_urgency(v1::URGENCY_URGENT);
  t.set_level(v1::LEVEL_TECHNICAL);
  t.set_tlp(v1::TLP_AMBER);
  t.set_subject(subject);
  t.set_summary("Ransomware affecting hospital networks.");
  t.set_language("en");
  return t;
}

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "DEU", "KEN", "BRA"});
    net_->StartRelay();
  }

  void StartNodes(const std::vector<std::string>& states) {
    for (const auto& s : states) net_->StartNode(s);
    for (const auto& s : states) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(s); })) << net_->node(s).Log();
    }
  }

  v1::SendResponse Send(const std::string& from, const std::vector<std::string>& to,
                        v1::MessageType kind = v1::MESSAGE_TYPE_NOTIFICATION,
                        const std::string& subject = "Hospital ransomware") {
    v1::SendRequest request;
    for (const auto& r : to) request.add_recipients(r);
    request.set_kind(kind);
    *request.mutable_template_() = Notification(subject);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SendResponse response;
    grpc::Status s = net_->Control(from)->Send(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  std::vector<v1::MessageSummary> List(const std::string& state, v1::Folder folder) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ListRequest request;
    request.set_folder(folder);
    v1::ListResponse response;
    grpc::Status s = net_->Control(state)->List(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.messages().begin(), response.messages().end()};
  }

  int InboxCount(const std::string& state, const std::string& id) {
    int n = 0;
    for (const auto& m : List(state, v1::FOLDER_INBOX)) n += m.id() == id ? 1 : 0;
    return n;
  }

  v1::ShowResponse Show(const std::string& state, const std::string& id) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ShowRequest request;
    request.set_message_id(id);
    v1::ShowResponse response;
    grpc::Status s = net_->Control(state)->Show(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(DeliveryTest, NotificationReachesTwoStatesAndTheirReceiptsReturnToTheSender) {
  StartNodes({"FRA", "DEU", "KEN"});
  const v1::SendResponse sent = Send("FRA", {"DEU", "KEN"});
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();
  EXPECT_EQ(sent.recipients_size(), 2);
  ASSERT_TRUE(WaitFor([&] { return InboxCount("DEU", sent.message_id()) == 1; }));
  ASSERT_TRUE(WaitFor([&] { return InboxCount("KEN", sent.message_id()) == 1; }));
  ASSERT_TRUE(
      WaitFor([&] { return Show("FRA", sent.message_id()).summary().delivered_to() == 2; }));
  const v1::ShowResponse shown = Show("FRA", sent.message_id());
  ASSERT_EQ(shown.progress_size(), 2);
  for (const auto& p : shown.progress()) EXPECT_TRUE(IsSet(p.delivered_at())) << p.state();
  const v1::ShowResponse received = Show("KEN", sent.message_id());
  EXPECT_EQ(received.message().sender(), "FRA");
  EXPECT_EQ(received.message().template_().subject(), "Hospital ransomware");
  EXPECT_EQ(InboxCount("FRA", sent.message_id()), 0);
}

TEST_F(DeliveryTest, RequestForInformationIsAnsweredByAResponse) {
  StartNodes({"FRA", "KEN"});
  const v1::SendResponse query =
      Send("KEN", {"FRA"}, v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION, "Indicators for campaign X?");
  ASSERT_EQ(query.state(), v1::OUTBOX_STATE_SUBMITTED) << query.error();
  ASSERT_TRUE(WaitFor([&] { return InboxCount("FRA", query.message_id()) == 1; }));

  v1::ReplyRequest reply;
  reply.set_message_id(query.message_id());
  *reply.mutable_template_() = Notification("Indicators attached");
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::SendResponse answer;
  ASSERT_TRUE(net_->Control("FRA")->Reply(&ctx, reply, &answer).ok());
  ASSERT_EQ(answer.state(), v1::OUTBOX_STATE_SUBMITTED) << answer.error();
  ASSERT_TRUE(WaitFor([&] { return InboxCount("KEN", answer.message_id()) == 1; }));
  const v1::ShowResponse got = Show("KEN", answer.message_id());
  EXPECT_EQ(got.message().kind(), v1::MESSAGE_TYPE_RESPONSE);
  EXPECT_EQ(got.message().in_reply_to(), query.message_id());
  ASSERT_TRUE(WaitFor([&] {
    const auto shown = Show("KEN", query.message_id());
    return shown.progress_size() == 1 && shown.progress(0).response_id() == answer.message_id();
  }));
}

TEST_F(DeliveryTest, HumanAcknowledgementReachesTheSenderOnce) {
  StartNodes({"FRA", "DEU"});
  const v1::SendResponse sent = Send("FRA", {"DEU"});
  ASSERT_TRUE(WaitFor([&] { return InboxCount("DEU", sent.message_id()) == 1; }));
  v1::AckRequest ack;
  ack.set_message_id(sent.message_id());
  ack.set_note("Received; our CERT is on it.");
  {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SendResponse r;
    ASSERT_TRUE(net_->Control("DEU")->Ack(&ctx, ack, &r).ok());
    EXPECT_EQ(r.state(), v1::OUTBOX_STATE_SUBMITTED) << r.error();
  }
  {  // A second acknowledgement is refused and sends nothing.
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SendResponse r;
    grpc::Status s = net_->Control("DEU")->Ack(&ctx, ack, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
  }
  ASSERT_TRUE(
      WaitFor([&] { return Show("FRA", sent.message_id()).summary().acknowledged_by() == 1; }));
  const v1::ShowResponse shown = Show("FRA", sent.message_id());
  ASSERT_EQ(shown.progress_size(), 1);
  EXPECT_FALSE(shown.progress(0).acknowledgement_id().empty());
  EXPECT_TRUE(IsSet(Show("DEU", sent.message_id()).summary().acknowledged_at()));
  EXPECT_EQ(List("DEU", v1::FOLDER_SENT).size(), 1u);
}

TEST_F(DeliveryTest, MessageToAnOfflineNodeIsDeliveredWhenItConnects) {
  StartNodes({"FRA"});
  const v1::SendResponse sent = Send("FRA", {"BRA"});
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();
  net_->StartNode("BRA");
  ASSERT_TRUE(WaitFor([&] { return InboxCount("BRA", sent.message_id()) == 1; }));
  ASSERT_TRUE(
      WaitFor([&] { return Show("FRA", sent.message_id()).summary().delivered_to() == 1; }));
}

TEST_F(DeliveryTest, RelayKilledAfterAnsweringSubmitStillDeliversOnce) {
  StartNodes({"FRA"});
  const v1::SendResponse sent = Send("FRA", {"BRA"});
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();
  net_->StopRelay(SIGKILL);
  net_->StartRelay();
  net_->StartNode("BRA");
  ASSERT_TRUE(
      WaitFor([&] { return Show("FRA", sent.message_id()).summary().delivered_to() == 1; }));
  EXPECT_EQ(InboxCount("BRA", sent.message_id()), 1);
}

TEST_F(DeliveryTest, NodeKilledBeforeSendingItsReceiptGetsTheMessageAgainAndShowsItOnce) {
  StartNodes({"FRA"});
  net_->StartNode("KEN", {{"POC_TEST_EXIT_BEFORE_RECEIPT", "1"}});
  const v1::SendResponse sent = Send("FRA", {"KEN"});
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();
  // The node stores the message, then dies before its receipt leaves.
  ASSERT_NE(net_->node("KEN").WaitExit(absl::Seconds(30)), -1) << net_->node("KEN").Log();
  EXPECT_EQ(Show("FRA", sent.message_id()).summary().delivered_to(), 0u);
  net_->StartNode("KEN");
  ASSERT_TRUE(
      WaitFor([&] { return Show("FRA", sent.message_id()).summary().delivered_to() == 1; }));
  EXPECT_EQ(InboxCount("KEN", sent.message_id()), 1);
}

TEST_F(DeliveryTest, QueuedOutboxIsSubmittedAfterANodeRestart) {
  StartNodes({"FRA", "KEN"});
  net_->StopRelay(SIGTERM);
  const v1::SendResponse sent = Send("FRA", {"KEN"});
  EXPECT_EQ(sent.state(), v1::OUTBOX_STATE_QUEUED);
  EXPECT_FALSE(sent.error().empty());
  net_->StopNode("FRA", SIGKILL);
  net_->StartRelay();
  net_->StartNode("FRA");
  ASSERT_TRUE(WaitFor([&] { return InboxCount("KEN", sent.message_id()) == 1; }));
  ASSERT_TRUE(WaitFor([&] {
    const auto s = Show("FRA", sent.message_id()).summary();
    return s.state() == v1::OUTBOX_STATE_SUBMITTED && s.delivered_to() == 1;
  }));
}

TEST_F(DeliveryTest, ManyMessagesArriveInRelayOrderAndNoneTwice) {
  StartNodes({"FRA", "KEN"});
  net_->StopNode("KEN", SIGTERM);
  std::vector<std::string> ids;
  ids.reserve(40);
  for (int i = 0; i < 40; ++i) {
    ids.push_back(
        Send("FRA", {"KEN"}, v1::MESSAGE_TYPE_NOTIFICATION, "n" + std::to_string(i)).message_id());
  }
  net_->StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] { return List("KEN", v1::FOLDER_INBOX).size() == ids.size(); }));
  // Received in the order sent: the inbox lists newest first.
  auto inbox = List("KEN", v1::FOLDER_INBOX);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(inbox[ids.size() - 1 - i].id(), ids[i]);
}

}  // namespace
}  // namespace poc::testing
