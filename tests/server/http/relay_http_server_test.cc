// RelayHttpServer over real TCP on 127.0.0.1: the audit log as C2SP tlog-tiles, read back and
// checked against the signed checkpoint the way an independent client would, plus the HTTP
// behaviour (methods, limits, keep-alive, health, metrics, start and stop).
#include "server/http/relay_http_server.h"

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/checkpoint/checkpoint.h"
#include "common/checkpoint/note.h"
#include "common/checkpoint/signed_checkpoint.h"
#include "common/crypto/ed25519.h"
#include "common/merkle/hasher.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/tile_encoding.h"
#include "tests/server/http/in_memory_audit_reader.h"
#include "tests/server/http/test_http_client.h"

namespace poc {
namespace {

namespace bhttp = boost::beast::http;
using ::poc::testing::InMemoryAuditReader;
using ::poc::testing::TestHttpClient;
using ::testing::HasSubstr;

constexpr char kOrigin[] = "relay.test/audit";
// 273 full level-0 tiles and one of width 112; one full level-1 tile and one of width 17; one
// level-2 tile of width 1 (the spec's own example size).
constexpr uint64_t kLogSize = 70000;

// The data of leaf i: lengths vary, some entries are empty.
std::string EntryData(uint64_t i) {
  if (i % 1000 == 5) return "";
  return absl::StrCat("audit-event ", i, " ", std::string(i % 50, 'p'));
}

// RFC 9162 §2.1.1 MTH over leaf hashes [lo, hi), hi > lo, written here from the RFC rather than
// taken from MerkleTree.
std::string Mth(const std::vector<std::string>& leaf_hashes, uint64_t lo, uint64_t hi) {
  if (hi - lo == 1) return leaf_hashes[lo];
  uint64_t k = 1;
  while (k * 2 < hi - lo) k *= 2;
  return merkle::NodeHash(Mth(leaf_hashes, lo, lo + k), Mth(leaf_hashes, lo + k, hi));
}

// MTH of [lo, hi) from the hashes of complete subtrees a client fetched: `known` maps (tree
// level, index) to the hash of leaves [index << level, (index + 1) << level).
using KnownHashes = std::map<std::pair<int, uint64_t>, std::string>;
std::string MthFromTiles(const KnownHashes& known, uint64_t lo, uint64_t hi) {
  const uint64_t n = hi - lo;
  if ((n & (n - 1)) == 0 && lo % n == 0) {
    int level = 0;
    while ((uint64_t{1} << level) < n) ++level;
    auto it = known.find({level, lo >> level});
    if (it != known.end()) return it->second;
  }
  if (n == 1) {
    ADD_FAILURE() << "no fetched tile holds leaf " << lo;
    return "";
  }
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return merkle::NodeHash(MthFromTiles(known, lo, lo + k), MthFromTiles(known, lo + k, hi));
}

// "/audit/tile/<kind>/<n>[.p/<width>]" for n < 1000 (one 3-digit index element), written here
// from the spec rather than with the server's formatter.
std::string TileTarget(const std::string& kind, uint64_t n, uint64_t width) {
  EXPECT_LT(n, 1000u);
  return absl::StrFormat("/audit/tile/%s/%03d%s", kind, n,
                         width == 256 ? "" : absl::StrFormat(".p/%d", width));
}

std::string Header(const TestHttpClient::Response& response, bhttp::field field) {
  auto it = response.find(field);
  return it == response.end() ? "" : std::string(it->value());
}

class RelayHttpServerTest : public ::testing::Test {
 protected:
  RelayHttpServerTest()
      : signer_(*Ed25519NoteSigner::Create(kOrigin, *Ed25519PrivateKey::Generate())),
        verifier_(*Ed25519NoteVerifier::FromVerifierKey(signer_.VerifierKey())) {}

  // Fills the log with entries [size, size + count) and signs a checkpoint of the new size.
  void Grow(uint64_t count) {
    std::vector<std::string> entries;
    const uint64_t start = reader_.size();
    for (uint64_t i = start; i < start + count; ++i) entries.push_back(EntryData(i));
    ASSERT_TRUE(reader_.Append(entries).ok());
    Checkpoint checkpoint{kOrigin, reader_.size(), reader_.root(), {}};
    auto note = SignCheckpoint(checkpoint, signer_);
    ASSERT_TRUE(note.ok()) << note.status();
    reader_.SetCheckpointNote(*note);
  }

