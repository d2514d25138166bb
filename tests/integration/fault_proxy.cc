#include "tests/integration/fault_proxy.h"

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "tests/integration/fault_tally.h"

namespace poc::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Bytes read from one side and not yet written to the other before the proxy stops reading
// (the sender's kernel buffers then fill, as on a congested or dead link).
constexpr size_t kMaxQueuedBytes = size_t{256} * 1024;

struct Settings {
  absl::Duration delay;
  absl::Duration jitter;
  double loss = 0;
  absl::Duration stall = absl::Milliseconds(200);
  bool blackhole = false;
  bool refuse = false;
};

struct Counters {
  std::atomic<uint64_t> accepted{0}, refused{0}, reset{0}, blackholes{0}, forwarded{0}, delayed{0},
      stalled{0}, bytes{0};
};

// Resets rather than closes: the peer sees ECONNRESET, as when a middlebox drops the flow.
void Abort(tcp::socket* s) {
  boost::system::error_code ignored;
  if (!s->is_open()) {
    return;
  }
  s->set_option(asio::socket_base::linger(true, 0), ignored);
  s->close(ignored);
}

}  // namespace

class FaultProxy::Impl {
 public:
  class Connection;

  // One direction of a connection: reads from `from`, writes to `to` in order, each chunk not
  // before its release time. Runs on the I/O thread only.
  struct Pipe {
    struct Chunk {
      std::vector<char> data;
      Clock::time_point release;
    };
    tcp::socket* from = nullptr;
    tcp::socket* to = nullptr;
    std::deque<Chunk> queue;
    size_t queued_bytes = 0;
    Clock::time_point last_release;
    bool reading = false;
    bool writing = false;
    bool waiting = false;  // the timer is armed
    bool eof = false;      // `from` closed or failed; forward the close once drained
    bool done = false;     // the close was forwarded
    std::array<char, 16384> buffer{};
    std::unique_ptr<asio::steady_timer> timer;
  };

  class Connection : public std::enable_shared_from_this<Connection> {
   public:
    Connection(Impl* proxy, uint64_t id, tcp::socket client)
        : proxy_(proxy), id_(id), client_(std::move(client)), server_(proxy->io_) {
      up_.from = &client_;
      up_.to = &server_;
      down_.from = &server_;
      down_.to = &client_;
      up_.timer = std::make_unique<asio::steady_timer>(proxy->io_);
      down_.timer = std::make_unique<asio::steady_timer>(proxy->io_);
    }

    // Reads from the client at once; connects to the target unless blackholed (then on heal).
    void Start() {
      Read(&up_);
      if (!proxy_->Get().blackhole) {
        Connect();
      }
    }

    void Connect() {
      if (connecting_ || connected_ || closed_) {
        return;
      }
      if (up_.eof && up_.queue.empty()) {  // the client gave up while held
        Close(false);
        return;
      }
      connecting_ = true;
      auto self = shared_from_this();
      server_.async_connect(proxy_->target_, [self](const boost::system::error_code& ec) {
        self->connecting_ = false;
        if (ec || self->closed_) {
          self->Close(true);
          return;
        }
        self->connected_ = true;
        self->Read(&self->down_);
        self->Pump(&self->up_);
      });
    }

    // Everything held moves again (after a blackhole).
    void Resume() {
      if (closed_) {
        return;
      }
      if (!connected_) {
        Connect();
        return;
      }
      Pump(&up_);
      Pump(&down_);
    }

    void Close(bool reset) {
      if (closed_) {
        return;
      }
      closed_ = true;
      boost::system::error_code ignored;
      up_.timer->cancel();
      down_.timer->cancel();
      if (reset) {
        Abort(&client_);
        Abort(&server_);
      } else {
        client_.close(ignored);
        server_.close(ignored);
      }
      proxy_->connections_.erase(id_);
    }

