#include "server/access_policy.h"

#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_paths.h"

namespace poc {
namespace {

using ::testing::HasSubstr;

TEST(AccessPolicyTest, EveryRpcHasExactlyOneRule) {
  for (Rpc rpc :
       {Rpc::kSubmit, Rpc::kSession, Rpc::kGetDirectory, Rpc::kGetCheckpoint,
        Rpc::kGetInclusionProof, Rpc::kGetConsistencyProof, Rpc::kGetEntries, Rpc::kAddCosignature,
        Rpc::kProposeObserver, Rpc::kObjectToObserver, Rpc::kListObservers, Rpc::kCreateExercise,
        Rpc::kListExercises, Rpc::kGetExercise, Rpc::kCancelExercise, Rpc::kGetExerciseReport}) {
    int rules = 0;
    for (const AccessRule& rule : AccessRules()) rules += rule.rpc == rpc ? 1 : 0;
    EXPECT_EQ(rules, 1) << RuleFor(rpc).name;
  }
}

TEST(AccessPolicyTest, ObserversNeverReachStateTrafficOrTheDirectory) {
  for (Rpc rpc : {Rpc::kSubmit, Rpc::kSession, Rpc::kGetDirectory, Rpc::kAddCosignature,
                  Rpc::kProposeObserver, Rpc::kObjectToObserver}) {
    EXPECT_FALSE(RuleFor(rpc).observer) << RuleFor(rpc).name;
  }
}

// The README's roles table is what operators read: it must say what the code enforces.
TEST(AccessPolicyTest, TheReadmeRolesTableMatchesTheRules) {
  std::ifstream in(poc::testing::SourceDir() + "/README.md");
  std::stringstream readme;
  readme << in.rdbuf();
  auto yes_no = [](bool b) { return b ? "yes" : "no"; };
  for (const AccessRule& rule : AccessRules()) {
    const std::string row = std::string("| `") + rule.name + "` | " + yes_no(rule.state) + " | " +
                            yes_no(rule.secretariat) + " | " + yes_no(rule.observer) + " | " +
                            rule.why + " |";
    EXPECT_THAT(readme.str(), HasSubstr(row));
  }
}

TEST(AccessPolicyTest, OnlyTheSecretariatProposesAndOnlyStatesObject) {
  EXPECT_TRUE(RuleFor(Rpc::kProposeObserver).secretariat);
  EXPECT_FALSE(RuleFor(Rpc::kProposeObserver).state);
  EXPECT_TRUE(RuleFor(Rpc::kObjectToObserver).state);
  EXPECT_FALSE(RuleFor(Rpc::kObjectToObserver).secretariat);
}

TEST(AccessPolicyTest, OnlyTheSecretariatSchedulesAndCancelsExercises) {
  for (Rpc rpc : {Rpc::kCreateExercise, Rpc::kCancelExercise}) {
    EXPECT_TRUE(RuleFor(rpc).secretariat) << RuleFor(rpc).name;
    EXPECT_FALSE(RuleFor(rpc).state) << RuleFor(rpc).name;
    EXPECT_FALSE(RuleFor(rpc).observer) << RuleFor(rpc).name;
  }
}

TEST(AccessPolicyTest, AMissingCertificateIsUnauthenticated) {
  EXPECT_EQ(Authorize(nullptr, Rpc::kGetEntries, nullptr, nullptr, nullptr).status().code(),
            absl::StatusCode::kUnauthenticated);
}

}  // namespace
}  // namespace poc
