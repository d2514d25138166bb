// The fault-injecting proxy itself, against a plain TCP echo server on loopback: every byte
// arrives once and in order whatever it delays, and each fault does what the suites rely on.
#include "tests/integration/fault_proxy.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/process.h"

namespace poc::testing {
namespace {

// Echoes every connection back on 127.0.0.1:<port>, one thread each; counts what it saw.
class EchoServer {
 public:
  EchoServer() {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listener_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~EchoServer() {
    ::shutdown(listener_, SHUT_RDWR);
    ::close(listener_);
    thread_.join();
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& t : connections_) {
      t.join();
    }
  }
  EchoServer(const EchoServer&) = delete;
  EchoServer& operator=(const EchoServer&) = delete;

  int port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  int closed() const { return closed_.load(); }

 private:
  void AcceptLoop() {
    while (true) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) {
        return;
      }
      accepted_.fetch_add(1);
      std::lock_guard<std::mutex> lock(mu_);
      connections_.emplace_back([this, fd] {
        char buf[8192];
        while (true) {
          const ssize_t n = ::read(fd, buf, sizeof(buf));
          if (n <= 0) {
            break;
          }
          if (::write(fd, buf, static_cast<size_t>(n)) != n) {
            break;
          }
        }
        ::close(fd);
        closed_.fetch_add(1);
      });
    }
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<int> closed_{0};
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::thread> connections_;  // guarded by mu_
};

int Connect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  return fd;
}

// Reads until `want` bytes came, the peer closed (returns what came) or 10 s passed.
std::string ReadBytes(int fd, size_t want) {
  std::string out;
  while (out.size() < want) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) {
      break;
    }
    char buf[8192];
    const ssize_t n = ::read(fd, buf, std::min(sizeof(buf), want - out.size()));
    if (n <= 0) {
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// True when nothing arrives (and the connection stays open) for `ms`.
bool SilentFor(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) == 0;
}

// What a read returns once the peer is gone: 0 for a close, -1 with errno for a reset.
int ReadAfterPeerGone(int fd, int* error) {
  pollfd p{fd, POLLIN, 0};
  ::poll(&p, 1, 10000);
  char c = 0;
  const ssize_t n = ::read(fd, &c, 1);
  *error = n < 0 ? errno : 0;
  return static_cast<int>(n);
}

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    ASSERT_GT(n, 0);
    done += static_cast<size_t>(n);
  }
}

TEST(FaultProxyTest, EveryByteArrivesOnceAndInOrderUnderDelayJitterAndStalls) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  proxy.SetDelay(absl::Milliseconds(1), absl::Milliseconds(4));
  proxy.SetLoss(0.3, absl::Milliseconds(20));
  const int fd = Connect(proxy.port());
  std::mt19937 rng(7);
  std::string sent;
  for (int i = 0; i < 200; ++i) {  // writes of varied sizes, each its own chunk or several
    std::string piece(std::uniform_int_distribution<int>(1, 3000)(rng), '\0');
    for (char& c : piece) {
      c = static_cast<char>(rng());
    }
    sent += piece;
  }
  std::thread writer([&] { WriteAll(fd, sent); });
  const std::string got = ReadBytes(fd, sent.size());
  writer.join();
  EXPECT_EQ(got.size(), sent.size());
  EXPECT_TRUE(got == sent) << "the bytes came back changed or out of order";
  // The proxy counts a chunk just after writing it, so the count may trail the echoed bytes.
  EXPECT_TRUE(
      WaitFor([&] { return proxy.stats().bytes_forwarded >= 2 * sent.size(); }, absl::Seconds(5)));
  const FaultProxyStats stats = proxy.stats();
  EXPECT_GT(stats.chunks_delayed, 0u);
  EXPECT_GT(stats.chunks_stalled, 0u);
  EXPECT_EQ(stats.bytes_forwarded, 2 * sent.size());  // there and back, nothing twice
  ::close(fd);
}

TEST(FaultProxyTest, ABlackholeHoldsBytesWithoutClosingAndReleasesThemWhenItEnds) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  const int fd = Connect(proxy.port());
  WriteAll(fd, "before");
  EXPECT_EQ(ReadBytes(fd, 6), "before");
  proxy.SetBlackhole(true);
  WriteAll(fd, "during");
  EXPECT_TRUE(SilentFor(fd, 300)) << "bytes crossed a blackhole, or it closed the connection";
  EXPECT_EQ(echo.closed(), 0);
  proxy.SetBlackhole(false);
  EXPECT_EQ(ReadBytes(fd, 6), "during");
  EXPECT_EQ(proxy.stats().blackholes, 1u);
  ::close(fd);
}

TEST(FaultProxyTest, AConnectionMadeDuringABlackholeReachesTheServerOnlyWhenItEnds) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  proxy.SetBlackhole(true);
  const int fd = Connect(proxy.port());
  WriteAll(fd, "hello");
  EXPECT_TRUE(SilentFor(fd, 300));
  EXPECT_EQ(echo.accepted(), 0);
  proxy.SetBlackhole(false);
  EXPECT_EQ(ReadBytes(fd, 5), "hello");
  EXPECT_EQ(echo.accepted(), 1);
  ::close(fd);
}

TEST(FaultProxyTest, ResetAllResetsTheClientAndClosesTheServerSide) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  const int fd = Connect(proxy.port());
  WriteAll(fd, "x");
  ASSERT_EQ(ReadBytes(fd, 1), "x");
  EXPECT_EQ(proxy.ResetAll(), 1);
  int error = 0;
  EXPECT_EQ(ReadAfterPeerGone(fd, &error), -1);
  EXPECT_EQ(error, ECONNRESET);
  for (int i = 0; i < 500 && echo.closed() == 0; ++i) {
    usleep(10000);
  }
  EXPECT_EQ(echo.closed(), 1);
  EXPECT_EQ(proxy.OpenConnections(), 0);
  EXPECT_EQ(proxy.stats().connections_reset, 1u);
  ::close(fd);
}

TEST(FaultProxyTest, RefusingResetsEachNewConnectionWithoutReachingTheServer) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  proxy.SetRefuseNew(true);
  const int fd = Connect(proxy.port());
  int error = 0;
  EXPECT_EQ(ReadAfterPeerGone(fd, &error), -1);
  EXPECT_EQ(error, ECONNRESET);
  EXPECT_EQ(echo.accepted(), 0);
  EXPECT_EQ(proxy.stats().connections_refused, 1u);
  ::close(fd);
  proxy.SetRefuseNew(false);
  const int again = Connect(proxy.port());
  WriteAll(again, "ok");
  EXPECT_EQ(ReadBytes(again, 2), "ok");
  ::close(again);
}

TEST(FaultProxyTest, AClientCloseReachesTheServer) {
  EchoServer echo;
  FaultProxy proxy("127.0.0.1", echo.port());
  const int fd = Connect(proxy.port());
  WriteAll(fd, "bye");
  ASSERT_EQ(ReadBytes(fd, 3), "bye");
  ::close(fd);
  for (int i = 0; i < 500 && echo.closed() == 0; ++i) {
    usleep(10000);
  }
  EXPECT_EQ(echo.closed(), 1);
}

}  // namespace
}  // namespace poc::testing
