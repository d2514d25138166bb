#include "tests/integration/node_operations.h"

#include <map>
#include <sstream>

#include "tests/integration/fault_tally.h"

namespace poc::testing {

v1::SendResponse SendNotification(TestNetwork* net, const std::string& from,
                                  const std::vector<std::string>& to, const std::string& subject) {
  v1::SendRequest request;
  for (const auto& r : to) {
    request.add_recipients(r);
  }
  request.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = request.mutable_template_();
  t->set_urgency(v1::URGENCY_PRIORITY);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_GREEN);
  t->set_subject(subject);
  t->set_summary("Scanning of government networks from one address block.");
  t->set_language("en");
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, absl::Seconds(20));
  v1::SendResponse response;
  const grpc::Status s = net->Control(from)->Send(&ctx, request, &response);
  EXPECT_TRUE(s.ok()) << from << " send: " << s.error_message();
  return response;
}

std::vector<std::string> SendMany(TestNetwork* net, const std::string& from, const std::string& to,
                                  int n, const std::string& tag) {
  std::vector<std::string> ids;
  ids.reserve(n);
  for (int i = 0; i < n; ++i) {
    ids.push_back(SendNotification(net, from, {to}, tag + " " + std::to_string(i)).message_id());
  }
  return ids;
}

std::vector<v1::MessageSummary> ListFolder(TestNetwork* net, const std::string& state,
                                           v1::Folder folder) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::ListRequest request;
  request.set_folder(folder);
  request.set_limit(1000);
  v1::ListResponse response;
  const grpc::Status s = net->Control(state)->List(&ctx, request, &response);
  EXPECT_TRUE(s.ok()) << state << " list: " << s.error_message();
  return {response.messages().begin(), response.messages().end()};
}

v1::ShowResponse ShowMessage(TestNetwork* net, const std::string& state, const std::string& id) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::ShowRequest request;
  request.set_message_id(id);
  v1::ShowResponse response;
  const grpc::Status s = net->Control(state)->Show(&ctx, request, &response);
  EXPECT_TRUE(s.ok()) << state << " show " << id << ": " << s.error_message();
  return response;
}

::testing::AssertionResult ReceivedOnceInOrder(TestNetwork* net, const std::string& state,
                                               const std::vector<std::string>& ids) {
  const auto inbox = ListFolder(net, state, v1::FOLDER_INBOX);
  std::map<std::string, int> seen;
  std::vector<std::string> stored;  // oldest first
  for (auto it = inbox.rbegin(); it != inbox.rend(); ++it) {
    ++seen[it->id()];
    stored.push_back(it->id());
  }
  for (const auto& id : ids) {
    if (seen[id] != 1) {
      return ::testing::AssertionFailure()
             << state << " holds message " << id << " " << seen[id] << " time(s)";
    }
  }
  if (stored != ids) {
    std::ostringstream out;
    out << state << " stored " << stored.size() << " message(s) in another order than sent:";
    for (size_t i = 0; i < stored.size(); ++i) {
      out << "\n  #" << i << " " << stored[i] << (i < ids.size() ? " sent " + ids[i] : "");
    }
    return ::testing::AssertionFailure() << out.str();
  }
  FaultTally::Get().Count(kCheckedOnceInOrder, ids.size());
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult SubmittedInOrder(TestNetwork* net, const std::string& state,
                                            const std::vector<std::string>& ids) {
  uint64_t last = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    const v1::ShowResponse shown = ShowMessage(net, state, ids[i]);
    if (shown.summary().state() != v1::OUTBOX_STATE_SUBMITTED) {
      return ::testing::AssertionFailure() << ids[i] << " is not submitted: " << shown.error();
    }
    if (i > 0 && shown.audit_index() <= last) {
      return ::testing::AssertionFailure()
             << "message #" << i << " (" << ids[i] << ") has audit index " << shown.audit_index()
             << ", not after #" << i - 1 << "'s " << last;
    }
    last = shown.audit_index();
  }
  return ::testing::AssertionSuccess();
}

bool AllDelivered(TestNetwork* net, const std::string& state, const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    const v1::MessageSummary s = ShowMessage(net, state, id).summary();
    if (s.recipient_count() == 0 || s.delivered_to() != s.recipient_count()) {
      return false;
    }
  }
  return true;
}

int CountLines(const std::string& log, const std::string& text) {
  std::istringstream in(log);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    n += line.find(text) != std::string::npos ? 1 : 0;
  }
  return n;
}

}  // namespace poc::testing
