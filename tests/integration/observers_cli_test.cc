// The silence procedure as operators run it: the Secretariat with `pocctl observer propose
// --secretariat FILE` (no pocd), each State with `pocctl observer list|object` through its own
// pocd, which also warns in its log of every proposal still open to objection.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

using Strings = std::vector<std::string>;

class ObserversCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(Strings{"FRA", "KEN"});
    net_->Pki({"admin-cert", "--dir", net_->dir() + "/pki", "--out", net_->dir() + "/admin"});
  }

  void WriteSecretariatFile() {
    std::ofstream(Secretariat()) << "relay = \"" << net_->relay_address() << "\"\n"
                                 << "relay_name = \"localhost\"\n"
                                 << "[tls]\nca = \"ca.crt\"\ncert = \"admin.crt\"\n"
                                 << "key = \"admin.key\"\n";
  }
  std::string Secretariat() const { return net_->dir() + "/admin/secretariat.toml"; }

  RunResult Pocctl(const Strings& args) {
    Strings argv = {"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  RunResult AsState(const std::string& state, const Strings& args) {
    Strings all = {"--node", net_->NodeDir(state)};
    all.insert(all.end(), args.begin(), args.end());
    return Pocctl(all);
  }
  RunResult AsSecretariat(Strings args) {
    args.insert(args.begin() + 1, {"--secretariat", Secretariat()});
    args.insert(args.begin(), "observer");
    return Pocctl(args);
  }
  std::string StatusOf(const std::string& slug) {
    const RunResult list = AsSecretariat({"list", "--json"});
    last_list_ = list.output;
    if (list.exit_code != 0) return "";
    const nlohmann::json parsed = nlohmann::json::parse(list.output);
    for (const auto& r : parsed["records"]) {
      if (r["proposal"]["slug"] == slug) return r["status"].get<std::string>();
    }
    return "";
  }

  std::unique_ptr<TestNetwork> net_;
  std::string last_list_;  // the last `observer list --json` output, for failure messages
};

TEST_F(ObserversCliTest, TheSecretariatProposesStatesSeeAndObjectAndSilenceAccredits) {
  net_->StartRelay({"--observer-silence-period", "10s"});
  WriteSecretariatFile();

  const RunResult without = Pocctl({"observer", "propose", "--slug", "cyber-ngo", "--org", "X",
                                    "--kind", "ngo", "--purpose", "Y"});
  EXPECT_EQ(without.exit_code, 1) << without.output;
  EXPECT_NE(without.output.find("--secretariat"), std::string::npos) << without.output;

  const RunResult proposed =
      AsSecretariat({"propose", "--slug", "cyber-ngo", "--org", "Cyber NGO", "--kind", "ngo",
                     "--purpose", "Observe the ping exercises", "--json"});
  ASSERT_EQ(proposed.exit_code, 0) << proposed.output;
  const std::string id = nlohmann::json::parse(proposed.output)["proposal"]["id"];
  const RunResult second = AsSecretariat({"propose", "--slug", "uni-lab", "--org", "Uni Lab",
                                          "--kind", "academia", "--purpose", "Research"});
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("Every State can object until"), std::string::npos) << second.output;

  // France's node was offline when the Secretariat proposed; it learns on connecting.
  net_->StartNode("FRA");
  ASSERT_TRUE(WaitFor([&] {
    return net_->node("FRA").Log().find("pocctl observer object " + id) != std::string::npos;
  })) << net_->node("FRA").Log();
  const RunResult list = AsState("FRA", {"observer", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_NE(list.output.find("cyber-ngo"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("pending (objections open)"), std::string::npos) << list.output;

  const RunResult objected =
      AsState("FRA", {"observer", "object", id.substr(0, 24), "--reason", "not independent"});
  EXPECT_EQ(objected.exit_code, 0) << objected.output;
  EXPECT_NE(objected.output.find("the accreditation is rejected"), std::string::npos)
      << objected.output;
  EXPECT_EQ(StatusOf("cyber-ngo"), "OBSERVER_STATUS_REJECTED") << last_list_;

  // The other proposal, with no objection, takes effect when its silence period ends.
  ASSERT_TRUE(WaitFor([&] { return StatusOf("uni-lab") == "OBSERVER_STATUS_ACCREDITED"; }))
      << last_list_;
  const RunResult table = AsSecretariat({"list"});
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("rejected"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("FRA"), std::string::npos) << table.output;
  EXPECT_NE(table.output.find("accredited"), std::string::npos) << table.output;

  const RunResult late = AsState("FRA", {"observer", "object", id});
  EXPECT_EQ(late.exit_code, 0) << "a repeated objection is harmless: " << late.output;
  EXPECT_NE(late.output.find("already objected"), std::string::npos) << late.output;
}

}  // namespace
}  // namespace poc::testing
