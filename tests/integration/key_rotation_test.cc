// Signing-key rotation over real processes (README, "Rotating a signing key"): a State's node
// announces its next key with `pocctl key announce`; the relay and the nodes accept both keys
// during the overlap, then only the new one; forged announcements change nothing; the
// rotation survives restarts of the relay and of the node, and is in the audit log.
#include "common/directory/key_rotation.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>

#include "common/crypto/key_files.h"
#include "common/directory/key_possession.h"
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

// The relay's overlap in these tests: short, so that its end can be waited for.
const Strings kShortOverlap = {"--key-rotation-overlap", "2s"};

class KeyRotationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(Strings{"FRA", "KEN", "BRA"});
    // FRA's next key, made on FRA's node as an operator would.
    next_dir_ = net_->dir() + "/next";
    net_->Pki({"signing-key", "--out", next_dir_, "--name", "next", "--state", "FRA"});
    auto next = LoadPrivateKeyFile(next_dir_ + "/next.key");
    ASSERT_TRUE(next.ok()) << next.status();
    next_ = std::make_unique<Ed25519PrivateKey>(*std::move(next));
  }

  void Connect() {
    auto channel = net_->RelayChannel(net_->NodeDir("FRA"));
    fra_ = v1::Relay::NewStub(channel);
    audit_ = v1::Audit::NewStub(channel);
  }

  RunResult Pocctl(const std::string& state, const Strings& args) {
    Strings argv = {"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl"), "--node",
                    net_->NodeDir(state)};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }

  // FRA's message to KEN created at `created`, signed with `key`, submitted over FRA's
  // certificate.
  grpc::Status SubmitFra(const Ed25519PrivateKey& key, absl::Time created = absl::Now()) {
    v1::Message m = MakeMessage("FRA", {"KEN"});
    *m.mutable_created_at() = ToProto(created);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::SubmitRequest request;
    *request.mutable_envelope() = Sign(m, key);
    v1::SubmitResponse response;
    return fra_->Submit(&ctx, request, &response);
  }

  v1::Directory Served() {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetDirectoryResponse response;
    EXPECT_TRUE(fra_->GetDirectory(&ctx, v1::GetDirectoryRequest(), &response).ok());
    v1::Directory directory;
    EXPECT_TRUE(directory.ParseFromString(response.directory().body()));
    return directory;
  }

  const v1::SigningKey* KeyIn(const v1::Directory& d, const std::string& key_id) {
    for (const v1::StateEntry& s : d.states()) {
      for (const v1::SigningKey& k : s.keys()) {
        if (k.key_id() == key_id) return &k;
      }
    }
    return nullptr;
  }

  std::vector<v1::AuditEvent> Entries() {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetEntriesRequest request;
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

  grpc::Status Announce(v1::Relay::Stub* stub, const v1::Signed& announcement,
                        v1::AnnounceKeyResponse* response = nullptr) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::AnnounceKeyRequest request;
    *request.mutable_announcement() = announcement;
    v1::AnnounceKeyResponse ignored;
    return stub->AnnounceKey(&ctx, request, response != nullptr ? response : &ignored);
  }

  // An announcement of the next key by FRA, its body edited by `edit`, signed by `signer`.
  v1::Signed Forged(const Ed25519PrivateKey& signer,
                    const std::function<void(v1::KeyAnnouncement*)>& edit) {
    v1::KeyAnnouncement a;
    a.set_state("FRA");
    a.set_key_id(next_->public_key().key_id());
    a.set_public_key(next_->public_key().raw());
    a.set_proof(ProveKeyPossession(*next_, "FRA"));
    a.set_previous_key_id(signer.public_key().key_id());
    *a.mutable_announced_at() = ToProto(absl::Now());
    edit(&a);
    return SignStatement(kKeyAnnouncementDomain, a.SerializeAsString(), signer);
  }

  v1::StatusResponse NodeStatus(const std::string& state) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::StatusResponse status;
    EXPECT_TRUE(net_->Control(state)->Status(&ctx, v1::StatusRequest(), &status).ok());
    return status;
  }

  std::string OldId() { return net_->SigningKey("FRA").public_key().key_id(); }
  std::string NewId() { return next_->public_key().key_id(); }

  std::unique_ptr<TestNetwork> net_;
  std::string next_dir_;
  std::unique_ptr<Ed25519PrivateKey> next_;
  std::unique_ptr<v1::Relay::Stub> fra_;
  std::unique_ptr<v1::Audit::Stub> audit_;
};