   private:
    void Read(Pipe* p) {
      if (p->reading || p->eof || closed_ || p->queued_bytes >= kMaxQueuedBytes) {
        return;
      }
      p->reading = true;
      auto self = shared_from_this();
      p->from->async_read_some(asio::buffer(p->buffer),
                               [self, p](const boost::system::error_code& ec, size_t n) {
                                 p->reading = false;
                                 if (self->closed_) {
                                   return;
                                 }
                                 if (ec) {
                                   p->eof = true;
                                 } else {
                                   self->Queue(p, n);
                                   self->Read(p);
                                 }
                                 self->Pump(p);
                               });
    }

    void Queue(Pipe* p, size_t n) {
      const Settings s = proxy_->Get();
      absl::Duration hold = s.delay;
      if (s.jitter > absl::ZeroDuration()) {
        hold += absl::Nanoseconds(
            proxy_->Uniform(0, static_cast<double>(absl::ToInt64Nanoseconds(s.jitter))));
      }
      if (s.loss > 0 && proxy_->Uniform(0, 1) < s.loss) {
        hold += s.stall;
        proxy_->counters_.stalled.fetch_add(1);
      }
      if (hold > absl::ZeroDuration()) {
        proxy_->counters_.delayed.fetch_add(1);
      }
      Clock::time_point release = Clock::now() + absl::ToChronoNanoseconds(hold);
      if (release < p->last_release) {
        release = p->last_release;  // TCP keeps order
      }
      p->last_release = release;
      p->queue.push_back({std::vector<char>(p->buffer.begin(), p->buffer.begin() + n), release});
      p->queued_bytes += n;
    }

    // Writes the next chunk when it is due, or forwards the close once everything went.
    void Pump(Pipe* p) {
      if (closed_ || !connected_ || p->writing || p->waiting || p->done) {
        return;
      }
      if (proxy_->Get().blackhole) {
        return;
      }
      if (p->queue.empty()) {
        if (p->eof) {
          p->done = true;
          boost::system::error_code ignored;
          p->to->shutdown(tcp::socket::shutdown_send, ignored);
          if (up_.done && down_.done) {
            Close(false);
          }
        }
        return;
      }
      auto self = shared_from_this();
      if (p->queue.front().release > Clock::now()) {
        p->waiting = true;
        p->timer->expires_at(p->queue.front().release);
        p->timer->async_wait([self, p](const boost::system::error_code&) {
          p->waiting = false;
          self->Pump(p);
        });
        return;
      }
      p->writing = true;
      asio::async_write(*p->to, asio::buffer(p->queue.front().data),
                        [self, p](const boost::system::error_code& ec, size_t n) {
                          p->writing = false;
                          if (self->closed_) {
                            return;
                          }
                          if (ec) {
                            self->Close(true);
                            return;
                          }
                          self->proxy_->counters_.forwarded.fetch_add(1);
                          self->proxy_->counters_.bytes.fetch_add(n);
                          p->queued_bytes -= p->queue.front().data.size();
                          p->queue.pop_front();
                          self->Read(p);
                          self->Pump(p);
                        });
    }

    Impl* const proxy_;
    const uint64_t id_;
    tcp::socket client_;
    tcp::socket server_;
    Pipe up_;    // client to server
    Pipe down_;  // server to client
    bool connecting_ = false;
    bool connected_ = false;
    bool closed_ = false;
  };

