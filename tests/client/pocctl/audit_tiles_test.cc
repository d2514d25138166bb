// pocctl audit over tlog-tiles: tile paths and bundles as the relay's HTTP server writes them,
// and `pocctl audit verify --from-tiles` against RelayHttpServer in-process.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "client/pocctl/pocctl.h"
#include "client/pocctl/tlog_tiles.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/util/clock.h"
#include "gtest/gtest.h"
#include "poc/v1/audit.pb.h"
#include "server/http/relay_http_server.h"
#include "server/http/tile_encoding.h"
#include "server/http/tile_paths.h"
#include "tests/server/http/in_memory_audit_reader.h"

namespace poc::pocctl {
namespace {

constexpr char kOrigin[] = "un.example/poc-audit";

TEST(TlogTilesTest, IndexPathsAreTheServersPaths) {
  for (uint64_t n : {0ull, 1ull, 999ull, 1000ull, 1234067ull, 18446744073709551615ull}) {
    EXPECT_EQ(TileIndexPath(n), FormatTileIndex(n)) << n;
  }
}

TEST(TlogTilesTest, BundleAndTilePathsParseAsFullOrPartialTiles) {
  auto full = ParseTilePath(EntryBundlePath(2, 1000));
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(*full, (TilePath{true, 0, 2, 256}));
  EXPECT_EQ(EntryBundlePath(3, 1000), "tile/entries/003.p/232");
  auto partial = ParseTilePath(LeafTilePath(3, 1000));
  ASSERT_TRUE(partial.ok()) << partial.status();
  EXPECT_EQ(*partial, (TilePath{false, 0, 3, 232}));
  EXPECT_EQ(LeafTilePath(1, 1000), "tile/0/001");
}

TEST(TlogTilesTest, BundlesRoundTripWithTheServersEncoder) {
  const std::vector<std::string> entries = {"a", "", std::string(300, 'x'), "last"};
  auto body = EncodeEntryBundle(entries);
  ASSERT_TRUE(body.ok());
  std::vector<std::string_view> parsed;
  ASSERT_TRUE(ParseEntryBundle(*body, 4, &parsed).ok());
  ASSERT_EQ(parsed.size(), 4u);
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(parsed[i], entries[i]);
}

TEST(TlogTilesTest, MalformedBundlesAndTilesAreRejected) {
  auto body = EncodeEntryBundle({"abc", "defg"});
  ASSERT_TRUE(body.ok());
  std::vector<std::string_view> parsed;
  EXPECT_FALSE(ParseEntryBundle(body->substr(0, body->size() - 1), 2, &parsed).ok());
  EXPECT_FALSE(ParseEntryBundle(*body, 3, &parsed).ok());
  EXPECT_FALSE(ParseEntryBundle(*body, 1, &parsed).ok());
  EXPECT_FALSE(ParseEntryBundle(std::string("\x00", 1), 1, &parsed).ok());
  std::vector<merkle::Hash32> hashes;
  EXPECT_TRUE(ParseHashTile(std::string(64, 'h'), 2, &hashes).ok());
  EXPECT_FALSE(ParseHashTile(std::string(63, 'h'), 2, &hashes).ok());
}

// Serves the in-memory log, but with one entry's data changed (the tree stays as signed).
class TamperedReader final : public AuditReader {
 public:
  explicit TamperedReader(AuditReader* inner) : inner_(inner) {}
  void set_bad(int64_t index) { bad_ = index; }
  absl::StatusOr<std::string> LatestCheckpointNote() override {
    return inner_->LatestCheckpointNote();
  }
  absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                      uint64_t count) override {
    return inner_->NodeHashes(level, index, count);
  }
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override {
    auto entries = inner_->Entries(start, count);
    if (entries.ok() && bad_ >= static_cast<int64_t>(start) &&
        bad_ < static_cast<int64_t>(start + count)) {
      (*entries)[bad_ - start] += "!";
    }
    return entries;
  }

