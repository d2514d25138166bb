// What an operator does with pocd in the fault suites (send, list, show), and the check that
// a node received a run of messages once each and in order.
#ifndef POC_TESTS_INTEGRATION_NODE_OPERATIONS_H_
#define POC_TESTS_INTEGRATION_NODE_OPERATIONS_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "poc/v1/node_control.pb.h"
#include "tests/integration/test_network.h"

namespace poc::testing {

// `from`'s operator sends a notification with `subject` to `to` (pocctl send).
v1::SendResponse SendNotification(TestNetwork* net, const std::string& from,
                                  const std::vector<std::string>& to, const std::string& subject);
// `from`'s operator sends `n` notifications to `to`, subjects "<tag> 0" onwards; their ids.
std::vector<std::string> SendMany(TestNetwork* net, const std::string& from, const std::string& to,
                                  int n, const std::string& tag);
// The folder's messages, newest first, as pocctl lists them.
std::vector<v1::MessageSummary> ListFolder(TestNetwork* net, const std::string& state,
                                           v1::Folder folder);
v1::ShowResponse ShowMessage(TestNetwork* net, const std::string& state, const std::string& id);

// Succeeds when `state`'s inbox holds exactly `ids`, each once, stored in this order; then
// counts them in the fault tally.
::testing::AssertionResult ReceivedOnceInOrder(TestNetwork* net, const std::string& state,
                                               const std::vector<std::string>& ids);
// Succeeds when the relay accepted `ids` in this order: their audit indexes rise.
::testing::AssertionResult SubmittedInOrder(TestNetwork* net, const std::string& state,
                                            const std::vector<std::string>& ids);
// Succeeds when the sender `state` holds a delivery receipt from each recipient of each id.
bool AllDelivered(TestNetwork* net, const std::string& state, const std::vector<std::string>& ids);

// Lines of `log` (a process's output) that contain `text`.
int CountLines(const std::string& log, const std::string& text);

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_NODE_OPERATIONS_H_