  Impl(const std::string& target_host, int target_port, const std::string& listen_host)
      : acceptor_(io_),
        target_(asio::ip::make_address(target_host), static_cast<uint16_t>(target_port)),
        rng_(20240917) {
    boost::system::error_code ec;
    const tcp::endpoint at(asio::ip::make_address(listen_host, ec), 0);
    if (!ec) {
      acceptor_.open(at.protocol(), ec);
    }
    if (!ec) {
      acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
      acceptor_.bind(at, ec);
    }
    if (!ec) {
      acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
      ADD_FAILURE() << "fault proxy cannot listen on " << listen_host << ": " << ec.message();
      return;
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    thread_ = std::thread([this] { io_.run(); });
  }

  ~Impl() {
    try {
      Run([this] {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        auto all = connections_;
        for (auto& [id, c] : all) {
          c->Close(true);
        }
      });
    } catch (...) {
      // Only a broken promise or no memory: the sockets close with io_ below anyway.
    }
    io_.stop();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

  // Runs `f` on the I/O thread and waits for it.
  template <typename F>
  auto Run(F f) -> decltype(f()) {
    if (!thread_.joinable()) {
      return f();
    }
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  Settings Get() {
    std::lock_guard<std::mutex> lock(mu_);
    return settings_;
  }
  template <typename F>
  void Change(F f) {
    std::lock_guard<std::mutex> lock(mu_);
    f(&settings_);
  }
  double Uniform(double lo, double hi) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  void Accept() {
    acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
        return;
      }
      if (!ec) {
        counters_.accepted.fetch_add(1);
        if (Get().refuse) {
          counters_.refused.fetch_add(1);
          Abort(&socket);
        } else {
          const uint64_t id = next_id_++;
          auto c = std::make_shared<Connection>(this, id, std::move(socket));
          connections_.emplace(id, c);
          c->Start();
        }
      }
      Accept();
    });
  }

  void Heal() {
    auto all = connections_;
    for (auto& [id, c] : all) {
      c->Resume();
    }
  }

  int ResetAll() {
    auto all = connections_;
    for (auto& [id, c] : all) {
      c->Close(true);
    }
    counters_.reset.fetch_add(all.size());
    return static_cast<int>(all.size());
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  const tcp::endpoint target_;
  int port_ = 0;
  Counters counters_;
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;  // I/O thread only
  uint64_t next_id_ = 0;                                         // I/O thread only
  std::mutex mu_;
  Settings settings_;    // guarded by mu_
  std::mt19937_64 rng_;  // guarded by mu_; seeded, so a run's draws repeat
  std::thread thread_;
};

FaultProxy::FaultProxy(const std::string& target_host, int target_port,
                       const std::string& listen_host)
    : impl_(std::make_unique<Impl>(target_host, target_port, listen_host)),
      port_(impl_->port_),
      listen_host_(listen_host) {}

FaultProxy::~FaultProxy() { FaultTally::Get().AddProxy(stats()); }

std::string FaultProxy::address() const { return listen_host_ + ":" + std::to_string(port_); }

void FaultProxy::SetDelay(absl::Duration fixed, absl::Duration jitter) {
  impl_->Change([&](Settings* s) {
    s->delay = fixed;
    s->jitter = jitter;
  });
}

void FaultProxy::SetLoss(double probability, absl::Duration stall) {
  impl_->Change([&](Settings* s) {
    s->loss = probability;
    s->stall = stall;
  });
}

void FaultProxy::SetBlackhole(bool on) {
  bool was = false;
  impl_->Change([&](Settings* s) {
    was = s->blackhole;
    s->blackhole = on;
  });
  if (on && !was) {
    impl_->counters_.blackholes.fetch_add(1);
  }
  if (!on && was) {
    impl_->Run([this] { impl_->Heal(); });
  }
}

void FaultProxy::SetRefuseNew(bool on) {
  impl_->Change([&](Settings* s) { s->refuse = on; });
}

int FaultProxy::ResetAll() {
  return impl_->Run([this] { return impl_->ResetAll(); });
}

int FaultProxy::OpenConnections() const {
  return impl_->Run([this] { return static_cast<int>(impl_->connections_.size()); });
}

FaultProxyStats FaultProxy::stats() const {
  const Counters& c = impl_->counters_;
  FaultProxyStats s;
  s.connections_accepted = c.accepted.load();
  s.connections_refused = c.refused.load();
  s.connections_reset = c.reset.load();
  s.blackholes = c.blackholes.load();
  s.chunks_forwarded = c.forwarded.load();
  s.chunks_delayed = c.delayed.load();
  s.chunks_stalled = c.stalled.load();
  s.bytes_forwarded = c.bytes.load();
  return s;
}

}  // namespace poc::testing
