// The relay's disk fills up: a submission that cannot be stored gets RESOURCE_EXHAUSTED (and
// the relay says so in its log), nothing already stored is harmed, and service resumes by
// itself once there is space again. The disk is a small tmpfs the test mounts, so the test
// needs root, as deploy/test.sh and CI have.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/mount.h>

#include <filesystem>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class DiskFullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    disk_ = net_->dir() + "/relay/disk";
    std::filesystem::create_directories(disk_);
    // deploy/test.sh runs as root (it installs packages), as CI does; a run without the right
    // to mount fails here rather than pass without testing a full disk.
    ASSERT_EQ(::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=1m"), 0)
        << "cannot mount a tmpfs at " << disk_ << " (" << std::strerror(errno)
        << "): the full-disk test needs root (CAP_SYS_ADMIN)";
    mounted_ = true;
  }
  void TearDown() override {
    if (mounted_) {
      net_->StopRelay(SIGKILL);
      ::umount2(disk_.c_str(), MNT_DETACH);
    }
  }

  grpc::Status Submit(const v1::Envelope& envelope, v1::SubmitResponse* response) {
    auto relay = net_->RelayClient(net_->NodeDir("FRA"));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = envelope;
    return relay->Submit(&ctx, request, response);
  }
  v1::Envelope NewEnvelope() {
    v1::Message m = MakeMessage("FRA", {"KEN"});
    m.mutable_template_()->set_summary(std::string(1900, 'x'));
    return Sign(m, net_->SigningKey("FRA"));
  }

  std::unique_ptr<TestNetwork> net_;
  std::string disk_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, AFullDiskRefusesNewMessagesKeepsTheStoredOnesAndRecovers) {
  net_->StartRelay({"--database", disk_ + "/relay.db"});

  std::vector<v1::Envelope> stored;
  grpc::Status refused;
  for (int i = 0; i < 2000; ++i) {  // 1 MiB holds a few hundred
    v1::Envelope e = NewEnvelope();
    v1::SubmitResponse response;
    grpc::Status s = Submit(e, &response);
    if (!s.ok()) {
      refused = s;
      break;
    }
    stored.push_back(e);
  }
  ASSERT_FALSE(refused.ok()) << "the disk never filled";
  ASSERT_GT(stored.size(), 10u);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("database or disk is full") != std::string::npos;
  })) << net_->relay().Log();
  EXPECT_TRUE(net_->relay().Running());

  // What was answered is still there: resubmitting returns the original receipt.
  for (size_t i : {size_t{0}, stored.size() - 1}) {
    v1::SubmitResponse again;
    const grpc::Status s = Submit(stored[i], &again);
    EXPECT_TRUE(s.ok()) << i << ": " << s.error_message();
    EXPECT_TRUE(again.duplicate()) << i;
  }

  // Space returns: new submissions are taken again, without a restart.
  ASSERT_EQ(::mount("tmpfs", disk_.c_str(), "tmpfs", MS_REMOUNT, "size=16m"), 0)
      << std::strerror(errno);
  v1::SubmitResponse response;
  const grpc::Status resumed = Submit(NewEnvelope(), &response);
  EXPECT_TRUE(resumed.ok()) << resumed.error_message();
  EXPECT_EQ(response.receipt().body().empty(), false);

  // And the store is sound, the audit log included.
  ASSERT_EQ(net_->StopRelay(SIGTERM), 0) << net_->relay().Log();
  const RunResult check =
      RunCommand({BinaryPath("server/poc-relay"), "--config", net_->dir() + "/relay/relay.toml",
                  "--database", disk_ + "/relay.db", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("sound"), std::string::npos) << check.output;
}

}  // namespace
}  // namespace poc::testing
