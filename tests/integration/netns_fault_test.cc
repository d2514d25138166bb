// Network faults between real network namespaces: the relay in one, FRA's and KEN's pocd each
// in their own, joined to the relay by veth links with link-local 169.254.x.x/30 addresses.
// Partitions are silent, as on a real network: a link taken down, or nftables dropping the
// peer's packets on both sides. Messages must queue, arrive once and in order after the
// partition heals, and keepalive must notice the dead session on both sides.
//
// Making namespaces needs root (CAP_NET_ADMIN), as CI has. Where they cannot be made these
// cases are skipped with the reason; the proxy-based NetworkFaultTest cases still run.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>

#include "tests/integration/fault_tally.h"
#include "tests/integration/network_namespaces.h"
#include "tests/integration/node_operations.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class NetnsFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string why = NetworkNamespaces::Unavailable();
    if (!why.empty()) {
      std::cerr << "NETWORK NAMESPACE TESTS NOT RUN: " << why
                << ". The proxy-based cases (NetworkFaultTest.*) still run.\n";
      GTEST_SKIP() << "network namespaces cannot be made here: " << why;
    }
    namespaces_ = std::make_unique<NetworkNamespaces>();
    namespaces_->Add("relay");
    namespaces_->Add("fra");
    namespaces_->Add("ken");
    fra_ = namespaces_->Connect("relay", "fra", 1);
    ken_ = namespaces_->Connect("relay", "ken", 2);
    ASSERT_FALSE(HasFailure()) << "the namespaces could not be set up";

    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->SetLaunchPrefix("relay", namespaces_->Exec("relay"));
    net_->SetRelayListenHost("0.0.0.0");  // every link of the relay's namespace
    ASSERT_NO_FATAL_FAILURE(net_->StartRelay({"--keepalive", "1s", "--keepalive-timeout", "1s"}));
    const std::string port = std::to_string(net_->relay_port());
    net_->SetNodeRelay("FRA", fra_.address_a + ":" + port);
    net_->SetNodeRelay("KEN", ken_.address_a + ":" + port);
    for (const auto& [state, ns] : {std::pair{"FRA", "fra"}, std::pair{"KEN", "ken"}}) {
      net_->SetLaunchPrefix(state, namespaces_->Exec(ns));
      net_->SetNodeExtras(state, "keepalive = \"1s\"\nkeepalive_timeout = \"1s\"");
      ASSERT_NO_FATAL_FAILURE(net_->StartNode(state));
    }
    for (const char* state : {"FRA", "KEN"}) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(state); })) << net_->node(state).Log();
    }
  }

  void TearDown() override {
    net_.reset();  // the processes end before their namespaces go
    namespaces_.reset();
  }

  int RelayClosedSessionsOf(const std::string& state) {
    return CountLines(net_->relay().Log(), "session closed: " + state);
  }

  std::vector<std::string> SendMany(const std::string& from, const std::string& to, int n,
                                    const std::string& tag) {
    return poc::testing::SendMany(net_.get(), from, to, n, tag);
  }

  std::unique_ptr<NetworkNamespaces> namespaces_;
  NetworkNamespaces::Link fra_;
  NetworkNamespaces::Link ken_;
  std::unique_ptr<TestNetwork> net_;
};

TEST_F(NetnsFaultTest, ALinkTakenDownQueuesMessagesThatArriveOnceInOrderWhenItReturns) {
  const int closed_before = RelayClosedSessionsOf("KEN");
  namespaces_->SetLinkUp("ken", ken_.device_b, false);
  FaultTally::Get().Count("link(s) taken down");
  const std::vector<std::string> ids = SendMany("FRA", "KEN", 6, "link down");
  EXPECT_TRUE(
      WaitFor([&] { return RelayClosedSessionsOf("KEN") > closed_before; }, absl::Seconds(15)))
      << "the relay kept KEN's dead session:\n"
      << net_->relay().Log();
  FaultTally::Get().Count(kRelayNoticedDeadPeer);
  EXPECT_TRUE(WaitFor([&] { return !net_->NodeConnected("KEN"); }, absl::Seconds(15)));
  FaultTally::Get().Count(kNodeNoticedDeadPeer);
  EXPECT_TRUE(ListFolder(net_.get(), "KEN", v1::FOLDER_INBOX).empty());
  namespaces_->SetLinkUp("ken", ken_.device_b, true);
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "FRA", ids); }))
      << net_->node("KEN").Log();
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "KEN", ids));
}

TEST_F(NetnsFaultTest, AFirewallPartitionIsNoticedAndBothQueuesDrainInOrderWhenItHeals) {
  ASSERT_FALSE(FindProgram("nft").empty())
      << "nft (nftables) is not installed; deploy/install-deps.sh installs it";
  const int closed_before = RelayClosedSessionsOf("KEN");
  namespaces_->DropTraffic("ken", ken_.address_a);
  namespaces_->DropTraffic("relay", ken_.address_b);
  FaultTally::Get().Count("nftables partition(s)");
  // KEN's operator writes while cut off: the messages wait in KEN's outbox.
  std::vector<std::string> from_ken;
  for (int i = 0; i < 3; ++i) {
    const v1::SendResponse r =
        SendNotification(net_.get(), "KEN", {"FRA"}, "partitioned " + std::to_string(i));
    EXPECT_EQ(r.state(), v1::OUTBOX_STATE_QUEUED) << "#" << i;
    from_ken.push_back(r.message_id());
  }
  // FRA's messages to KEN wait in the relay's queue.
  const std::vector<std::string> to_ken = SendMany("FRA", "KEN", 4, "to partitioned");
  EXPECT_TRUE(
      WaitFor([&] { return RelayClosedSessionsOf("KEN") > closed_before; }, absl::Seconds(15)))
      << "the relay kept KEN's dead session";
  FaultTally::Get().Count(kRelayNoticedDeadPeer);
  EXPECT_TRUE(WaitFor([&] { return !net_->NodeConnected("KEN"); }, absl::Seconds(15)));
  FaultTally::Get().Count(kNodeNoticedDeadPeer);
  namespaces_->AllowTraffic("ken");
  namespaces_->AllowTraffic("relay");
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "KEN", from_ken); }))
      << net_->node("KEN").Log();
  ASSERT_TRUE(WaitFor([&] { return AllDelivered(net_.get(), "FRA", to_ken); }));
  EXPECT_TRUE(SubmittedInOrder(net_.get(), "KEN", from_ken));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "FRA", from_ken));
  EXPECT_TRUE(ReceivedOnceInOrder(net_.get(), "KEN", to_ken));
}

}  // namespace
}  // namespace poc::testing
