// States as witnesses of the relay's audit log (DESIGN.md, "States as witnesses"): nodes
// verify and cosign the relay's checkpoints, the relay publishes the cosignatures, and a node
// raises an alarm, with evidence, when the relay forks or rolls back its log.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "common/checkpoint/cosignature.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/checkpoint/witness_name.h"
#include "common/crypto/key_files.h"
#include "common/tls/credentials.h"
#include "common/util/clock.h"
#include "common/util/files.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "tests/integration/http_get.h"
#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

constexpr char kWitnessFast[] = "witness_interval = \"200ms\"";

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(std::vector<std::string>{"FRA", "KEN"});
    for (const std::string state : {"FRA", "KEN"}) {
      const std::string hook = net_->NodeDir(state) + "/hook.sh";
      std::ofstream(hook) << "#!/bin/sh\ncat >> " << net_->NodeDir(state) << "/alarms.jsonl\n";
      std::filesystem::permissions(hook, std::filesystem::perms::owner_all);
      net_->SetNodeExtras(state, std::string(kWitnessFast) + "\nalarm_command = \"" + hook + "\"");
    }
    auto relay_key = LoadPublicKeyFile(net_->dir() + "/relay/relay-signing.pub");
    ASSERT_TRUE(relay_key.ok()) << relay_key.status();
    relay_key_ = std::make_unique<Ed25519PublicKey>(*relay_key);
  }

  void StartRelay() { net_->StartRelay({"--checkpoint-interval", "1s"}); }

  void StartConnected(const std::string& state) {
    net_->StartNode(state);
    ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(state); })) << net_->node(state).Log();
  }

  std::string Send(const std::string& from, const std::string& to) {
    v1::SendRequest request;
    request.add_recipients(to);
    request.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
    *request.mutable_template_() = MakeMessage(from, {to}).template_();
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SendResponse response;
    grpc::Status s = net_->Control(from)->Send(&ctx, request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.message_id();
  }

  v1::WitnessStatus Witness(const std::string& state) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, absl::Seconds(2));
    v1::StatusResponse r;
    if (!net_->Control(state)->Status(&ctx, v1::StatusRequest(), &r).ok()) r.Clear();
    return r.witness();
  }

  bool HasAlarm(const std::string& state, const std::string& kind) {
    const v1::WitnessStatus w = Witness(state);
    for (const auto& a : w.alarms()) {
      if (a.kind() == kind) return true;
    }
    return false;
  }

  // The relay's published checkpoint, through `state`'s TLS identity at `address`.
  v1::GetCheckpointResponse Published(const std::string& state, const std::string& address = "") {
    auto creds = MakeChannelCredentials(TlsFiles{net_->NodeDir(state) + "/ca.crt",
                                                 net_->NodeDir(state) + "/node.crt",
                                                 net_->NodeDir(state) + "/node.key"});
    EXPECT_TRUE(creds.ok());
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto stub = v1::Audit::NewStub(
        grpc::CreateCustomChannel(address.empty() ? net_->relay_address() : address, *creds, args));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetCheckpointResponse response;
    // Polled while the relay may have signed nothing yet: an error is an empty note.
    grpc::Status s = stub->GetCheckpoint(&ctx, v1::GetCheckpointRequest(), &response);
    if (!s.ok()) response.Clear();
    return response;
  }

  std::unique_ptr<CosignatureV1Verifier> WitnessVerifier(const std::string& state) {
    auto v =
        CosignatureV1Verifier::Create(WitnessName(state), net_->SigningKey(state).public_key());
    EXPECT_TRUE(v.ok()) << v.status();
    return std::make_unique<CosignatureV1Verifier>(*std::move(v));
  }

  // Opens a published note, verifying the relay's signature and both States' cosignatures.
  absl::StatusOr<OpenedCheckpoint> OpenPublished(const std::string& note) {
    const std::string origin = note.substr(0, note.find('\n'));
    auto relay = Ed25519NoteVerifier::Create(origin, *relay_key_);
    if (!relay.ok()) return relay.status();
    auto fra = WitnessVerifier("FRA");
    auto ken = WitnessVerifier("KEN");
    const NoteVerifier* witnesses[] = {fra.get(), ken.get()};
    return OpenCheckpoint(note, *relay, witnesses);
  }

  std::unique_ptr<TestNetwork> net_;
  std::unique_ptr<Ed25519PublicKey> relay_key_;
};