 private:
  AuditReader* inner_;
  int64_t bad_ = -1;
};

class AuditTilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    auto signer = Ed25519NoteSigner::Create(kOrigin, *std::move(key));
    ASSERT_TRUE(signer.ok());
    vkey_ = signer->VerifierKey();
    std::vector<std::string> entries;
    for (int i = 0; i < 1000; ++i) {
      v1::AuditEvent e;
      e.set_type(v1::AUDIT_EVENT_SUBMITTED);
      e.set_message_id(absl::StrCat("message-", i));
      e.set_sender("FRA");
      entries.push_back(e.SerializeAsString());
    }
    ASSERT_TRUE(log_.Append(entries).ok());
    auto note = SignCheckpoint(Checkpoint{kOrigin, log_.size(), log_.root(), {}}, *signer);
    ASSERT_TRUE(note.ok());
    log_.SetCheckpointNote(*note);
    auto server = RelayHttpServer::Start("127.0.0.1:0", &reader_, &metrics_, [] { return true; });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    dir_ = std::filesystem::temp_directory_path() /
           ("pocctl-audit-tiles-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Url() const { return absl::StrCat("http://127.0.0.1:", server_->port(), "/audit"); }

  int Pocctl(std::vector<std::string> args, std::string* out, std::string* err = nullptr) {
    args.insert(args.begin(), "pocctl");
    std::vector<const char*> argv;
    argv.reserve(args.size());
    for (const auto& a : args) argv.push_back(a.c_str());
    std::ostringstream o, e;
    SystemClock clock;
    Environment env;
    env.out = &o;
    env.err = &e;
    env.clock = &clock;
    const int code = RunPocctl(static_cast<int>(argv.size()), argv.data(), env);
    *out = o.str() + e.str();
    if (err != nullptr) *err = e.str();
    return code;
  }

  int Verify(const std::string& url, std::string* out) {
    return Pocctl({"audit", "verify", "--json", "--from-tiles", url, "--vkey", vkey_, "--state",
                   (dir_ / "seen.json").string()},
                  out);
  }

  testing::InMemoryAuditReader log_;
  TamperedReader reader_{&log_};
  RelayMetrics metrics_;
  std::unique_ptr<RelayHttpServer> server_;
  std::string vkey_;
  std::filesystem::path dir_;
};

TEST_F(AuditTilesTest, VerifyFromTilesSucceedsOnAnHonestLog) {
  std::string out;
  ASSERT_EQ(Verify(Url(), &out), 0) << out;
  EXPECT_NE(out.find("\"verified\":true"), std::string::npos) << out;
  EXPECT_NE(out.find("\"tree_size\":1000"), std::string::npos) << out;
  // The checkpoint is remembered for the next run.
  EXPECT_TRUE(std::filesystem::exists(dir_ / "seen.json"));
  ASSERT_EQ(Verify(Url(), &out), 0) << out;
}

TEST_F(AuditTilesTest, VerifyFromTilesNamesAChangedEntry) {
  reader_.set_bad(300);
  std::string out;
  EXPECT_EQ(Verify(Url(), &out), 1) << out;
  EXPECT_NE(out.find("\"first_bad_index\":300"), std::string::npos) << out;
}

TEST_F(AuditTilesTest, AWrongVerifierKeyFailsVerification) {
  auto other = Ed25519NoteSigner::Create(kOrigin, *Ed25519PrivateKey::Generate());
  ASSERT_TRUE(other.ok());
  vkey_ = other->VerifierKey();
  std::string out;
  EXPECT_EQ(Verify(Url(), &out), 1) << out;
  EXPECT_NE(out.find("does not verify"), std::string::npos) << out;
}

TEST_F(AuditTilesTest, UnreachableServerAndWrongPrefixAreConnectionErrors) {
  std::string out;
  EXPECT_EQ(Verify(Url() + "/nothing-here", &out), 2) << out;
  EXPECT_NE(out.find("404"), std::string::npos) << out;
  const int port = server_->port();
  server_->Stop();
  EXPECT_EQ(Verify(absl::StrCat("http://127.0.0.1:", port, "/audit"), &out), 2) << out;
  EXPECT_NE(out.find("cannot fetch"), std::string::npos) << out;
  EXPECT_EQ(Pocctl({"audit", "verify", "--from-tiles", "https://x/audit", "--vkey", vkey_}, &out),
            2);
  EXPECT_NE(out.find("not an http:// URL"), std::string::npos) << out;
}

}  // namespace
}  // namespace poc::pocctl
