// A damaged relay store is never served from: a truncated file or a garbled page keeps the
// relay from starting with one line that says what to do, and `poc-relay check` reports the
// damage (exit 1) where an intact store checks sound (exit 0).
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class DamagedStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    net_->StartRelay();
    auto relay = net_->RelayClient(net_->NodeDir("FRA"));
    for (int i = 0; i < 40; ++i) {
      grpc::ClientContext ctx;
      SetTestDeadline(&ctx);
      v1::SubmitRequest request;
      v1::Message m = MakeMessage("FRA", {"KEN"});
      m.mutable_template_()->set_summary(std::string(1500, 'x'));  // a store of many pages
      *request.mutable_envelope() = Sign(m, net_->SigningKey("FRA"));
      v1::SubmitResponse response;
      ASSERT_TRUE(relay->Submit(&ctx, request, &response).ok());
    }
    ASSERT_EQ(net_->StopRelay(SIGTERM), 0) << net_->relay().Log();
    database_ = net_->dir() + "/relay/relay.db";
    ASSERT_FALSE(std::filesystem::exists(database_ + "-wal") &&
                 std::filesystem::file_size(database_ + "-wal") > 0)
        << "a clean stop leaves everything in the main file";
  }

  RunResult Relay(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> argv{BinaryPath("server/poc-relay"), "--config",
                                  net_->dir() + "/relay/relay.toml"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }
  RunResult Check() const { return Relay({"check"}); }

  // Starts the relay and expects it to refuse, with one clear line.
  void ExpectRelayRefuses() const {
    const RunResult r = RunCommand({"/usr/bin/timeout", "20", BinaryPath("server/poc-relay"),
                                    "--config", net_->dir() + "/relay/relay.toml"});
    EXPECT_EQ(r.exit_code, 1) << r.output;
    EXPECT_NE(r.output.find("relay.db is damaged"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("restore the last backup"), std::string::npos) << r.output;
  }

  std::unique_ptr<TestNetwork> net_;
  std::string database_;
};

TEST_F(DamagedStoreTest, AnIntactStoreChecksSound) {
  const RunResult r = Check();
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("sound"), std::string::npos) << r.output;
}

TEST_F(DamagedStoreTest, ATruncatedStoreKeepsTheRelayFromStartingAndCheckSaysDamaged) {
  std::filesystem::resize_file(database_, std::filesystem::file_size(database_) / 2);
  ExpectRelayRefuses();
  const RunResult r = Check();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("DAMAGED"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("restore the relay from a backup"), std::string::npos) << r.output;
}

TEST_F(DamagedStoreTest, AGarbledPageKeepsTheRelayFromStartingAndCheckSaysDamaged) {
  const auto size = std::filesystem::file_size(database_);
  constexpr std::streamoff kPage = 4096;
  {
    std::fstream f(database_, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / kPage) * kPage);
    const std::string garbage(kPage, '\xff');
    f.write(garbage.data(), kPage);
  }
  ExpectRelayRefuses();
  const RunResult r = Check();
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("DAMAGED"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace poc::testing
