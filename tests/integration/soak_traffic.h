// Sustained operator traffic for the soak tests (soak_test.cc): a few threads send through the
// nodes' control APIs, as pocctl does, to single States, to several, to groups and to `all`,
// and keep a ledger of every Send a node answered.
#ifndef POC_TESTS_INTEGRATION_SOAK_TRAFFIC_H_
#define POC_TESTS_INTEGRATION_SOAK_TRAFFIC_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "poc/v1/node_control.pb.h"
#include "tests/integration/test_network.h"

namespace poc::testing {

// A message whose Send its node answered (QUEUED or SUBMITTED): the node holds it durably in
// its outbox, so it must reach every recipient's operator exactly once, whatever is killed.
struct AnsweredSend {
  std::string id;
  std::string sender;
  std::string subject;  // unique per message
  std::string summary;
  std::vector<std::string> addressed_to;  // as the operator wrote them
  std::set<std::string> recipients;       // groups and `all` expanded, the sender left out
  v1::OutboxState answered_state = v1::OUTBOX_STATE_UNSPECIFIED;
};

struct TrafficCounts {
  int attempts = 0;
  int answered = 0;    // QUEUED or SUBMITTED
  int submitted = 0;   // the relay's receipt came back within the Send
  int queued = 0;      // the relay was unreachable: the node's outbox loop submits it later
  int unanswered = 0;  // the node was down or the call failed: no promise was made
};

// Thread-safe. Start() runs the senders; Stop() (or the destructor) joins them.
class SoakTraffic {
 public:
  // `states`: every State with a node; `groups`: custom group name -> members, as in the
  // directory. `*net` must outlive this object.
  SoakTraffic(const TestNetwork* net, std::vector<std::string> states,
              std::map<std::string, std::vector<std::string>> groups, uint64_t seed);
  ~SoakTraffic();
  SoakTraffic(const SoakTraffic&) = delete;
  SoakTraffic& operator=(const SoakTraffic&) = delete;

  void Start(int threads);
  void Stop();

  std::vector<AnsweredSend> answered() const;
  TrafficCounts counts() const;
  // Answers that break a promise by themselves (a valid message REJECTED, a relay expanding
  // recipients other than expected). Empty in a sound network.
  std::vector<std::string> errors() const;

 private:
  void Run(int thread, uint64_t seed);
  void Record(const std::string& sender, const grpc::Status& status,
              const v1::SendResponse& response, AnsweredSend sent);
  // Picks recipients as an operator might write them, and what the relay must expand them to.
  void PickRecipients(const std::string& sender, std::mt19937_64* rng,
                      std::vector<std::string>* addressed, std::set<std::string>* expected) const;

  const TestNetwork* const net_;
  const std::vector<std::string> states_;
  const std::map<std::string, std::vector<std::string>> groups_;
  const uint64_t seed_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;

  mutable std::mutex mu_;
  std::vector<AnsweredSend> answered_;  // guarded by mu_
  TrafficCounts counts_;                // guarded by mu_
  std::vector<std::string> errors_;     // guarded by mu_
};

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_SOAK_TRAFFIC_H_