  void StartServer(int threads = 1) {
    auto server = RelayHttpServer::Start(
        "127.0.0.1:0", &reader_, &metrics_, [this] { return healthy_.load(); }, threads);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
  }

  std::unique_ptr<TestHttpClient> Connect() {
    auto client = TestHttpClient::Connect(server_->port());
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? *std::move(client) : nullptr;
  }

  // GETs `target`, expecting 200, and returns the body.
  std::string Fetch(TestHttpClient& client, const std::string& target) {
    auto response = client.Get(target);
    if (!response.ok()) {
      ADD_FAILURE() << target << ": " << response.status();
      return "";
    }
    EXPECT_EQ(response->result_int(), 200u) << target << ": " << response->body();
    return response->body();
  }

  unsigned StatusOf(TestHttpClient& client, const std::string& target) {
    auto response = client.Get(target);
    EXPECT_TRUE(response.ok()) << target << ": " << response.status();
    return response.ok() ? response->result_int() : 0;
  }

  Ed25519NoteSigner signer_;
  Ed25519NoteVerifier verifier_;
  InMemoryAuditReader reader_;
  RelayMetrics metrics_;
  std::atomic<bool> healthy_{true};
  std::unique_ptr<RelayHttpServer> server_;  // last: stopped before what it serves goes away
};

TEST_F(RelayHttpServerTest, ClientRecomputesTheCheckpointRootFromTilesAndEntries) {
  Grow(kLogSize);
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);

  // The checkpoint, verified with the log's key only.
  auto checkpoint_response = client->Get("/audit/checkpoint");
  ASSERT_TRUE(checkpoint_response.ok()) << checkpoint_response.status();
  ASSERT_EQ(checkpoint_response->result_int(), 200u);
  EXPECT_EQ(Header(*checkpoint_response, bhttp::field::content_type), "text/plain; charset=utf-8");
  EXPECT_EQ(Header(*checkpoint_response, bhttp::field::cache_control), "no-store");
  auto opened = OpenCheckpoint(checkpoint_response->body(), verifier_, {});
  ASSERT_TRUE(opened.ok()) << opened.status();
  const uint64_t size = opened->checkpoint.size;
  const std::string& root = opened->checkpoint.root_hash;
  ASSERT_EQ(size, kLogSize);

  // Every entry, from the bundles: 273 full ones and the partial one the size calls for.
  std::vector<std::string> entries;
  for (uint64_t n = 0; n <= size / 256; ++n) {
    const bool partial = n == size / 256;
    const std::string target = TileTarget("entries", n, partial ? size % 256 : 256);
    auto bundle = DecodeEntryBundle(Fetch(*client, target));
    ASSERT_TRUE(bundle.ok()) << target << ": " << bundle.status();
    ASSERT_EQ(bundle->size(), partial ? size % 256 : 256u) << target;
    entries.insert(entries.end(), bundle->begin(), bundle->end());
  }
  ASSERT_EQ(entries.size(), size);
  for (uint64_t i = 0; i < size; ++i) ASSERT_EQ(entries[i], EntryData(i)) << "entry " << i;

  // Level-0 tiles hold the leaf hashes of exactly those entries.
  std::vector<std::string> leaf_hashes;
  for (uint64_t n = 0; n <= size / 256; ++n) {
    const bool partial = n == size / 256;
    const std::string target = TileTarget("0", n, partial ? size % 256 : 256);
    const std::string body = Fetch(*client, target);
    ASSERT_EQ(body.size(), (partial ? size % 256 : 256u) * 32) << target;
    auto hashes = DecodeHashTile(body);
    ASSERT_TRUE(hashes.ok()) << target << ": " << hashes.status();
    leaf_hashes.insert(leaf_hashes.end(), hashes->begin(), hashes->end());
  }
  ASSERT_EQ(leaf_hashes.size(), size);
  for (uint64_t i = 0; i < size; ++i) {
    ASSERT_EQ(leaf_hashes[i], merkle::LeafHash(entries[i])) << "leaf " << i;
  }

