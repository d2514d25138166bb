// Accredited observers and the silence procedure over real processes: the Secretariat
// proposes, States object with signed objections, the relay decides at the deadline (also
// after a restart), logs every step, and lets only accredited observers read, never State
// traffic.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>

#include "common/envelope/observer_objection.h"
#include "common/envelope/signed.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "poc/v1/observers.grpc.pb.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

class ObserversTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    const std::string pki = net_->dir() + "/pki";
    net_->Pki({"admin-cert", "--dir", pki, "--out", net_->dir() + "/admin"});
    net_->Pki(
        {"observer-cert", "--dir", pki, "--slug", "cyber-ngo", "--out", net_->dir() + "/observer"});
  }

  void StartRelay(const std::string& silence_period) {
    net_->StartRelay({"--observer-silence-period", silence_period});
  }

  std::shared_ptr<grpc::Channel> Admin() const {
    return net_->RelayChannel(net_->dir() + "/admin", "admin");
  }
  std::shared_ptr<grpc::Channel> Observer() const {
    return net_->RelayChannel(net_->dir() + "/observer", "observer");
  }
  std::shared_ptr<grpc::Channel> Node(const std::string& state) const {
    return net_->RelayChannel(net_->NodeDir(state));
  }

  absl::StatusOr<v1::ObserverRecord> Propose(const std::string& slug) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ProposeObserverRequest request;
    request.set_slug(slug);
    request.set_organization("Cyber Peace NGO");
    request.set_kind(v1::OBSERVER_KIND_NGO);
    request.set_purpose("Observe the ping exercises");
    v1::ProposeObserverResponse response;
    grpc::Status s = v1::Observers::NewStub(Admin())->ProposeObserver(&ctx, request, &response);
    if (!s.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
    }
    return response.record();
  }

  std::vector<v1::ObserverRecord> List(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ListObserversResponse response;
    grpc::Status s =
        v1::Observers::NewStub(channel)->ListObservers(&ctx, v1::ListObserversRequest(), &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return {response.records().begin(), response.records().end()};
  }

  v1::ObserverStatus StatusOf(const std::string& id) {
    for (const v1::ObserverRecord& r : List(Admin())) {
      if (r.proposal().id() == id) return r.status();
    }
    return v1::OBSERVER_STATUS_UNSPECIFIED;
  }

  static v1::Signed Objection(const std::string& id, const std::string& state,
                              const Ed25519PrivateKey& key,
                              std::string_view domain = kObserverObjectionDomain) {
    v1::ObserverObjection o;
    o.set_proposal_id(id);
    o.set_state(state);
    o.set_reason("not an independent organization");
    *o.mutable_objected_at() = ToProto(absl::Now());
    return SignStatement(domain, o.SerializeAsString(), key);
  }

  grpc::Status Object(const std::shared_ptr<grpc::Channel>& channel, const v1::Signed& objection,
                      v1::ObjectToObserverResponse* response) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ObjectToObserverRequest request;
    *request.mutable_objection() = objection;
    return v1::Observers::NewStub(channel)->ObjectToObserver(&ctx, request, response);
  }

  grpc::Status ReadCheckpoint(const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetCheckpointRequest request;
    request.set_fresh(true);
    v1::GetCheckpointResponse response;
    return v1::Audit::NewStub(channel)->GetCheckpoint(&ctx, request, &response);
  }

  // Every audit event, read as the Secretariat.
  std::vector<v1::AuditEvent> AuditEvents() {
    auto audit = v1::Audit::NewStub(Admin());
    v1::GetCheckpointResponse checkpoint;
    {
      grpc::ClientContext ctx;
      SetTestDeadline(&ctx);
      v1::GetCheckpointRequest request;
      request.set_fresh(true);
      EXPECT_TRUE(audit->GetCheckpoint(&ctx, request, &checkpoint).ok());
    }
    const std::string note = checkpoint.note();
    const size_t first = note.find('\n');
    const uint64_t size = std::stoull(note.substr(first + 1, note.find('\n', first + 1)));
    std::vector<v1::AuditEvent> events;
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetEntriesRequest request;
    request.set_start(0);
    request.set_count(size);
    v1::GetEntriesResponse entries;
    EXPECT_TRUE(audit->GetEntries(&ctx, request, &entries).ok());
    for (const std::string& e : entries.entries()) {
      v1::AuditEvent event;
      EXPECT_TRUE(event.ParseFromString(e));
      events.push_back(event);
    }
    return events;
  }

  std::vector<v1::AuditEvent> ObserverEvents(const std::string& id) {
    std::vector<v1::AuditEvent> out;
    for (const v1::AuditEvent& e : AuditEvents()) {
      if (e.observer_proposal_id() == id) out.push_back(e);
    }
    return out;
  }

  std::unique_ptr<TestNetwork> net_;
};

