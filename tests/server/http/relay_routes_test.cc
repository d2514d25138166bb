// RelayRoutes without sockets: which reply each path gets, and how reader failures map.
#include "server/http/relay_routes.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/http/audit_resources.h"

namespace poc {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Answers every read with made-up data and records what it was asked; `fail` makes every read
// fail with that status instead.
class FakeAuditReader final : public AuditReader {
 public:
  absl::StatusOr<std::string> LatestCheckpointNote() override {
    if (!fail.ok()) return fail;
    return std::string("origin\n1\nroot\n\n— origin sig\n");
  }
  absl::StatusOr<std::vector<std::string>> NodeHashes(int level, uint64_t index,
                                                      uint64_t count) override {
    node_calls.emplace_back(level, index, count);
    if (!fail.ok()) return fail;
    return std::vector<std::string>(count - short_by, std::string(32, 'h'));
  }
  absl::StatusOr<std::vector<std::string>> Entries(uint64_t start, uint64_t count) override {
    entry_calls.emplace_back(start, count);
    if (!fail.ok()) return fail;
    return std::vector<std::string>(count, entry);
  }

  absl::Status fail = absl::OkStatus();
  uint64_t short_by = 0;
  std::string entry = "e";
  std::vector<std::tuple<int, uint64_t, uint64_t>> node_calls;
  std::vector<std::tuple<uint64_t, uint64_t>> entry_calls;
};

class RelayRoutesTest : public ::testing::Test {
 protected:
  RelayRoutesTest() : routes_(&reader_, &metrics_, [this] { return healthy_.load(); }) {}

  FakeAuditReader reader_;
  RelayMetrics metrics_;
  std::atomic<bool> healthy_{true};
  RelayRoutes routes_;
};

TEST_F(RelayRoutesTest, HealthzFollowsTheHealthCheck) {
  HttpReply reply = routes_.Get("/healthz");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.body, "ok\n");
  healthy_ = false;
  reply = routes_.Get("/healthz");
  EXPECT_EQ(reply.status, 503u);
  EXPECT_EQ(reply.body, "unhealthy\n");
}

TEST_F(RelayRoutesTest, MetricsAreTheCountersInPrometheusText) {
  metrics_.audit_leaves = 42;
  HttpReply reply = routes_.Get("/metrics?x=1");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(reply.body, HasSubstr("\npoc_relay_audit_leaves 42\n"));
}

TEST_F(RelayRoutesTest, LevelOneTileReadsTreeLevelEight) {
  HttpReply reply = routes_.Get("/audit/tile/1/001.p/17");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.content_type, "application/octet-stream");
  EXPECT_EQ(reply.cache_control, kPartialCacheControl);
  EXPECT_EQ(reply.body.size(), 17u * 32);
  ASSERT_EQ(reader_.node_calls.size(), 1u);
  EXPECT_EQ(reader_.node_calls[0], std::make_tuple(8, uint64_t{256}, uint64_t{17}));
}

TEST_F(RelayRoutesTest, FullBundleReadsItsEntriesAndIsImmutable) {
  HttpReply reply = routes_.Get("/audit/tile/entries/x001/000");
  EXPECT_EQ(reply.status, 200u);
  EXPECT_EQ(reply.cache_control, kImmutableCacheControl);
  EXPECT_EQ(reply.body.size(), 256u * 3);
  ASSERT_EQ(reader_.entry_calls.size(), 1u);
  EXPECT_EQ(reader_.entry_calls[0], std::make_tuple(uint64_t{256000}, uint64_t{256}));
}

TEST_F(RelayRoutesTest, MalformedTilePathIsABadRequestNamingTheFault) {
  HttpReply reply = routes_.Get("/audit/tile/0/1");
  EXPECT_EQ(reply.status, 400u);
  EXPECT_THAT(reply.body, HasSubstr("\"1\" is not 3 digits"));
  EXPECT_TRUE(reader_.node_calls.empty());
}

TEST_F(RelayRoutesTest, TileThatCanNeverExistIsNotFoundWithoutAskingTheReader) {
  EXPECT_EQ(routes_.Get("/audit/tile/8/000").status, 404u);
  EXPECT_TRUE(reader_.node_calls.empty());
}

TEST_F(RelayRoutesTest, MissingDataIsNotFound) {
  reader_.fail = absl::NotFoundError("not yet");
  EXPECT_EQ(routes_.Get("/audit/checkpoint").status, 404u);
  EXPECT_EQ(routes_.Get("/audit/tile/0/000").status, 404u);
  EXPECT_EQ(routes_.Get("/audit/tile/entries/000").status, 404u);
}

TEST_F(RelayRoutesTest, ReaderFailureIsAServerErrorThatHidesTheCause) {
  reader_.fail = absl::InternalError("database disk image is malformed at /var/lib/poc");
  for (const char* path : {"/audit/checkpoint", "/audit/tile/0/000", "/audit/tile/entries/000"}) {
    HttpReply reply = routes_.Get(path);
    EXPECT_EQ(reply.status, 500u) << path;
    EXPECT_THAT(reply.body, Not(HasSubstr("/var/lib/poc"))) << path;
  }
}

TEST_F(RelayRoutesTest, ReaderReturningTooFewHashesIsAServerError) {
  reader_.short_by = 1;
  EXPECT_EQ(routes_.Get("/audit/tile/0/000").status, 500u);
}

TEST_F(RelayRoutesTest, EntryTooLongForABundleIsAServerError) {
  reader_.entry = std::string(70000, 'x');
  EXPECT_EQ(routes_.Get("/audit/tile/entries/000.p/1").status, 500u);
}

TEST_F(RelayRoutesTest, UnknownPathsAreNotFound) {
  for (const char* path : {"/", "/audit", "/audit/", "/audit/checkpoint/", "/audit/tiles/0/000",
                           "/healthz/", "/metricsx", "/audit/../healthz"}) {
    HttpReply reply = routes_.Get(path);
    EXPECT_EQ(reply.status, 404u) << path;
    EXPECT_FALSE(reply.body.empty()) << path;
  }
}

}  // namespace
}  // namespace poc
