// Network faults between a node and the relay, injected by a TCP proxy in the test
// (tests/integration/fault_proxy.h): a link that goes silent (blackhole), one that is cut
// (connections reset, new ones refused), and one that is slow, jittery and stalls as on loss.
// Nothing may be lost, duplicated or reordered, and keepalive must notice a silent peer on both
// sides. Relay and nodes use 1 s keepalives here (20 s + 10 s by default).
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "tests/integration/fault_proxy.h"
#include "tests/integration/fault_tally.h"
#include "tests/integration/http_get.h"
#include "tests/integration/node_operations.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

const std::vector<std::string> kFastKeepalive = {"--keepalive", "1s", "--keepalive-timeout", "1s"};
constexpr const char* kNodeFastKeepalive = "keepalive = \"1s\"\nkeepalive_timeout = \"1s\"";

class NetworkFaultTest : public ::testing::Test {
 protected:
  // FRA talks to the relay directly, KEN through a proxy (and FRA too when `both`).
  void StartNetwork(bool both = false) {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->StartRelay(kFastKeepalive);
    ken_link_ = std::make_unique<FaultProxy>("127.0.0.1", net_->relay_port());
    net_->SetNodeRelay("KEN", ken_link_->address());
    if (both) {
      fra_link_ = std::make_unique<FaultProxy>("127.0.0.1", net_->relay_port());
      net_->SetNodeRelay("FRA", fra_link_->address());
    }
    for (const char* state : {"FRA", "KEN"}) {
      net_->SetNodeExtras(state, kNodeFastKeepalive);
      net_->StartNode(state);
    }
    for (const char* state : {"FRA", "KEN"}) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(state); })) << net_->node(state).Log();
    }
    ASSERT_TRUE(WaitFor([&] { return RelaySessionsOpen() == 2; }));
  }

  // The relay's own count of open node sessions (/metrics); -1 when it cannot be read.
  int RelaySessionsOpen() {
    const HttpResult r = HttpGet(net_->relay_http_port(), "/metrics");
    const std::string key = "\npoc_relay_sessions_open ";
    const size_t at = r.body.find(key);
    if (r.status != 200 || at == std::string::npos) {
      return -1;
    }
    return std::stoi(r.body.substr(at + key.size()));
  }

  std::vector<std::string> SendMany(const std::string& from, const std::string& to, int n,
                                    const std::string& tag) {
    return poc::testing::SendMany(net_.get(), from, to, n, tag);
  }

  // Declared first, destroyed last: the proxies outlive the processes using them.
  std::unique_ptr<FaultProxy> ken_link_;
  std::unique_ptr<FaultProxy> fra_link_;
  std::unique_ptr<TestNetwork> net_;
};

TEST_F(NetworkFaultTest, MessagesToABlackholedNodeQueueAtTheRelayAndArriveOnceInOrderAfterward) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ken_link_->SetBlackhole(true);
  // Sent at once, these go into the session the relay still believes open ...
  std::vector<std::string> ids = SendMany("FRA", "KEN", 5, "early");
  for (const auto& id : ids) {
    EXPECT_EQ(ShowMessage(net_.get(), "FRA", id).summary().state(), v1::OUTBOX_STATE_SUBMITTED);
  }
  ASSERT_TRUE(WaitFor([&] { return RelaySessionsOpen() == 1; })) << "the relay kept KEN's session";
  // ... these into the relay's queue for KEN, with no session at all.
  for (const auto& id : SendMany("FRA", "KEN", 5, "late")) {
    ids.push_back(id);
  }
  EXPECT_TRUE(ListFolder(net_.get(), "KEN", v1::FOLDER_INBOX).empty());
  ken_link_->SetBlackhole(false);
  ASSERT_TRUE(WaitFor([&] {
    return ListFolder(net_.get(), "KEN", v1::FOLDER_INBOX).size() >= ids.size();
  })) << net_->node("KEN").Log();
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "KEN", ids));
  EXPECT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "FRA", ids); }));
}