  // The root from the entries alone.
  EXPECT_EQ(Mth(leaf_hashes, 0, size), root);

  // Level-1 tiles: hash j of tile n is the MTH of the 256 leaves of level-0 tile 256n + j.
  const std::string level1_full = Fetch(*client, "/audit/tile/1/000");
  const std::string level1_partial = Fetch(*client, "/audit/tile/1/001.p/17");
  ASSERT_EQ(level1_full.size(), 256u * 32);
  ASSERT_EQ(level1_partial.size(), 17u * 32);
  const std::string level1 = level1_full + level1_partial;
  for (uint64_t j = 0; j < level1.size() / 32; ++j) {
    ASSERT_EQ(level1.substr(j * 32, 32), Mth(leaf_hashes, j * 256, (j + 1) * 256))
        << "level-1 hash " << j;
  }
  // The level-2 tile: the MTH of the first 65536 leaves.
  const std::string level2 = Fetch(*client, "/audit/tile/2/000.p/1");
  ASSERT_EQ(level2, Mth(leaf_hashes, 0, 65536));

  // The root from the three partial tiles alone, as a client following the spec computes it.
  KnownHashes known;
  known[{16, 0}] = level2;
  auto partial1 = DecodeHashTile(level1_partial);
  ASSERT_TRUE(partial1.ok());
  for (uint64_t j = 0; j < partial1->size(); ++j) known[{8, 256 + j}] = (*partial1)[j];
  for (uint64_t i = uint64_t{273} * 256; i < size; ++i) known[{0, i}] = leaf_hashes[i];
  EXPECT_EQ(MthFromTiles(known, 0, size), root);
}

TEST_F(RelayHttpServerTest, FullTilesAreImmutableAndPartialOnesShortLived) {
  Grow(300);
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);

  auto full = client->Get("/audit/tile/0/000");
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->result_int(), 200u);
  EXPECT_EQ(Header(*full, bhttp::field::content_type), "application/octet-stream");
  EXPECT_EQ(Header(*full, bhttp::field::cache_control), "public, max-age=31536000, immutable");
  EXPECT_EQ(full->body().size(), 8192u);

  auto partial = client->Get("/audit/tile/0/001.p/44");
  ASSERT_TRUE(partial.ok()) << partial.status();
  ASSERT_EQ(partial->result_int(), 200u);
  EXPECT_EQ(Header(*partial, bhttp::field::content_type), "application/octet-stream");
  EXPECT_EQ(Header(*partial, bhttp::field::cache_control), "public, max-age=60");
  EXPECT_EQ(partial->body().size(), 44u * 32);

  auto bundle = client->Get("/audit/tile/entries/000");
  ASSERT_TRUE(bundle.ok()) << bundle.status();
  EXPECT_EQ(Header(*bundle, bhttp::field::cache_control), "public, max-age=31536000, immutable");

  // A partial tile of an earlier size is a prefix of the full tile.
  EXPECT_EQ(Fetch(*client, "/audit/tile/0/000.p/5"), full->body().substr(0, size_t{5} * 32));
}

TEST_F(RelayHttpServerTest, TilesThatDoNotExistYetAreNotFound) {
  Grow(300);  // level 0: tile 000 full, 001.p/44; level 1: 000.p/1
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);

  EXPECT_EQ(StatusOf(*client, "/audit/tile/1/000.p/1"), 200u);
  for (const char* target : {"/audit/tile/0/001", "/audit/tile/0/001.p/45", "/audit/tile/0/002.p/1",
                             "/audit/tile/1/000", "/audit/tile/1/000.p/2", "/audit/tile/2/000.p/1",
                             "/audit/tile/entries/001", "/audit/tile/entries/001.p/45",
                             "/audit/tile/7/000.p/1", "/audit/tile/8/000", "/audit/tile/63/000"}) {
    auto response = client->Get(target);
    ASSERT_TRUE(response.ok()) << target << ": " << response.status();
    EXPECT_EQ(response->result_int(), 404u) << target;
    EXPECT_EQ(Header(*response, bhttp::field::cache_control), "no-store") << target;
    EXPECT_FALSE(response->body().empty()) << target;
  }
}

