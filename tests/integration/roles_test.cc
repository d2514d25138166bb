// Every relay RPC enforces the roles table (server/access_policy.h) over real mutual TLS: each
// role that may not call an RPC gets PERMISSION_DENIED naming the RPC, and each role that may
// is let through. The observer here is accredited (an unaccredited one is refused everything but
// ListObservers: observers_test.cc).
#include <gtest/gtest.h>

#include "poc/v1/audit_service.grpc.pb.h"
#include "poc/v1/directory.pb.h"
#include "poc/v1/escalation.grpc.pb.h"
#include "poc/v1/exercises.grpc.pb.h"
#include "poc/v1/observers.grpc.pb.h"
#include "server/access_policy.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

// Calls `rpc` with a minimal request; the status says whether the role got past the check.
grpc::Status Call(Rpc rpc, const std::shared_ptr<grpc::Channel>& channel) {
  auto relay = v1::Relay::NewStub(channel);
  auto audit = v1::Audit::NewStub(channel);
  auto observers = v1::Observers::NewStub(channel);
  auto exercises = v1::Exercises::NewStub(channel);
  auto drills = v1::Drills::NewStub(channel);
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  switch (rpc) {
    case Rpc::kSubmit: {
      v1::SubmitResponse response;
      return relay->Submit(&ctx, v1::SubmitRequest(), &response);
    }
    case Rpc::kSession: {
      auto stream = relay->Session(&ctx);
      v1::RelayFrame frame;
      if (stream->Read(&frame)) {
        ctx.TryCancel();
        stream->Finish();
        return grpc::Status::OK;  // welcomed
      }
      return stream->Finish();
    }
    case Rpc::kGetDirectory: {
      v1::GetDirectoryResponse response;
      return relay->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response);
    }
    case Rpc::kAnnounceKey: {
      // Names the caller's own State, so that a State gets past the role check (and is then
      // refused for the missing signature, not for its role).
      v1::KeyAnnouncement body;
      body.set_state("FRA");
      v1::AnnounceKeyRequest request;
      request.mutable_announcement()->set_body(body.SerializeAsString());
      v1::AnnounceKeyResponse response;
      return relay->AnnounceKey(&ctx, request, &response);
    }
    case Rpc::kGetCheckpoint: {
      v1::GetCheckpointResponse response;
      return audit->GetCheckpoint(&ctx, v1::GetCheckpointRequest(), &response);
    }
    case Rpc::kGetInclusionProof: {
      v1::GetInclusionProofRequest request;
      request.set_leaf_index(0);
      v1::GetInclusionProofResponse response;
      return audit->GetInclusionProof(&ctx, request, &response);
    }
    case Rpc::kGetConsistencyProof: {
      v1::GetConsistencyProofResponse response;
      return audit->GetConsistencyProof(&ctx, v1::GetConsistencyProofRequest(), &response);
    }
    case Rpc::kGetEntries: {
      v1::GetEntriesRequest request;
      request.set_count(1);
      v1::GetEntriesResponse response;
      return audit->GetEntries(&ctx, request, &response);
    }
    case Rpc::kAddCosignature: {
      v1::AddCosignatureResponse response;
      return audit->AddCosignature(&ctx, v1::AddCosignatureRequest(), &response);
    }
    case Rpc::kProposeObserver: {
      v1::ProposeObserverResponse response;  // an empty request: INVALID_ARGUMENT if let in
      return observers->ProposeObserver(&ctx, v1::ProposeObserverRequest(), &response);
    }
    case Rpc::kObjectToObserver: {
      v1::ObjectToObserverResponse response;  // unsigned: UNAUTHENTICATED if let in
      return observers->ObjectToObserver(&ctx, v1::ObjectToObserverRequest(), &response);
    }
    case Rpc::kListObservers: {
      v1::ListObserversResponse response;
      return observers->ListObservers(&ctx, v1::ListObserversRequest(), &response);
    }
    case Rpc::kCreateExercise: {
      v1::CreateExerciseResponse response;  // an empty request: INVALID_ARGUMENT if let in
      return exercises->CreateExercise(&ctx, v1::CreateExerciseRequest(), &response);
    }
    case Rpc::kListExercises: {
      v1::ListExercisesResponse response;
      return exercises->ListExercises(&ctx, v1::ListExercisesRequest(), &response);
    }
    case Rpc::kGetExercise: {
      v1::GetExerciseResponse response;  // no such exercise: NOT_FOUND if let in
      return exercises->GetExercise(&ctx, v1::GetExerciseRequest(), &response);
    }
    case Rpc::kCancelExercise: {
      v1::CancelExerciseResponse response;  // no such exercise: NOT_FOUND if let in
      return exercises->CancelExercise(&ctx, v1::CancelExerciseRequest(), &response);
    }
    case Rpc::kGetExerciseReport: {
      v1::GetExerciseReportResponse response;  // no such exercise: NOT_FOUND if let in
      return exercises->GetExerciseReport(&ctx, v1::GetExerciseReportRequest(), &response);
    }
    case Rpc::kStartDrill: {
      v1::StartDrillResponse response;  // an empty scenario: INVALID_ARGUMENT if let in
      return drills->StartDrill(&ctx, v1::StartDrillRequest(), &response);
    }
    case Rpc::kListDrills: {
      v1::ListDrillsResponse response;
      return drills->ListDrills(&ctx, v1::ListDrillsRequest(), &response);
    }
    case Rpc::kGetDrillReport: {
      v1::GetDrillReportResponse response;  // no such drill: NOT_FOUND if let in
      return drills->GetDrillReport(&ctx, v1::GetDrillReportRequest(), &response);
    }
  }
  return grpc::Status(grpc::StatusCode::INTERNAL, "no call for this RPC in the test");
}

class RolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    const std::string pki = net_->dir() + "/pki";
    net_->Pki({"admin-cert", "--dir", pki, "--out", net_->dir() + "/admin"});
    net_->Pki(
        {"observer-cert", "--dir", pki, "--slug", "cyber-ngo", "--out", net_->dir() + "/observer"});
    net_->StartRelay({"--observer-silence-period", "1s"});
    AccreditObserver("cyber-ngo");
  }

  // The silence procedure with no objection: propose as the Secretariat, wait until logged.
  void AccreditObserver(const std::string& slug) {
    auto admin = v1::Observers::NewStub(net_->RelayChannel(net_->dir() + "/admin", "admin"));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ProposeObserverRequest request;
    request.set_slug(slug);
    request.set_organization("Cyber NGO");
    request.set_kind(v1::OBSERVER_KIND_NGO);
    request.set_purpose("roles test");
    v1::ProposeObserverResponse proposed;
    ASSERT_TRUE(admin->ProposeObserver(&ctx, request, &proposed).ok());
    ASSERT_TRUE(WaitFor([&] {
      grpc::ClientContext list_ctx;
      SetTestDeadline(&list_ctx);
      v1::ListObserversResponse list;
      return admin->ListObservers(&list_ctx, v1::ListObserversRequest(), &list).ok() &&
             list.records_size() == 1 && list.records(0).status() == v1::OBSERVER_STATUS_ACCREDITED;
    })) << net_->relay().Log();
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(RolesTest, EveryRpcLetsThroughExactlyTheRolesItsRuleNames) {
  struct Caller {
    const char* role;
    std::shared_ptr<grpc::Channel> channel;
    bool AccessRule::*allowed;
  };
  const std::vector<Caller> callers = {
      {"state", net_->RelayChannel(net_->NodeDir("FRA")), &AccessRule::state},
      {"secretariat", net_->RelayChannel(net_->dir() + "/admin", "admin"),
       &AccessRule::secretariat},
      {"observer", net_->RelayChannel(net_->dir() + "/observer", "observer"),
       &AccessRule::observer},
  };
  int denials = 0;
  for (const AccessRule& rule : AccessRules()) {
    for (const Caller& caller : callers) {
      const grpc::Status s = Call(rule.rpc, caller.channel);
      if (rule.*caller.allowed) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << rule.name << " as " << caller.role << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE)
            << rule.name << " as " << caller.role << ": " << s.error_message();
      } else {
        ++denials;
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << rule.name << " as " << caller.role << ": " << s.error_message();
        EXPECT_NE(s.error_message().find(rule.name), std::string::npos) << s.error_message();
        EXPECT_NE(s.error_message().find(std::string("the caller is ") + caller.role),
                  std::string::npos)
            << s.error_message();
      }
    }
  }
  // Submit, Session, AnnounceKey, AddCosignature, ProposeObserver, ObjectToObserver,
  // CreateExercise, CancelExercise and StartDrill deny two roles each; GetDirectory, ListDrills
  // and GetDrillReport deny observers.
  EXPECT_EQ(denials, 21);
}

}  // namespace
}  // namespace poc::testing