TEST_F(ObserversTest, SilenceWithoutObjectionAccreditsTheObserverWhoMayThenReadTheAuditLog) {
  StartRelay("2s");
  auto proposed = Propose("cyber-ngo");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  EXPECT_EQ(proposed->status(), v1::OBSERVER_STATUS_PENDING);
  EXPECT_EQ(FromProto(proposed->proposal().silence_ends_at()) -
                FromProto(proposed->proposal().proposed_at()),
            absl::Seconds(2));
  const std::string id = proposed->proposal().id();

  // During the silence period the observer is still refused, and told why.
  const grpc::Status early = ReadCheckpoint(Observer());
  EXPECT_EQ(early.error_code(), grpc::StatusCode::PERMISSION_DENIED) << early.error_message();
  EXPECT_NE(early.error_message().find("silence period"), std::string::npos)
      << early.error_message();
  // A second proposal for the same observer while one is open is refused.
  EXPECT_EQ(Propose("cyber-ngo").status().code(), absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == v1::OBSERVER_STATUS_ACCREDITED; }))
      << net_->relay().Log();
  const grpc::Status read = ReadCheckpoint(Observer());
  EXPECT_TRUE(read.ok()) << read.error_message();

  const std::vector<v1::AuditEvent> events = ObserverEvents(id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type(), v1::AUDIT_EVENT_OBSERVER_PROPOSED);
  EXPECT_EQ(events[0].observer_slug(), "cyber-ngo");
  EXPECT_EQ(events[0].sender(), "secretariat");
  EXPECT_EQ(events[1].type(), v1::AUDIT_EVENT_OBSERVER_ACCREDITED);
  EXPECT_GE(FromProto(events[1].relay_time()), FromProto(proposed->proposal().silence_ends_at()));
}

