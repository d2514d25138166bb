// The crash-and-restart soak (issue 6, "Reliability and security suites"): ten States' operators
// send continuously, to single States, several, groups and `all`, while the relay, the nodes or
// both are killed with SIGKILL at random moments and restarted. Then every message whose Send
// was answered is in each recipient's inbox exactly once, as sent; each recipient's delivery
// receipt is back at the sender; each is logged once as SUBMITTED and once per recipient as
// DELIVERED; the audit log verifies; no witness raised an alarm; and `poc-relay check` finds
// the store sound.
//
// Short by default (20 kills per test). Longer: POC_SOAK_SECONDS (the kill phase lasts at least
// that long) and POC_SOAK_KILLS (at least that many kills); `deploy/test.sh --long` sets them.
// Each test prints its seed; POC_SOAK_SEED=<seed> replays the same traffic and kill schedule
// (the timing, hence the exact interleaving, still varies).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tests/integration/soak_traffic.h"
#include "tests/integration/soak_verifier.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

const std::vector<std::string>& States() {
  static const auto* states = new std::vector<std::string>{"FRA", "DEU", "KEN", "BRA", "JPN",
                                                           "IND", "USA", "CAN", "EGY", "CHL"};
  return *states;
}

const std::map<std::string, std::vector<std::string>>& Groups() {
  static const auto* groups = new std::map<std::string, std::vector<std::string>>{
      {"SOAK-NORTH", {"FRA", "DEU", "USA", "CAN", "JPN"}},
      {"SOAK-SOUTH", {"KEN", "BRA", "IND", "EGY", "CHL"}},
      {"SOAK-MIXED", {"FRA", "KEN", "BRA", "JPN"}}};
  return *groups;
}

// The relay signs a checkpoint every second while the log grows (default 10 s), so that the
// witnesses (every 2 s) check its log for consistency across many of its restarts.
const std::vector<std::string>& RelayFlags() {
  static const auto* flags = new std::vector<std::string>{"--checkpoint-interval", "1s"};
  return *flags;
}

constexpr int kTrafficThreads = 3;
constexpr int kDefaultKills = 20;
// Time between two kills, and how long the victim stays down.
constexpr int kMinKillIntervalMs = 150;
constexpr int kMaxKillIntervalMs = 800;
constexpr int kMaxDownMs = 300;
// One restart in four (of the relay or a node) is killed this soon after it was started.
constexpr int kMaxStartupKillMs = 250;
// What a kill hits.
constexpr int kRelay = 0;
constexpr int kNode = 1;
constexpr int kRelayAndNode = 2;
// Once the kills stop, everything answered must arrive: the test fails when nothing more arrives
// for kSettleStall, or after kSettleTimeout plus the kill phase's length (the backlog a long
// soak leaves grows with it). Bounds, not speeds.
constexpr absl::Duration kSettleStall = absl::Seconds(60);
constexpr absl::Duration kSettleTimeout = absl::Seconds(120);

uint64_t EnvNumber(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  if (text == nullptr || !absl::SimpleAtoi(text, &value)) {
    return fallback;
  }
  return value;
}

enum class Victims { kRelay, kNodes, kRelayAndNodes };

class SoakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    seed_ = EnvNumber("POC_SOAK_SEED", std::random_device{}());
    kills_ = static_cast<int>(EnvNumber("POC_SOAK_KILLS", kDefaultKills));
    duration_ = absl::Seconds(static_cast<int64_t>(EnvNumber("POC_SOAK_SECONDS", 0)));
    std::cout << "soak seed " << seed_ << " (replay with POC_SOAK_SEED=" << seed_ << ")"
              << std::endl;
    net_ = std::make_unique<TestNetwork>(States());
    std::string groups;
    for (const auto& [name, members] : Groups()) {
      groups += "[[group]]\nname = \"" + name + "\"\nmembers = [\"" +
                absl::StrJoin(members, "\", \"") + "\"]\n";
    }
    net_->WriteDirectory(1, {}, groups);
    for (const std::string& state : States()) {
      // Witnesses check the relay's checkpoints across its restarts, often enough to matter.
      net_->SetNodeExtras(state, "witness_interval = \"2s\"");
    }
    net_->StartRelay(RelayFlags());
    ASSERT_FALSE(HasFatalFailure());
    for (const std::string& state : States()) {
      net_->StartNode(state);
      ASSERT_FALSE(HasFatalFailure());
    }
    for (const std::string& state : States()) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(state); })) << net_->node(state).Log();
    }
  }

  static std::string LogTail(const Process& process) {
    const std::string log = process.Log();
    return log.substr(log.size() > 3000 ? log.size() - 3000 : 0);
  }

  // Only the test kills: a process found dead at the end crashed or exited by itself.
  static void ExpectAlive(Process& process, const std::string& who) {
    if (!process.Running()) {
      ADD_FAILURE() << who << " exited by itself; its log ends:\n" << LogTail(process);
    }
  }

  // `status` (from Stop(SIGKILL)) must say the test's SIGKILL ended the process: anything else
  // means it had exited or crashed by itself before, also during a start that was cut short.
  static void ExpectKilled(int status, const Process& process, const std::string& who) {
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
      ADD_FAILURE() << who << " exited by itself ("
                    << (WIFEXITED(status) ? "exit code " + std::to_string(WEXITSTATUS(status))
                                          : "signal " + std::to_string(WTERMSIG(status)))
                    << ") before the test killed it; its log ends:\n"
                    << LogTail(process);
    }
  }

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  // Starts the relay as StartRelay does, without waiting, and kills it a moment later: while it
  // opens and checks its store, or just after it began to serve.
  void KillRelayWhileStarting() {
    std::vector<std::string> argv{BinaryPath("server/poc-relay"), "--config",
                                  net_->dir() + "/relay/relay.toml", "--listen",
                                  net_->relay_address()};
    argv.insert(argv.end(), RelayFlags().begin(), RelayFlags().end());
    net_->relay().Start(argv, net_->dir() + "/relay/relay.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(0, kMaxStartupKillMs)));
    ExpectKilled(net_->StopRelay(SIGKILL), net_->relay(), "poc-relay (starting)");
  }

  // The same for a node: killed while it opens its store or just after it connected.
  void KillNodeWhileStarting(const std::string& state) {
    net_->node(state).Start(
        {BinaryPath("client/pocd/pocd"), "--config", net_->NodeDir(state) + "/pocd.toml"},
        net_->NodeDir(state) + "/pocd.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(0, kMaxStartupKillMs)));
    ExpectKilled(net_->StopNode(state, SIGKILL), net_->node(state),
                 "pocd of " + state + " (starting)");
  }

  void Soak(Victims victims) {
    rng_.seed(seed_);
    const absl::Time start = absl::Now();
    SoakTraffic traffic(net_.get(), States(), Groups(), seed_);
    traffic.Start(kTrafficThreads);
    int relay_kills = 0;
    int startup_kills = 0;
    int node_kills = 0;
    while (relay_kills + node_kills < kills_ || absl::Now() < start + duration_) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(Uniform(kMinKillIntervalMs, kMaxKillIntervalMs)));
      // The relay, a node, or (mixed) sometimes both at once.
      const int what = victims == Victims::kRelay   ? kRelay
                       : victims == Victims::kNodes ? kNode
                                                    : Uniform(kRelay, kRelayAndNode);
      const std::string& node = States()[Uniform(0, static_cast<int>(States().size()) - 1)];
      if (what != kNode) {
        ExpectKilled(net_->StopRelay(SIGKILL), net_->relay(), "poc-relay");
        ++relay_kills;
      }
      if (what != kRelay) {
        ExpectKilled(net_->StopNode(node, SIGKILL), net_->node(node), "pocd of " + node);
        ++node_kills;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(Uniform(0, kMaxDownMs)));
      if (what != kNode) {
        if (Uniform(0, 3) == 0) {
          KillRelayWhileStarting();
          ++startup_kills;
        }
        net_->StartRelay(RelayFlags());
      }
      if (what != kRelay) {
        if (Uniform(0, 3) == 0) {
          KillNodeWhileStarting(node);
          ++startup_kills;
        }
        net_->StartNode(node);
      }
      ASSERT_FALSE(HasFatalFailure()) << "after " << relay_kills << " relay and " << node_kills
                                      << " node kills (seed " << seed_ << ")";
    }
    const absl::Duration killing = absl::Now() - start;
    traffic.Stop();
    ExpectAlive(net_->relay(), "poc-relay");
    for (const std::string& state : States()) {
      ExpectAlive(net_->node(state), "pocd of " + state);
    }
    const std::vector<AnsweredSend> answered = traffic.answered();
    const TrafficCounts counts = traffic.counts();

    SoakVerifier verifier(net_.get(), States());
    std::string why;
    const absl::Time settling = absl::Now();
    ASSERT_TRUE(verifier.WaitUntilSettled(answered, kSettleStall, kSettleTimeout + killing, &why))
        << why << " (seed " << seed_ << "; POC_KEEP_TEST_DIRS=1 keeps the logs)";
    const absl::Duration settled = absl::Now() - settling;
    std::vector<std::string> problems = traffic.errors();
    const absl::Time verifying = absl::Now();
    const SoakTally tally = verifier.Verify(answered, &problems);
    const absl::Duration verified = absl::Now() - verifying;
    EXPECT_TRUE(problems.empty()) << "seed " << seed_ << ":\n" << absl::StrJoin(problems, "\n");

    // The relay's own offline check of its store, after all this.
    net_->StopRelay(SIGTERM);
    const RunResult check = RunCommand(
        {BinaryPath("server/poc-relay"), "--config", net_->dir() + "/relay/relay.toml", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.output;

    EXPECT_GT(counts.answered, 0);
    EXPECT_EQ(tally.delivered, tally.deliveries);
    EXPECT_EQ(tally.receipts, tally.deliveries);
    EXPECT_EQ(tally.duplicates, 0u);
    EXPECT_EQ(tally.lost, 0u);
    std::cout << "soak summary: " << relay_kills << " relay kills, " << node_kills
              << " node kills (and " << startup_kills << " more while starting) in "
              << absl::FormatDuration(absl::Trunc(killing, absl::Seconds(1))) << "; "
              << tally.messages << " messages answered (" << counts.queued
              << " queued at the answer, " << counts.unanswered << " sends cut short), "
              << tally.deliveries << " deliveries owed, " << tally.delivered << " delivered, "
              << tally.receipts << " receipts back, duplicates " << tally.duplicates << ", lost "
              << tally.lost << "; settled in "
              << absl::FormatDuration(absl::Trunc(settled, absl::Milliseconds(100)))
              << "; audit log of " << tally.audit_leaves << " leaves verified; checked in "
              << absl::FormatDuration(absl::Trunc(verified, absl::Milliseconds(100))) << " (seed "
              << seed_ << ")" << std::endl;
  }

  uint64_t seed_ = 0;
  int kills_ = kDefaultKills;
  absl::Duration duration_;
  std::mt19937_64 rng_;
  std::unique_ptr<TestNetwork> net_;
};

TEST_F(SoakTest, EveryAnsweredMessageIsDeliveredOnceWhileTheRelayIsKilledAtRandom) {
  Soak(Victims::kRelay);
}

TEST_F(SoakTest, EveryAnsweredMessageIsDeliveredOnceWhileNodesAreKilledAtRandom) {
  Soak(Victims::kNodes);
}

TEST_F(SoakTest, EveryAnsweredMessageIsDeliveredOnceWhileTheRelayAndNodesAreKilledAtRandom) {
  Soak(Victims::kRelayAndNodes);
}

}  // namespace
}  // namespace poc::testing
