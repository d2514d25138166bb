// The soak tests' verdict (soak_test.cc): after the kills stop, reads every node's inbox and
// sent folder through its control API and the relay's audit log, and holds them against the
// ledger of answered Sends (soak_traffic.h).
#ifndef POC_TESTS_INTEGRATION_SOAK_VERIFIER_H_
#define POC_TESTS_INTEGRATION_SOAK_VERIFIER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/integration/soak_traffic.h"
#include "tests/integration/test_network.h"

namespace poc::testing {

struct SoakTally {
  size_t messages = 0;              // answered Sends
  size_t deliveries = 0;            // (message, recipient) pairs owed
  size_t delivered = 0;             // found once in the recipient's inbox, as sent
  size_t receipts = 0;              // recipients' delivery receipts shown by the sender
  size_t duplicates = 0;            // a message shown twice, logged twice or delivered twice
  size_t lost = 0;                  // owed and not in the recipient's inbox
  size_t unanswered_delivered = 0;  // Sends cut short by a kill whose message still went out
  uint64_t audit_leaves = 0;
};

// Not thread-safe; use after the traffic stopped. `*net` must outlive it.
class SoakVerifier {
 public:
  SoakVerifier(TestNetwork* net, std::vector<std::string> states);

  // Waits until every node is connected, every outbox is empty, and every answered message is
  // in each recipient's inbox with its receipt back at the sender: true when it all arrived.
  // Gives up when nothing changed for `stall`, or after `limit` (a long soak leaves a backlog
  // that takes a while to drain); `*why` then says what is still missing.
  bool WaitUntilSettled(const std::vector<AnsweredSend>& answered, absl::Duration stall,
                        absl::Duration limit, std::string* why);

  // Checks inboxes, receipts, content and the audit log, adding one line per broken promise to
  // `*problems` (at most a few dozen are kept; the counts hold them all).
  SoakTally Verify(const std::vector<AnsweredSend>& answered, std::vector<std::string>* problems);

 private:
  // What is still owed now: nodes not connected and messages still queued, or when there are
  // none, deliveries and receipts not yet there. nullopt when a node's folders cannot be read.
  std::optional<size_t> Outstanding(const std::vector<AnsweredSend>& answered,
                                    std::string* example);
  // One control channel per node, kept: the nodes stay up while the verdict is read.
  v1::NodeControl::Stub& Control(const std::string& state);
  void VerifyAudit(const std::vector<AnsweredSend>& answered, SoakTally* tally,
                   std::vector<std::string>* problems);

  TestNetwork* const net_;
  const std::vector<std::string> states_;
  std::map<std::string, std::unique_ptr<v1::NodeControl::Stub>> controls_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_SOAK_VERIFIER_H_