TEST_F(ObserversTest, OneObjectionRejectsTheAccreditationAndTheObserverStaysDenied) {
  StartRelay("3s");
  auto proposed = Propose("cyber-ngo");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string id = proposed->proposal().id();

  v1::ObjectToObserverResponse objected;
  const grpc::Status s =
      Object(Node("FRA"), Objection(id, "FRA", net_->SigningKey("FRA")), &objected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(objected.record().status(), v1::OBSERVER_STATUS_REJECTED);
  EXPECT_FALSE(objected.duplicate());

  // The same State again changes nothing; another State's objection is still recorded.
  const size_t logged = AuditEvents().size();
  v1::ObjectToObserverResponse again;
  ASSERT_TRUE(Object(Node("FRA"), Objection(id, "FRA", net_->SigningKey("FRA")), &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(AuditEvents().size(), logged);
  v1::ObjectToObserverResponse ken;
  ASSERT_TRUE(Object(Node("KEN"), Objection(id, "KEN", net_->SigningKey("KEN")), &ken).ok());
  EXPECT_EQ(ken.record().status(), v1::OBSERVER_STATUS_REJECTED);
  EXPECT_EQ(ken.record().objections_size(), 2);

  // Past the deadline it stays rejected, and the observer stays out.
  absl::SleepFor(absl::Seconds(3.5));
  EXPECT_EQ(StatusOf(id), v1::OBSERVER_STATUS_REJECTED);
  const grpc::Status denied = ReadCheckpoint(Observer());
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << denied.error_message();
  EXPECT_NE(denied.error_message().find("rejected"), std::string::npos) << denied.error_message();
  EXPECT_EQ(denied.error_message().find("FRA"), std::string::npos)
      << "the observer must not learn which State objected: " << denied.error_message();

  const std::vector<v1::AuditEvent> events = ObserverEvents(id);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type(), v1::AUDIT_EVENT_OBSERVER_PROPOSED);
  EXPECT_EQ(events[1].type(), v1::AUDIT_EVENT_OBSERVER_OBJECTED);
  EXPECT_EQ(events[1].state(), "FRA");
  EXPECT_EQ(events[2].type(), v1::AUDIT_EVENT_OBSERVER_REJECTED);
  EXPECT_EQ(events[3].type(), v1::AUDIT_EVENT_OBSERVER_OBJECTED);
  EXPECT_EQ(events[3].state(), "KEN");
}

TEST_F(ObserversTest, AnObjectionAfterTheSilencePeriodIsRefusedAndTheAccreditationStands) {
  StartRelay("1s");
  auto proposed = Propose("cyber-ngo");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string id = proposed->proposal().id();
  ASSERT_TRUE(WaitFor([&] { return StatusOf(id) == v1::OBSERVER_STATUS_ACCREDITED; }));

  v1::ObjectToObserverResponse response;
  const grpc::Status late =
      Object(Node("FRA"), Objection(id, "FRA", net_->SigningKey("FRA")), &response);
  EXPECT_EQ(late.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << late.error_message();
  EXPECT_NE(late.error_message().find("no longer accepted"), std::string::npos)
      << late.error_message();
  EXPECT_EQ(StatusOf(id), v1::OBSERVER_STATUS_ACCREDITED);
  EXPECT_TRUE(ReadCheckpoint(Observer()).ok());
}

TEST_F(ObserversTest, AnObserverNeverProposedIsDeniedEverythingButItsOwnEmptyListing) {
  StartRelay("1s");
  const grpc::Status denied = ReadCheckpoint(Observer());
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("no accreditation was proposed"), std::string::npos)
      << denied.error_message();
  EXPECT_TRUE(List(Observer()).empty());
}

TEST_F(ObserversTest, AnAccreditedObserverCannotSendReadStateTrafficOrObject) {
  StartRelay("1s");
  auto mine = Propose("cyber-ngo");
  auto other = Propose("other-ngo");
  ASSERT_TRUE(mine.ok() && other.ok());
  ASSERT_TRUE(
      WaitFor([&] { return StatusOf(mine->proposal().id()) == v1::OBSERVER_STATUS_ACCREDITED; }));
  ASSERT_TRUE(ReadCheckpoint(Observer()).ok());

  auto relay = v1::Relay::NewStub(Observer());
  {  // cannot send, not even a validly signed State message
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA"));
    v1::SubmitResponse response;
    EXPECT_EQ(relay->Submit(&ctx, request, &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  {  // cannot open a session, where State traffic is delivered
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    auto stream = relay->Session(&ctx);
    v1::RelayFrame frame;
    EXPECT_FALSE(stream->Read(&frame));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  {  // cannot read the directory of points of contact
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetDirectoryResponse response;
    EXPECT_EQ(relay->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  v1::ObjectToObserverResponse response;
  EXPECT_EQ(Object(Observer(), Objection(other->proposal().id(), "FRA", net_->SigningKey("FRA")),
                   &response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // It sees its own proposal only.
  const std::vector<v1::ObserverRecord> seen = List(Observer());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].proposal().slug(), "cyber-ngo");
}

TEST_F(ObserversTest, ForgedObjectionsAreRefusedAndChangeNothing) {
  StartRelay("60s");
  auto proposed = Propose("cyber-ngo");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string id = proposed->proposal().id();
  const size_t logged = AuditEvents().size();
  auto stranger = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(stranger.ok());

  struct Case {
    const char* what;
    std::shared_ptr<grpc::Channel> channel;
    v1::Signed objection;
    grpc::StatusCode code;
  };
  const std::vector<Case> cases = {
      {"a key not in the directory", Node("FRA"), Objection(id, "FRA", *stranger),
       grpc::StatusCode::UNAUTHENTICATED},
      {"FRA's objection sent with KEN's certificate", Node("KEN"),
       Objection(id, "FRA", net_->SigningKey("FRA")), grpc::StatusCode::PERMISSION_DENIED},
      {"KEN's key claiming to be FRA", Node("KEN"), Objection(id, "FRA", net_->SigningKey("KEN")),
       grpc::StatusCode::PERMISSION_DENIED},
      {"FRA's key under another signing domain", Node("FRA"),
       Objection(id, "FRA", net_->SigningKey("FRA"), kEnvelopeDomain),
       grpc::StatusCode::UNAUTHENTICATED},
      {"the Secretariat", Admin(), Objection(id, "FRA", net_->SigningKey("FRA")),
       grpc::StatusCode::PERMISSION_DENIED},
  };
  for (const Case& c : cases) {
    v1::ObjectToObserverResponse response;
    const grpc::Status s = Object(c.channel, c.objection, &response);
    EXPECT_EQ(s.error_code(), c.code) << c.what << ": " << s.error_message();
  }
  v1::ObjectToObserverResponse response;
  EXPECT_EQ(
      Object(Node("FRA"), Objection("no-such-proposal", "FRA", net_->SigningKey("FRA")), &response)
          .error_code(),
      grpc::StatusCode::NOT_FOUND);

  const std::vector<v1::ObserverRecord> records = List(Admin());
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].status(), v1::OBSERVER_STATUS_PENDING);
  EXPECT_EQ(records[0].objections_size(), 0);
  EXPECT_EQ(AuditEvents().size(), logged);
}

TEST_F(ObserversTest, AProposalSurvivesARelayCrashAndIsDecidedAtStartWhenItsDeadlinePassed) {
  StartRelay("4s");
  auto proposed = Propose("cyber-ngo");
  ASSERT_TRUE(proposed.ok()) << proposed.status();
  const std::string id = proposed->proposal().id();

  net_->StopRelay(SIGKILL);  // answered means durable
  StartRelay("4s");
  EXPECT_EQ(StatusOf(id), v1::OBSERVER_STATUS_PENDING);

  net_->StopRelay(SIGTERM);
  const absl::Time ends = FromProto(proposed->proposal().silence_ends_at());
  absl::SleepFor(ends - absl::Now() + absl::Milliseconds(500));
  StartRelay("4s");
  // Decided before the relay served its first call.
  EXPECT_EQ(StatusOf(id), v1::OBSERVER_STATUS_ACCREDITED);
  EXPECT_TRUE(ReadCheckpoint(Observer()).ok());
  const std::vector<v1::AuditEvent> events = ObserverEvents(id);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type(), v1::AUDIT_EVENT_OBSERVER_ACCREDITED);
}

TEST_F(ObserversTest, AProposalWithAMissingFieldIsRefusedNamingIt) {
  StartRelay("1s");
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::ProposeObserverRequest request;
  request.set_slug("Not A Slug");
  v1::ProposeObserverResponse response;
  const grpc::Status s = v1::Observers::NewStub(Admin())->ProposeObserver(&ctx, request, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().rfind("slug:", 0), 0u) << s.error_message();
  EXPECT_TRUE(List(Admin()).empty());
}

}  // namespace
}  // namespace poc::testing
