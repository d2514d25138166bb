#include "client/pocctl/node_address.h"

#include <gtest/gtest.h>

namespace poc::pocctl {
namespace {

TEST(NodeAddressTest, NodeFolderHoldsTheControlSocket) {
  auto a = ResolveNodeAddress("/var/lib/poc/node", "", "");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->socket_path, "/var/lib/poc/node/control.sock");
  EXPECT_EQ(a->node_dir, "/var/lib/poc/node");
}

TEST(NodeAddressTest, ToleratesATrailingSlash) {
  auto a = ResolveNodeAddress("node/", "", "");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->socket_path, "node/control.sock");
}

TEST(NodeAddressTest, FallsBackToPocNode) {
  auto a = ResolveNodeAddress("", "", "/srv/ken");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->socket_path, "/srv/ken/control.sock");
}

TEST(NodeAddressTest, NodeFlagWinsOverPocNode) {
  auto a = ResolveNodeAddress("/srv/fra", "", "/srv/ken");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->socket_path, "/srv/fra/control.sock");
}

TEST(NodeAddressTest, SocketFlagWinsOverEverything) {
  auto a = ResolveNodeAddress("/srv/fra", "/run/pocd.sock", "/srv/ken");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->socket_path, "/run/pocd.sock");
  EXPECT_EQ(a->node_dir, "/srv/fra");
  auto only_socket = ResolveNodeAddress("", "/run/pocd.sock", "");
  ASSERT_TRUE(only_socket.ok());
  EXPECT_EQ(only_socket->socket_path, "/run/pocd.sock");
  EXPECT_EQ(only_socket->node_dir, "");
}

TEST(NodeAddressTest, NoNodeIsAnErrorThatSaysHowToNameOne) {
  auto a = ResolveNodeAddress("", "", "");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(std::string(a.status().message()),
            "no node given: pass --node DIR (the node's folder) or set POC_NODE");
}

TEST(NodeAddressTest, UnreachableMessageSaysHowToStartPocd) {
  NodeAddress a{"/srv/ken/control.sock", "/srv/ken"};
  EXPECT_EQ(UnreachableMessage(a),
            "cannot reach pocd at /srv/ken/control.sock: is it running? start it with: pocd "
            "--config /srv/ken/pocd.toml");
}

TEST(NodeAddressTest, UnreachableMessageUsesTheSocketsFolderWithoutANode) {
  EXPECT_EQ(UnreachableMessage({"/run/poc/control.sock", ""}),
            "cannot reach pocd at /run/poc/control.sock: is it running? start it with: pocd "
            "--config /run/poc/pocd.toml");
  EXPECT_EQ(UnreachableMessage({"control.sock", ""}),
            "cannot reach pocd at control.sock: is it running? start it with: pocd --config "
            "./pocd.toml");
}

}  // namespace
}  // namespace poc::pocctl