TEST_F(NetworkFaultTest, MessagesWrittenOnACutOffNodeWaitInItsOutboxAndReachTheRelayInOrder) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  ken_link_->SetRefuseNew(true);
  ken_link_->ResetAll();
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    const v1::SendResponse r =
        SendNotification(net_.get(), "KEN", {"FRA"}, "cut off " + std::to_string(i));
    EXPECT_EQ(r.state(), v1::OUTBOX_STATE_QUEUED) << "#" << i;
    EXPECT_FALSE(r.error().empty()) << "a queued message says why";
    ids.push_back(r.message_id());
  }
  ken_link_->SetRefuseNew(false);
  // The operator goes on writing while the link comes back: every message, queued or new,
  // reaches the relay in the order written.
  for (int i = 0; i < 6; ++i) {
    ids.push_back(
        SendNotification(net_.get(), "KEN", {"FRA"}, "back " + std::to_string(i)).message_id());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "KEN", ids); }))
      << net_->node("KEN").Log();
  EXPECT_TRUE(SubmittedInOrder(net_.get(), "KEN", ids));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "FRA", ids));
}

TEST_F(NetworkFaultTest, ASilentLinkIsNoticedByKeepaliveOnBothSidesAndTheNodeReconnects) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork());
  // A quiet session for several keepalive periods first: pings must go on without data.
  std::this_thread::sleep_for(std::chrono::seconds(3));
  ASSERT_TRUE(net_->NodeConnected("KEN"));
  ken_link_->SetBlackhole(true);
  EXPECT_TRUE(WaitFor([&] { return RelaySessionsOpen() == 1; }, absl::Seconds(15)))
      << "the relay did not close the silent session";
  FaultTally::Get().Count(kRelayNoticedDeadPeer);
  EXPECT_TRUE(WaitFor([&] { return !net_->NodeConnected("KEN"); }, absl::Seconds(15)))
      << "pocd did not notice the silent link";
  FaultTally::Get().Count(kNodeNoticedDeadPeer);
  EXPECT_GE(CountLines(net_->node("KEN").Log(), "disconnected from the relay"), 1);
  ken_link_->SetBlackhole(false);
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("KEN"); })) << net_->node("KEN").Log();
  EXPECT_TRUE(WaitFor([&] { return RelaySessionsOpen() == 2; }));
  const std::vector<std::string> ids = SendMany("FRA", "KEN", 1, "after");
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "FRA", ids); }));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "KEN", ids));
}

TEST_F(NetworkFaultTest, DelayJitterAndStallsLoseNothingAndDuplicateNothing) {
  ASSERT_NO_FATAL_FAILURE(StartNetwork(/*both=*/true));
  for (FaultProxy* link : {ken_link_.get(), fra_link_.get()}) {
    link->SetDelay(absl::Milliseconds(20), absl::Milliseconds(30));
    link->SetLoss(0.1, absl::Milliseconds(200));
  }
  std::vector<std::string> to_ken;
  std::vector<std::string> to_fra;
  for (int i = 0; i < 8; ++i) {
    to_ken.push_back(
        SendNotification(net_.get(), "FRA", {"KEN"}, "fra " + std::to_string(i)).message_id());
    to_fra.push_back(
        SendNotification(net_.get(), "KEN", {"FRA"}, "ken " + std::to_string(i)).message_id());
  }
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "FRA", to_ken); }));
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "KEN", to_fra); }));
  EXPECT_TRUE(SubmittedInOrder(net_.get(), "FRA", to_ken));
  EXPECT_TRUE(SubmittedInOrder(net_.get(), "KEN", to_fra));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "KEN", to_ken));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "FRA", to_fra));
  for (FaultProxy* link : {ken_link_.get(), fra_link_.get()}) {
    EXPECT_GT(link->stats().chunks_delayed, 0u);
    EXPECT_GT(link->stats().chunks_stalled, 0u);
  }
}

}  // namespace
}  // namespace poc::testing