TEST_F(RelayHttpServerTest, MalformedTilePathsAreBadRequests) {
  Grow(300);
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  for (const char* target :
       {"/audit/tile/64/000", "/audit/tile/00/000", "/audit/tile/0/0", "/audit/tile/0/x000/000",
        "/audit/tile/0/001/000", "/audit/tile/0/000.p/0", "/audit/tile/0/000.p/256",
        "/audit/tile/0/000.p/07", "/audit/tile/entries/x000"}) {
    auto response = client->Get(target);
    ASSERT_TRUE(response.ok()) << target << ": " << response.status();
    EXPECT_EQ(response->result_int(), 400u) << target;
    EXPECT_THAT(response->body(), HasSubstr("tile path")) << target;
  }
}

TEST_F(RelayHttpServerTest, CheckpointIsNotFoundBeforeTheFirstOne) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  auto response = client->Get("/audit/checkpoint");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 404u);
  EXPECT_EQ(Header(*response, bhttp::field::cache_control), "no-store");
  EXPECT_EQ(StatusOf(*client, "/audit/tile/0/000.p/1"), 404u);
  EXPECT_EQ(StatusOf(*client, "/audit/tile/entries/000.p/1"), 404u);

  // Once the log has a checkpoint, the same connection sees it.
  Grow(1);
  EXPECT_THAT(Fetch(*client, "/audit/checkpoint"), HasSubstr(absl::StrCat(kOrigin, "\n1\n")));
}

TEST_F(RelayHttpServerTest, UnknownPathsAreNotFound) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  for (const char* target : {"/", "/index.html", "/audit", "/audit/", "/audit/tiles/0/000",
                             "/healthz/extra", "/checkpoint"}) {
    auto response = client->Get(target);
    ASSERT_TRUE(response.ok()) << target << ": " << response.status();
    EXPECT_EQ(response->result_int(), 404u) << target;
    EXPECT_EQ(Header(*response, bhttp::field::content_type), "text/plain; charset=utf-8");
    EXPECT_EQ(response->body(), "not found\n") << target;
  }
}

TEST_F(RelayHttpServerTest, HeadSendsTheHeadersOfGetWithoutTheBody) {
  Grow(300);
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  auto head = client->Fetch(bhttp::verb::head, "/audit/tile/0/000");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_EQ(Header(*head, bhttp::field::content_length), "8192");
  EXPECT_EQ(Header(*head, bhttp::field::content_type), "application/octet-stream");
  EXPECT_TRUE(head->body().empty());

  auto missing = client->Fetch(bhttp::verb::head, "/audit/tile/0/009");
  ASSERT_TRUE(missing.ok()) << missing.status();
  EXPECT_EQ(missing->result_int(), 404u);
  EXPECT_TRUE(missing->body().empty());

  // The connection is still in step: a GET after the HEADs gets its own response.
  EXPECT_EQ(Fetch(*client, "/healthz"), "ok\n");
}

TEST_F(RelayHttpServerTest, OtherMethodsAreNotAllowed) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  for (bhttp::verb method : {bhttp::verb::delete_, bhttp::verb::options, bhttp::verb::put}) {
    auto response = client->Fetch(method, "/healthz");
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->result_int(), 405u);
    EXPECT_EQ(Header(*response, bhttp::field::allow), "GET, HEAD");
  }
  EXPECT_EQ(Fetch(*client, "/healthz"), "ok\n");
}

TEST_F(RelayHttpServerTest, RequestWithABodyIsRefusedAndTheConnectionClosed) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  TestHttpClient::Request request(bhttp::verb::post, "/healthz", 11);
  request.set(bhttp::field::host, "127.0.0.1");
  request.body() = "payload";
  request.prepare_payload();
  auto response = client->Send(std::move(request));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 413u);
  EXPECT_FALSE(response->keep_alive());
  EXPECT_TRUE(client->ExpectClosedByServer().ok());
}