TEST_F(KeyRotationTest, TheRelayAcceptsBothKeysDuringTheOverlapThenOnlyTheNewOne) {
  net_->StartRelay(kShortOverlap);
  net_->StartNode("FRA");
  Connect();
  EXPECT_EQ(SubmitFra(*next_).error_code(), grpc::StatusCode::UNAUTHENTICATED);  // not yet

  const RunResult announced = Pocctl("FRA", {"key", "announce", "--key", next_dir_ + "/next.key"});
  ASSERT_EQ(announced.exit_code, 0) << announced.output << net_->node("FRA").Log();
  EXPECT_NE(announced.output.find(NewId()), std::string::npos) << announced.output;

  const v1::Directory served = Served();
  EXPECT_EQ(served.version(), 2u);
  const v1::SigningKey* old_key = KeyIn(served, OldId());
  const v1::SigningKey* new_key = KeyIn(served, NewId());
  ASSERT_NE(old_key, nullptr);
  ASSERT_NE(new_key, nullptr);
  EXPECT_EQ(new_key->status(), v1::KEY_STATUS_ACTIVE);
  EXPECT_EQ(old_key->status(), v1::KEY_STATUS_RETIRED);
  const absl::Time overlap_end = FromProto(old_key->valid_until());
  EXPECT_EQ(overlap_end, FromProto(new_key->valid_from()) + absl::Seconds(2));

  // During the overlap both keys sign.
  const absl::Time during = FromProto(new_key->valid_from());
  EXPECT_TRUE(SubmitFra(net_->SigningKey("FRA"), during).ok());
  EXPECT_TRUE(SubmitFra(*next_, during).ok());

  // After it, only the new key; a message is judged by its created_at, so one created during
  // the overlap still passes.
  ASSERT_TRUE(WaitFor([&] { return absl::Now() > overlap_end + absl::Milliseconds(100); }));
  const grpc::Status late = SubmitFra(net_->SigningKey("FRA"));
  EXPECT_EQ(late.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(late.error_message().find("expired at"), std::string::npos) << late.error_message();
  EXPECT_TRUE(SubmitFra(*next_).ok());
  EXPECT_TRUE(SubmitFra(net_->SigningKey("FRA"), during).ok());
}

TEST_F(KeyRotationTest, AReceivingNodeLearnsTheNewKeyAtOnceAndAcceptsBothDuringTheOverlap) {
  net_->StartRelay(kShortOverlap);
  net_->StartNode("FRA");
  net_->StartNode("KEN");
  Connect();
  ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected("KEN"); })) << net_->node("KEN").Log();

  const RunResult announced = Pocctl("FRA", {"key", "announce", "--key", next_dir_ + "/next.key"});
  ASSERT_EQ(announced.exit_code, 0) << announced.output << net_->node("FRA").Log();
  const absl::Time announced_at = FromProto(KeyIn(Served(), NewId())->valid_from());

  // KEN's open session is told of the new directory; its copy lists both keys.
  ASSERT_TRUE(WaitFor([&] {
    const RunResult keys = Pocctl("KEN", {"directory", "show", "FRA"});
    return keys.output.find(NewId()) != std::string::npos;
  })) << net_->node("KEN").Log();
  EXPECT_EQ(NodeStatus("KEN").directory_version(), 2u);

  // A message signed with the old key during the overlap, and one with the new key, both
  // reach KEN's inbox.
  ASSERT_TRUE(SubmitFra(net_->SigningKey("FRA"), announced_at).ok());
  const RunResult sent = Pocctl("FRA", {"send", "--to", "KEN", "--type", "notification",
                                        "--subject", "Signed with the new key", "--summary", "x"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  ASSERT_TRUE(WaitFor([&] {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ListResponse inbox;
    return net_->Control("KEN")->List(&ctx, v1::ListRequest(), &inbox).ok() &&
           inbox.messages_size() == 2;
  })) << net_->node("KEN").Log();
  EXPECT_EQ(net_->node("KEN").Log().find("refusing delivery"), std::string::npos)
      << net_->node("KEN").Log();
}

TEST_F(KeyRotationTest, ForgedAnnouncementsAreRefusedWithAClearErrorAndChangeNothing) {
  net_->StartRelay();
  Connect();
  const size_t audit_size = Entries().size();
  const Ed25519PrivateKey& fra = net_->SigningKey("FRA");
  const Ed25519PrivateKey& ken = net_->SigningKey("KEN");

  // Signed by another State's key.
  grpc::Status s = Announce(fra_.get(), Forged(ken, [](v1::KeyAnnouncement*) {}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_NE(s.error_message().find("not a key of FRA"), std::string::npos) << s.error_message();
  // Sent over another State's certificate.
  auto ken_stub = net_->RelayClient(net_->NodeDir("KEN"));
  s = Announce(ken_stub.get(), Forged(fra, [](v1::KeyAnnouncement*) {}));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << s.error_message();
  EXPECT_NE(s.error_message().find("only for its own State"), std::string::npos)
      << s.error_message();
  // Without a proof of possession, and with a proof for another State.
  s = Announce(fra_.get(), Forged(fra, [](v1::KeyAnnouncement* a) { a->clear_proof(); }));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_NE(s.error_message().find("no proof of possession"), std::string::npos)
      << s.error_message();
  s = Announce(fra_.get(), Forged(fra, [&](v1::KeyAnnouncement* a) {
                 a->set_proof(ProveKeyPossession(*next_, "KEN"));
               }));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  // A signature that does not verify.
  v1::Signed broken = Forged(fra, [](v1::KeyAnnouncement*) {});
  broken.mutable_signature()->front() ^= 1;
  s = Announce(fra_.get(), broken);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  // A key already in the directory (KEN's, whose proof this test can make).
  s = Announce(fra_.get(), Forged(fra, [&](v1::KeyAnnouncement* a) {
                 a->set_key_id(ken.public_key().key_id());
                 a->set_public_key(ken.public_key().raw());
                 a->set_proof(ProveKeyPossession(ken, "FRA"));
               }));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  EXPECT_NE(s.error_message().find("already in the directory"), std::string::npos)
      << s.error_message();

  EXPECT_EQ(Served().version(), 1u);
  EXPECT_EQ(KeyIn(Served(), NewId()), nullptr);
  EXPECT_EQ(Entries().size(), audit_size);
  EXPECT_TRUE(SubmitFra(fra).ok());
}

TEST_F(KeyRotationTest, TheAnnouncementIsLoggedIdempotentAndSurvivesRestartsAndReloads) {
  net_->StartRelay();
  Connect();
  const v1::Signed announcement =
      MakeKeyAnnouncement("FRA", net_->SigningKey("FRA"), *next_, absl::Now());
  v1::AnnounceKeyResponse first;
  ASSERT_TRUE(Announce(fra_.get(), announcement, &first).ok());
  EXPECT_FALSE(first.duplicate());

  // The audit log gains the KEY_ANNOUNCED leaf, then the new directory version.
  std::vector<v1::AuditEvent> events = Entries();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].type(), v1::AUDIT_EVENT_KEY_ANNOUNCED);
  EXPECT_EQ(first.audit_index(), 1u);
  EXPECT_EQ(events[1].state(), "FRA");
  EXPECT_EQ(events[1].key_id(), NewId());
  EXPECT_EQ(events[1].previous_key_id(), OldId());
  EXPECT_EQ(events[2].type(), v1::AUDIT_EVENT_DIRECTORY_LOADED);
  EXPECT_EQ(events[2].directory_version(), 2u);

  // The same announcement again: the same answer, nothing new logged. Another one for the same
  // key: refused.
  v1::AnnounceKeyResponse again;
  ASSERT_TRUE(Announce(fra_.get(), announcement, &again).ok());
  EXPECT_TRUE(again.duplicate());
  EXPECT_EQ(again.audit_index(), 1u);
  v1::Signed other = Forged(net_->SigningKey("FRA"), [](v1::KeyAnnouncement* a) {
    *a->mutable_announced_at() = ToProto(absl::Now() + absl::Seconds(1));
  });
  const grpc::Status s = Announce(fra_.get(), other);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::ALREADY_EXISTS) << s.error_message();
  // Another State's node replaying it learns nothing and changes nothing.
  const grpc::Status replayed =
      Announce(net_->RelayClient(net_->NodeDir("KEN")).get(), announcement);
  EXPECT_EQ(replayed.error_code(), grpc::StatusCode::PERMISSION_DENIED) << replayed.error_message();
  EXPECT_EQ(Entries().size(), 3u);

  // A restart keeps it, without a new version or leaf.
  fra_.reset();
  audit_.reset();
  net_->StopRelay(SIGTERM);
  net_->StartRelay();
  Connect();
  EXPECT_EQ(Served().version(), 2u);
  ASSERT_NE(KeyIn(Served(), NewId()), nullptr);
  EXPECT_EQ(Entries().size(), 3u);

  // The Secretariat's next file (version 2, a new group) is published above the version served,
  // with the announcement still applied.
  net_->WriteDirectory(2, {}, "[[group]]\nname = \"pilot\"\nmembers = [\"KEN\"]\n");
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] { return Served().version() == 3u; })) << net_->relay().Log();
  ASSERT_NE(KeyIn(Served(), NewId()), nullptr);
  EXPECT_EQ(KeyIn(Served(), OldId())->status(), v1::KEY_STATUS_RETIRED);
  EXPECT_TRUE(SubmitFra(*next_).ok());
  // An older file is still refused.
  net_->WriteDirectory(1);
  net_->relay().Signal(SIGHUP);
  ASSERT_TRUE(WaitFor([&] {
    return net_->relay().Log().find("version 1 is older than version 2") != std::string::npos;
  })) << net_->relay().Log();
  EXPECT_EQ(Served().version(), 3u);
}

