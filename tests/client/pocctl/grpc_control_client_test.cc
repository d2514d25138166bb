// The gRPC client against a stand-in NodeControl server on a Unix socket in a temp folder.
#include "client/pocctl/grpc_control_client.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "poc/v1/node_control.grpc.pb.h"

namespace poc::pocctl {
namespace {

using ::testing::HasSubstr;

class StandInPocd final : public v1::NodeControl::Service {
 public:
  grpc::Status Status(grpc::ServerContext*, const v1::StatusRequest*,
                      v1::StatusResponse* response) override {
    response->set_state("running");
    response->set_signing_key_id("3f2a1b0c9d8e7f60");
    return grpc::Status::OK;
  }
  grpc::Status Send(grpc::ServerContext*, const v1::SendRequest*, v1::SendResponse*) override {
    return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                        "the signing key is not loaded; restart pocd with its key");
  }
  grpc::Status Ack(grpc::ServerContext*, const v1::AckRequest*, v1::SendResponse*) override {
    // pocd's own UNAVAILABLE (e.g. its store is busy) must not be mistaken for "not running".
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the node store is busy; try again");
  }
};

class GrpcControlClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/pocctl_grpc_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    address_ = {dir_ + "/control.sock", dir_};
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
    std::system(("rm -rf " + dir_).c_str());
  }
  void StartServer() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + address_.socket_path, grpc::InsecureServerCredentials());
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }

  std::string dir_;
  NodeAddress address_;
  StandInPocd service_;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(GrpcControlClientTest, CallsPocdOverTheUnixSocket) {
  StartServer();
  auto client = ConnectToPocd(address_, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  auto status = (*client)->Status(v1::StatusRequest());
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->state(), "running");
  EXPECT_EQ(status->signing_key_id(), "3f2a1b0c9d8e7f60");
}

TEST_F(GrpcControlClientTest, PassesPocdsMessagesThrough) {
  StartServer();
  auto client = ConnectToPocd(address_, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  auto sent = (*client)->Send(v1::SendRequest());
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(sent.status().message()),
            "the signing key is not loaded; restart pocd with its key");
  auto acked = (*client)->Ack(v1::AckRequest());
  ASSERT_FALSE(acked.ok());
  EXPECT_EQ(acked.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(acked.status().message()), "the node store is busy; try again");
}

TEST_F(GrpcControlClientTest, MissingSocketSaysHowToStartPocd) {
  auto client = ConnectToPocd(address_, absl::Seconds(10));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(std::string(client.status().message()), UnreachableMessage(address_));
}

TEST_F(GrpcControlClientTest, SocketThatStopsAnsweringSaysHowToStartPocd) {
  StartServer();
  auto client = ConnectToPocd(address_, absl::Seconds(10));
  ASSERT_TRUE(client.ok()) << client.status();
  ASSERT_TRUE((*client)->Status(v1::StatusRequest()).ok());
  server_->Shutdown();
  server_.reset();
  auto status = (*client)->Status(v1::StatusRequest());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(status.status().message()), HasSubstr("cannot reach pocd at"));
}

TEST_F(GrpcControlClientTest, RefusesAPathThatIsNotASocket) {
  std::ofstream(address_.socket_path) << "not a socket";
  auto client = ConnectToPocd(address_, absl::Seconds(10));
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("is not a socket"));
}

}  // namespace
}  // namespace poc::pocctl
