// Runs the real pocctl binary, as an operator would, where no pocd is listening.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/test_paths.h"

namespace {

using ::testing::HasSubstr;

struct Outcome {
  int exit_code;
  std::string out;
  std::string err;
};

class PocctlBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    binary_ = poc::testing::BuildDir() + "/client/pocctl/pocctl";
    ASSERT_EQ(access(binary_.c_str(), X_OK), 0) << binary_ << " is not built";
    char tmpl[] = "/tmp/pocctl_bin_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // `args` is a shell fragment; stdout and stderr go to files in the test's folder.
  Outcome Run(const std::string& args, const std::string& env = "env -u POC_NODE") {
    const std::string out = dir_ + "/stdout";
    const std::string err = dir_ + "/stderr";
    const std::string cmd =
        env + " '" + binary_ + "' " + args + " >'" + out + "' 2>'" + err + "' </dev/null";
    const int status = std::system(cmd.c_str());
    EXPECT_TRUE(WIFEXITED(status)) << cmd;
    return {WEXITSTATUS(status), Slurp(out), Slurp(err)};
  }

  std::string binary_;
  std::string dir_;
};

TEST_F(PocctlBinaryTest, SaysHowToStartPocdWhenTheSocketIsMissing) {
  const Outcome o = Run("--node '" + dir_ + "' status");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err, "pocctl: cannot reach pocd at " + dir_ +
                       "/control.sock: is it running? start it with: pocd --config " + dir_ +
                       "/pocd.toml\n");
}

TEST_F(PocctlBinaryTest, FindsTheNodeThroughPocNode) {
  const Outcome o = Run("inbox --json", "env POC_NODE='" + dir_ + "'");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.out, "");  // --json never mixes errors into stdout
  EXPECT_THAT(o.err, HasSubstr("cannot reach pocd at " + dir_ + "/control.sock"));
}

TEST_F(PocctlBinaryTest, SaysHowToStartPocdWhenNothingListensOnTheSocket) {
  // A socket file left behind by a pocd that is no longer running: connecting is refused.
  const std::string path = dir_ + "/control.sock";
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  path.copy(addr.sun_path, path.size());
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  close(fd);  // bound, never listening

  const Outcome o = Run("--node '" + dir_ + "' --timeout 5s status");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "pocctl: cannot reach pocd at " + path +
                       ": is it running? start it with: pocd --config " + dir_ + "/pocd.toml\n");
}

TEST_F(PocctlBinaryTest, NoNodeGiven) {
  const Outcome o = Run("status");
  EXPECT_EQ(o.exit_code, 1);
  EXPECT_EQ(o.err, "pocctl: no node given: pass --node DIR (the node's folder) or set POC_NODE\n");
}

TEST_F(PocctlBinaryTest, UsageErrorsExitTwo) {
  const Outcome o = Run("send --to KEN");
  EXPECT_EQ(o.exit_code, 2);
  EXPECT_THAT(o.err, HasSubstr("--type"));
}

TEST_F(PocctlBinaryTest, HelpExitsZero) {
  const Outcome o = Run("--help");
  EXPECT_EQ(o.exit_code, 0);
  EXPECT_THAT(o.out, HasSubstr("Examples:"));
}

}  // namespace