TEST_F(RelayHttpServerTest, OversizedHeaderIsRefusedAndTheConnectionClosed) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  auto response = client->SendRaw(absl::StrCat("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                                               "X-Padding: ", std::string(9000, 'a'), "\r\n\r\n"));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_TRUE(client->ExpectClosedByServer().ok());
}

TEST_F(RelayHttpServerTest, MalformedRequestIsABadRequest) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  auto response = client->SendRaw("GET /healthz HTTP/9.9 what\r\n\r\n");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 400u);
  EXPECT_TRUE(client->ExpectClosedByServer().ok());
}

TEST_F(RelayHttpServerTest, Http10RequestWithoutKeepAliveGetsItsResponseThenAClose) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  auto response = client->SendRaw("GET /healthz HTTP/1.0\r\n\r\n");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->body(), "ok\n");
  EXPECT_TRUE(client->ExpectClosedByServer().ok());
}

TEST_F(RelayHttpServerTest, HealthzFollowsTheHealthCheck) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(Fetch(*client, "/healthz"), "ok\n");
  healthy_ = false;
  auto response = client->Get("/healthz");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->result_int(), 503u);
  EXPECT_EQ(response->body(), "unhealthy\n");
}

TEST_F(RelayHttpServerTest, MetricsServeTheCountersInPrometheusText) {
  metrics_.submits_accepted = 5;
  metrics_.submits_rejected[3] = 2;
  metrics_.sessions_open = 1;
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  metrics_.audit_leaves = 321;  // read at request time, not at start
  auto response = client->Get("/metrics");
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->result_int(), 200u);
  EXPECT_EQ(Header(*response, bhttp::field::content_type),
            "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = response->body();
  EXPECT_THAT(text, HasSubstr("# TYPE poc_relay_submits_total counter\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_total{result=\"accepted\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_submits_rejected_total{code=\"INVALID_ARGUMENT\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_sessions_open 1\n"));
  EXPECT_THAT(text, HasSubstr("\npoc_relay_audit_leaves 321\n"));
}

TEST_F(RelayHttpServerTest, SeveralThreadsServeSeveralConnections) {
  Grow(600);
  StartServer(/*threads=*/2);
  std::vector<std::unique_ptr<TestHttpClient>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(Connect());
    ASSERT_NE(clients.back(), nullptr);
  }
  // Interleaved requests on connections that all stay open.
  for (int round = 0; round < 3; ++round) {
    for (auto& client : clients) {
      EXPECT_EQ(Fetch(*client, "/audit/tile/0/001").size(), 8192u);
      EXPECT_EQ(Fetch(*client, "/audit/tile/entries/002.p/88").empty(), false);
    }
  }
}

TEST_F(RelayHttpServerTest, StopClosesOpenConnectionsAndIsIdempotent) {
  StartServer();
  std::unique_ptr<TestHttpClient> client = Connect();
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(Fetch(*client, "/healthz"), "ok\n");
  server_->Stop();
  server_->Stop();
  EXPECT_FALSE(client->Get("/healthz").ok());
  server_.reset();  // the destructor stops again
}

TEST_F(RelayHttpServerTest, StartRefusesBadArguments) {
  auto healthy = [] { return true; };
  for (const char* listen : {"127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                             "127.0.0.1:http", "::1:0", "relay.example:0", "999.0.0.1:0"}) {
    auto server = RelayHttpServer::Start(listen, &reader_, &metrics_, healthy);
    EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument) << listen;
    EXPECT_THAT(std::string(server.status().message()), HasSubstr(listen)) << listen;
  }
  EXPECT_EQ(RelayHttpServer::Start("127.0.0.1:0", nullptr, &metrics_, healthy).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RelayHttpServer::Start("127.0.0.1:0", &reader_, nullptr, healthy).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RelayHttpServer::Start("127.0.0.1:0", &reader_, &metrics_, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RelayHttpServer::Start("127.0.0.1:0", &reader_, &metrics_, healthy, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RelayHttpServerTest, StartReportsAPortInUse) {
  StartServer();
  auto second = RelayHttpServer::Start(absl::StrCat("127.0.0.1:", server_->port()), &reader_,
                                       &metrics_, [] { return true; });
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(absl::StrCat("127.0.0.1:", server_->port())));
}

}  // namespace
}  // namespace poc
