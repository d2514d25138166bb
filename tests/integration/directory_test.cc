// The directory over real processes: group addressing and its audit record, every directory
// version the relay serves in the audit log, refused directory changes, and key validity and
// revocation times enforced at the relay.
#include <gtest/gtest.h>
#include <signal.h>

#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/node_control.grpc.pb.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

using Strings = std::vector<std::string>;

class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(Strings{"FRA", "DEU", "KEN", "BRA"});
  }

  void Connect() {
    auto channel = net_->RelayChannel(net_->NodeDir("FRA"));
    fra_ = v1::Relay::NewStub(channel);
    audit_ = v1::Audit::NewStub(channel);
  }

  grpc::Status Submit(const v1::Message& m, v1::SubmitReceipt* receipt = nullptr) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(m, net_->SigningKey(m.sender()));
    v1::SubmitResponse response;
    // Each State submits over its own node certificate.
    grpc::Status s =
        m.sender() == "FRA"
            ? fra_->Submit(&ctx, request, &response)
            : net_->RelayClient(net_->NodeDir(m.sender()))->Submit(&ctx, request, &response);
    if (s.ok() && receipt != nullptr) {
      EXPECT_TRUE(receipt->ParseFromString(response.receipt().body()));
    }
    return s;
  }

  std::vector<v1::AuditEvent> Entries() {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetEntriesRequest request;
    request.set_start(0);
    request.set_count(1000);
    v1::GetEntriesResponse response;
    EXPECT_TRUE(audit_->GetEntries(&ctx, request, &response).ok());
    std::vector<v1::AuditEvent> events;
    for (const std::string& e : response.entries()) {
      events.emplace_back();
      EXPECT_TRUE(events.back().ParseFromString(e));
    }
    return events;
  }

  uint64_t ServedVersion() {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetDirectoryResponse response;
    EXPECT_TRUE(fra_->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response).ok());
    v1::Directory directory;
    EXPECT_TRUE(directory.ParseFromString(response.directory().body()));
    return directory.version();
  }

  std::unique_ptr<TestNetwork> net_;
  std::unique_ptr<v1::Relay::Stub> fra_;
  std::unique_ptr<v1::Audit::Stub> audit_;
};

TEST_F(DirectoryTest, AMessageToAGroupReachesItsMembersAndShowsTheGroupAddress) {
  net_->WriteDirectory(1, {},
                       "[[group]]\nname = \"pilot\"\nmembers = [\"FRA\", \"DEU\", \"KEN\"]\n");
  net_->StartRelay();
  Connect();
  const v1::Message m = MakeMessage("FRA", {"group:pilot"});
  v1::SubmitReceipt receipt;
  ASSERT_TRUE(Submit(m, &receipt).ok());
  EXPECT_EQ(Strings(receipt.recipients().begin(), receipt.recipients().end()),
            (Strings{"DEU", "KEN"}));

  // The log records the address as written and the relay's expansion of it.
  const v1::AuditEvent leaf = Entries().at(receipt.audit_index());
  EXPECT_EQ(leaf.message_id(), m.id());
  EXPECT_EQ(Strings(leaf.addressed_to().begin(), leaf.addressed_to().end()),
            Strings{"group:pilot"});
  EXPECT_EQ(Strings(leaf.recipients().begin(), leaf.recipients().end()), (Strings{"DEU", "KEN"}));

  // KEN's node accepts it as addressed to KEN and shows the original address.
  net_->StartNode("KEN");
  auto ken = net_->Control("KEN");
  v1::ShowResponse shown;
  ASSERT_TRUE(WaitFor([&] {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ShowRequest request;
    request.set_message_id(m.id());
    shown.Clear();
    return ken->Show(&ctx, request, &shown).ok() && shown.error().empty();
  })) << net_->node("KEN").Log();
  EXPECT_EQ(Strings(shown.message().recipients().begin(), shown.message().recipients().end()),
            Strings{"group:pilot"});
}

TEST_F(DirectoryTest, AUnRegionalGroupExpandsToItsMembersInTheDirectory) {
  net_->StartRelay();
  Connect();
  v1::SubmitReceipt receipt;
  ASSERT_TRUE(Submit(MakeMessage("FRA", {"group:WEOG"}), &receipt).ok());
  EXPECT_EQ(Strings(receipt.recipients().begin(), receipt.recipients().end()), Strings{"DEU"});
  ASSERT_TRUE(Submit(MakeMessage("KEN", {"group:GRULAC", "group:WEOG"}), &receipt).ok());
  EXPECT_EQ(Strings(receipt.recipients().begin(), receipt.recipients().end()),
            (Strings{"BRA", "DEU", "FRA"}));
}