TEST_F(KeyRotationTest, ARestartedNodeKeepsSigningWithTheNewKey) {
  net_->StartRelay();
  net_->StartNode("FRA");
  Connect();
  const RunResult announced =
      Pocctl("FRA", {"key", "announce", "--key", next_dir_ + "/next.key", "--json"});
  ASSERT_EQ(announced.exit_code, 0) << announced.output << net_->node("FRA").Log();
  const std::string key_file = net_->NodeDir("FRA") + "/signing.key";
  const std::string retired = key_file + ".retired-" + OldId();
  EXPECT_NE(announced.output.find(retired), std::string::npos) << announced.output;

  net_->StopNode("FRA", SIGTERM);
  auto on_disk = LoadPrivateKeyFile(key_file);
  ASSERT_TRUE(on_disk.ok()) << on_disk.status();
  EXPECT_EQ(on_disk->public_key().key_id(), NewId());
  auto kept = LoadPrivateKeyFile(retired);
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->public_key().key_id(), OldId());

  net_->StartNode("FRA");
  EXPECT_EQ(NodeStatus("FRA").signing_key_id(), NewId());
  const RunResult sent =
      Pocctl("FRA", {"send", "--to", "KEN", "--type", "notification", "--subject",
                     "After the restart", "--summary", "x", "--json"});
  ASSERT_EQ(sent.exit_code, 0) << sent.output;
  EXPECT_NE(sent.output.find("OUTBOX_STATE_SUBMITTED"), std::string::npos) << sent.output;
  const RunResult keys = Pocctl("FRA", {"key", "list"});
  EXPECT_EQ(keys.exit_code, 0) << keys.output;
  EXPECT_NE(keys.output.find(NewId()), std::string::npos) << keys.output;
  EXPECT_NE(keys.output.find("signs"), std::string::npos) << keys.output;

  // Announcing the key it already signs with is refused with advice.
  const RunResult again = Pocctl("FRA", {"key", "announce", "--key", key_file});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("already the key this node signs with"), std::string::npos)
      << again.output;
}

}  // namespace
}  // namespace poc::testing