TEST_F(WitnessTest, BothStatesCosignThePublishedCheckpointAndProveTheirMessages) {
  StartRelay();
  StartConnected("FRA");
  StartConnected("KEN");
  Send("FRA", "KEN");
  Send("KEN", "FRA");

  // The relay's published note carries valid cosignatures of both States.
  uint64_t cosigned_size = 0;
  ASSERT_TRUE(WaitFor([&] {
    auto opened = OpenPublished(Published("FRA").note());
    if (!opened.ok() || opened->note.verified.size() != 3) return false;
    cosigned_size = opened->checkpoint.size;
    return Witness("FRA").inclusions_verified() == 2 && Witness("KEN").inclusions_verified() == 2;
  })) << net_->node("FRA").Log()
      << net_->node("KEN").Log();
  // Two submissions and two deliveries, all four logged before the checkpoint both cosigned.
  EXPECT_GE(cosigned_size, 4u);
  for (const std::string state : {"FRA", "KEN"}) {
    const v1::WitnessStatus w = Witness(state);
    EXPECT_GE(w.checkpoint_size(), 4u) << state;
    EXPECT_EQ(w.alarms_size(), 0) << state << ": " << w.DebugString();
  }
  EXPECT_FALSE(std::filesystem::exists(net_->NodeDir("FRA") + "/evidence"));

  // The public HTTP checkpoint carries the same cosignatures, for auditors without credentials.
  EXPECT_TRUE(WaitFor([&] {
    const HttpResult http = HttpGet(net_->relay_http_port(), "/audit/checkpoint");
    auto opened = OpenPublished(http.body);
    return http.status == 200 && opened.ok() && opened->note.verified.size() == 3;
  }));

  // pocctl status tells the operator.
  const RunResult status =
      RunCommand({BinaryPath("client/pocctl/pocctl"), "--node", net_->NodeDir("FRA"), "status"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_NE(status.output.find("2 messages proven in the log; no alarms"), std::string::npos)
      << status.output;

  // pocctl audit checkpoint verifies both cosignatures with the States' keys from the
  // relay-signed directory.
  const RunResult audit = RunCommand({BinaryPath("client/pocctl/pocctl"), "--node",
                                      net_->NodeDir("FRA"), "audit", "checkpoint", "--json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.output;
  const nlohmann::json checkpoint = nlohmann::json::parse(audit.output);
  std::map<std::string, std::string> cosignatures;
  for (const auto& c : checkpoint["cosignatures"]) cosignatures[c["name"]] = c["status"];
  EXPECT_EQ(cosignatures["poc-witness/FRA"], "verified") << audit.output;
  EXPECT_EQ(cosignatures["poc-witness/KEN"], "verified") << audit.output;
}

TEST_F(WitnessTest, BothNodesRaiseAForkAlarmWhenTwoRelaysShowThemDifferentLogs) {
  StartRelay();
  StartConnected("FRA");
  StartConnected("KEN");
  Send("FRA", "KEN");
  ASSERT_TRUE(WaitFor([&] {
    return Witness("FRA").inclusions_verified() == 1 && Witness("KEN").inclusions_verified() == 1;
  }));

  // Relay B: the same key and the same database as of now. Then each relay hears a different
  // story: FRA's message on A, KEN's on B, so both sign checkpoints of one size, two roots.
  net_->StopNode("FRA", SIGTERM);
  net_->StopNode("KEN", SIGTERM);
  net_->StopRelay(SIGTERM);
  const std::string folder_b = net_->CopyRelayFolder("relay-b");
  StartRelay();
  Process relay_b;
  const std::string address_b =
      net_->StartRelayFrom(folder_b, &relay_b, {"--checkpoint-interval", "1s"});
  ASSERT_FALSE(address_b.empty());
  net_->SetNodeRelay("KEN", address_b);
  StartConnected("FRA");
  StartConnected("KEN");
  // Both relays still serve the same latest checkpoint; both nodes verify it.
  uint64_t before = 0;
  ASSERT_TRUE(WaitFor([&] {
    before = Witness("FRA").checkpoint_size();
    return before > 0 && Witness("KEN").checkpoint_size() == before;
  }));
  Send("FRA", "KEN");
  Send("KEN", "FRA");
  ASSERT_TRUE(WaitFor([&] {
    return Witness("FRA").checkpoint_size() > before && Witness("KEN").checkpoint_size() > before;
  })) << net_->node("FRA").Log()
      << net_->node("KEN").Log();
  const uint64_t size = Witness("FRA").checkpoint_size();
  EXPECT_EQ(Witness("KEN").checkpoint_size(), size);
  EXPECT_NE(Published("FRA").note(), Published("KEN", address_b).note());
  EXPECT_EQ(Witness("FRA").alarms_size(), 0);
  EXPECT_EQ(Witness("KEN").alarms_size(), 0);

  // Each node now meets the other relay, and the checkpoint the other State cosigned.
  net_->StopNode("FRA", SIGTERM);
  net_->StopNode("KEN", SIGTERM);
  net_->SetNodeRelay("FRA", address_b);
  net_->SetNodeRelay("KEN", "");
  net_->StartNode("FRA");
  net_->StartNode("KEN");
  for (const std::string state : {"FRA", "KEN"}) {
    ASSERT_TRUE(WaitFor([&] { return HasAlarm(state, "fork"); })) << net_->node(state).Log();
    const v1::WitnessStatus w = Witness(state);
    ASSERT_EQ(w.alarms_size(), 1) << w.DebugString();
    const v1::WitnessAlarm& alarm = w.alarms(0);
    // The evidence: both checkpoints, each validly signed by the relay, of one log's size.
    auto verified = ReadFile(alarm.evidence() + "/verified.note");
    auto served = ReadFile(alarm.evidence() + "/served.note");
    ASSERT_TRUE(verified.ok() && served.ok()) << alarm.evidence();
    auto a = OpenPublished(*verified);
    auto b = OpenPublished(*served);
    ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
    EXPECT_NE(a->checkpoint.root_hash, b->checkpoint.root_hash);
    EXPECT_EQ(a->checkpoint.size, size);
    // The operator's hook got the alarm as JSON.
    std::string hooked;
    ASSERT_TRUE(WaitFor([&] {
      auto text = ReadFile(net_->NodeDir(state) + "/alarms.jsonl");
      if (text.ok()) hooked = *text;
      return !hooked.empty() && hooked.back() == '\n';
    }));
    const auto json = nlohmann::json::parse(hooked);
    EXPECT_EQ(json["kind"], "fork");
    EXPECT_EQ(json["state"], state);
    EXPECT_EQ(json["evidence"], alarm.evidence());
    // pocctl status shows it, in text and JSON.
    const RunResult status =
        RunCommand({BinaryPath("client/pocctl/pocctl"), "--node", net_->NodeDir(state), "status"});
    ASSERT_EQ(status.exit_code, 0) << status.output;
    EXPECT_NE(status.output.find("ALARM"), std::string::npos) << status.output;
    EXPECT_NE(status.output.find("fork at"), std::string::npos) << status.output;
    const RunResult json_status = RunCommand(
        {BinaryPath("client/pocctl/pocctl"), "--node", net_->NodeDir(state), "--json", "status"});
    ASSERT_EQ(json_status.exit_code, 0) << json_status.output;
    EXPECT_NE(json_status.output.find("\"fork\""), std::string::npos) << json_status.output;
  }
  // The alarm is raised once, not on every round.
  const std::string fra_log = net_->node("FRA").Log();
  size_t count = 0;
  for (size_t at = fra_log.find("WITNESS ALARM"); at != std::string::npos;
       at = fra_log.find("WITNESS ALARM", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1u) << fra_log;
  relay_b.Stop(SIGTERM);
}

TEST_F(WitnessTest, ANodeRaisesARollbackAlarmOnAnOlderCopyOfTheLog) {
  StartRelay();
  StartConnected("FRA");
  Send("FRA", "KEN");
  ASSERT_TRUE(WaitFor([&] { return Witness("FRA").inclusions_verified() == 1; }));
  net_->StopNode("FRA", SIGTERM);
  net_->StopRelay(SIGTERM);
  const std::string old_folder = net_->CopyRelayFolder("relay-old");
  StartRelay();
  StartConnected("FRA");
  Send("FRA", "KEN");
  Send("FRA", "KEN");
  ASSERT_TRUE(WaitFor([&] { return Witness("FRA").inclusions_verified() == 3; }));
  const uint64_t size = Witness("FRA").checkpoint_size();

  net_->StopNode("FRA", SIGTERM);
  Process old_relay;
  const std::string old_address = net_->StartRelayFrom(old_folder, &old_relay);
  ASSERT_FALSE(old_address.empty());
  net_->SetNodeRelay("FRA", old_address);
  net_->StartNode("FRA");
  ASSERT_TRUE(WaitFor([&] { return HasAlarm("FRA", "rollback"); })) << net_->node("FRA").Log();
  const v1::WitnessStatus w = Witness("FRA");
  EXPECT_EQ(w.checkpoint_size(), size);  // the node keeps its last good checkpoint
  auto served = ReadFile(w.alarms(0).evidence() + "/served.note");
  ASSERT_TRUE(served.ok());
  auto opened = OpenPublished(*served);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_LT(opened->checkpoint.size, size);
  old_relay.Stop(SIGTERM);
}

class AddCosignatureTest : public WitnessTest {
 protected:
  void SetUp() override {
    WitnessTest::SetUp();
    StartRelay();
    auto relay = net_->RelayClient(net_->NodeDir("FRA"));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(MakeMessage("FRA", {"KEN"}), net_->SigningKey("FRA"));
    v1::SubmitResponse response;
    ASSERT_TRUE(relay->Submit(&ctx, request, &response).ok());
    audit_ = v1::Audit::NewStub(net_->RelayChannel(net_->NodeDir("FRA")));
    grpc::ClientContext cctx;
    SetTestDeadline(&cctx);
    v1::GetCheckpointRequest fresh;
    fresh.set_fresh(true);
    v1::GetCheckpointResponse got;
    ASSERT_TRUE(audit_->GetCheckpoint(&cctx, fresh, &got).ok());
    auto opened = OpenPublished(got.note());
    ASSERT_TRUE(opened.ok()) << opened.status();
    opened_ = std::make_unique<OpenedCheckpoint>(*std::move(opened));
  }

  // The relay-signed note with a cosignature line by `key` under `name`.
  std::string Cosigned(const std::string& name, const Ed25519PrivateKey& key,
                       const std::string& text = "") {
    auto signer = CosignatureV1Signer::Create(name, key, &clock_);
    EXPECT_TRUE(signer.ok());
    const std::string t = text.empty() ? opened_->note.text : text;
    auto line = signer->Cosign(t, static_cast<uint64_t>(absl::ToUnixSeconds(absl::Now())));
    EXPECT_TRUE(line.ok());
    return t + "\n" + opened_->note.verified.front().Line() + line->Line();
  }

  grpc::Status Add(const std::string& note) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::AddCosignatureRequest request;
    request.set_note(note);
    v1::AddCosignatureResponse response;
    return audit_->AddCosignature(&ctx, request, &response);
  }

  SystemClock clock_;
  std::unique_ptr<v1::Audit::Stub> audit_;
  std::unique_ptr<OpenedCheckpoint> opened_;
};

TEST_F(AddCosignatureTest, TakesAStatesCosignatureAndPublishesIt) {
  ASSERT_TRUE(Add(Cosigned("poc-witness/FRA", net_->SigningKey("FRA"))).ok());
  auto opened = OpenPublished(Published("FRA").note());
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->note.verified.size(), 2u);
  EXPECT_EQ(opened->note.verified[1].name, "poc-witness/FRA");
}

TEST_F(AddCosignatureTest, RejectsAForgedCosignature) {
  auto forger = Ed25519PrivateKey::Generate();
  ASSERT_TRUE(forger.ok());
  grpc::Status s = Add(Cosigned("poc-witness/FRA", *forger));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  auto opened = OpenPublished(Published("FRA").note());
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->note.verified.size(), 1u);  // nothing was published
}

TEST_F(AddCosignatureTest, RejectsACosignatureUnderAnotherStatesName) {
  grpc::Status s = Add(Cosigned("poc-witness/KEN", net_->SigningKey("KEN")));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
}

TEST_F(AddCosignatureTest, RejectsACheckpointTheRelayDidNotSign) {
  Checkpoint other = opened_->checkpoint;
  other.root_hash[0] ^= 1;
  auto text = other.Format();
  ASSERT_TRUE(text.ok());
  grpc::Status s = Add(Cosigned("poc-witness/FRA", net_->SigningKey("FRA"), *text));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << s.error_message();
}

TEST_F(AddCosignatureTest, RejectsAMalformedNote) {
  grpc::Status s = Add("not a note");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  s = Add(opened_->note.text + "\n" + opened_->note.verified.front().Line());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
}

}  // namespace
}  // namespace poc::testing