TEST_F(DirectoryTest, AnUnknownGroupIsRefusedAndChangesNothing) {
  net_->StartRelay();
  Connect();
  const size_t before = Entries().size();
  grpc::Status s = Submit(MakeMessage("FRA", {"KEN", "group:nobody"}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("recipients[1]: group 'nobody' is not defined"),
            std::string::npos)
      << s.error_message();
  EXPECT_EQ(Entries().size(), before);
}

TEST_F(DirectoryTest, EveryDirectoryVersionServedIsInTheAuditLog) {
  net_->StartRelay();
  Connect();
  std::vector<v1::AuditEvent> events = Entries();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), v1::AUDIT_EVENT_DIRECTORY_LOADED);
  EXPECT_EQ(events[0].directory_version(), 1u);
  EXPECT_EQ(events[0].directory_hash().size(), 32u);

  net_->WriteDirectory(2, {}, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\"]\n");
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return ServedVersion() == 2; })) << net_->relay().Log();
  events = Entries();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type(), v1::AUDIT_EVENT_DIRECTORY_LOADED);
  EXPECT_EQ(events[1].directory_version(), 2u);
  EXPECT_NE(events[1].directory_hash(), events[0].directory_hash());

  // A restart with the same file logs nothing new.
  fra_.reset();
  audit_.reset();
  net_->StopRelay(SIGTERM);
  net_->StartRelay();
  Connect();
  EXPECT_EQ(Entries().size(), 2u);
}

TEST_F(DirectoryTest, AReloadThatWouldGoBackOrHideAChangeIsRefusedAndTheOldVersionStays) {
  net_->WriteDirectory(5);
  net_->StartRelay();
  Connect();
  // An older version.
  net_->WriteDirectory(4);
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("version 4 is older than version 5") != std::string::npos;
  })) << net_->relay().Log();
  // Other content under the same version.
  net_->WriteDirectory(5, {}, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\"]\n");
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("content changed but version is still 5") != std::string::npos;
  })) << net_->relay().Log();
  // A group naming a State that is not in the directory.
  net_->WriteDirectory(6, {}, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\", \"JPN\"]\n");
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("group[0].members[1]: 'JPN' is not a State") !=
           std::string::npos;
  })) << net_->relay().Log();
  EXPECT_EQ(ServedVersion(), 5u);
  EXPECT_EQ(Entries().size(), 1u);
  EXPECT_EQ(Submit(MakeMessage("FRA", {"group:pilot"})).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(DirectoryTest, TheRelayRefusesToStartOnAnOlderDirectoryThanItServed) {
  net_->WriteDirectory(3);
  net_->StartRelay();
  net_->StopRelay(SIGTERM);
  net_->WriteDirectory(2);
  Process relay;
  relay.Start({BinaryPath("server/poc-relay"), "--config", net_->dir() + "/relay/relay.toml"},
              net_->dir() + "/refused.log");
  EXPECT_NE(relay.WaitExit(absl::Seconds(30)), 0);
  EXPECT_NE(relay.Log().find("version 2 is older than version 3"), std::string::npos)
      << relay.Log();
}

TEST_F(DirectoryTest, TheRelayRefusesMessagesSignedWithAKeyAfterItsValidityOrRevocation) {
  const absl::Time now = absl::Now();
  net_->WriteDirectory(
      1, {{"FRA", "valid_until = " + FormatUtc(now - absl::Minutes(1))},
          {"KEN", "status = \"revoked\"\nrevoked_at = " + FormatUtc(now - absl::Minutes(2))},
          {"DEU", "status = \"revoked\"\nrevoked_at = " + FormatUtc(now + absl::Hours(1))}});
  net_->StartRelay();
  Connect();
  grpc::Status expired = Submit(MakeMessage("FRA", {"KEN"}));
  EXPECT_EQ(expired.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(expired.error_message().find("expired at"), std::string::npos)
      << expired.error_message();

  // KEN's key was revoked two minutes ago: a message created now is refused, one created
  // before the revocation (and inside the relay's clock window) is still accepted.
  auto from_ken_at = [](absl::Time created) {
    v1::Message m = MakeMessage("KEN", {"BRA"});
    *m.mutable_created_at() = ToProto(created);
    return m;
  };
  grpc::Status revoked = Submit(from_ken_at(now));
  EXPECT_EQ(revoked.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(revoked.error_message().find("is revoked since"), std::string::npos)
      << revoked.error_message();
  EXPECT_TRUE(Submit(from_ken_at(now - absl::Minutes(3))).ok());

  // DEU's revocation lies ahead: its messages still pass.
  EXPECT_TRUE(Submit(MakeMessage("DEU", {"BRA"})).ok());
}

TEST_F(DirectoryTest, PocctlShowsTheDirectoryFromTheNodesCopyWhileTheRelayIsDown) {
  net_->WriteDirectory(1, {}, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\", \"BRA\"]\n");
  net_->StartRelay();
  net_->StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("KEN"); })) << net_->node("KEN").Log();
  net_->StopNode("KEN", SIGTERM);
  net_->StopRelay(SIGKILL);
  net_->StartNode("KEN");  // restarts with no relay to fetch from

  auto pocctl = [&](const Strings& args) {
    Strings argv = {"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl"), "--node",
                    net_->NodeDir("KEN")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  const RunResult show = pocctl({"directory", "show"});
  EXPECT_EQ(show.exit_code, 0) << show.output;
  EXPECT_NE(show.output.find("Directory version 1, 4 States"), std::string::npos) << show.output;
  const RunResult groups = pocctl({"directory", "groups", "pilot", "--json"});
  EXPECT_EQ(groups.exit_code, 0) << groups.output;
  EXPECT_NE(groups.output.find(R"("members":["KEN","BRA"])"), std::string::npos) << groups.output;
  const RunResult csv = pocctl({"directory", "export", "--format", "csv"});
  EXPECT_EQ(csv.exit_code, 0) << csv.output;
  EXPECT_NE(csv.output.find("KEN,Kenya,"), std::string::npos) << csv.output;
}

}  // namespace
}  // namespace poc::testing
