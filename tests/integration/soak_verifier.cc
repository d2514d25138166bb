#include "tests/integration/soak_verifier.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "tests/integration/process.h"

namespace poc::testing {
namespace {

constexpr uint32_t kEverything = 1u << 24;  // a List limit above any soak's message count
constexpr size_t kMaxProblems = 40;
// Deadlines of the verdict's own calls: bounds on a 2-core machine shared with other work.
constexpr absl::Duration kCallDeadline = absl::Seconds(30);

void Problem(std::vector<std::string>* problems, std::string line) {
  if (problems->size() < kMaxProblems) {
    problems->push_back(std::move(line));
  }
}

bool ListFolder(v1::NodeControl::Stub& node, const std::string& state, v1::Folder folder,
                std::vector<v1::MessageSummary>* out, std::string* error) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, kCallDeadline);
  v1::ListRequest request;
  request.set_folder(folder);
  request.set_limit(kEverything);
  v1::ListResponse response;
  const grpc::Status s = node.List(&ctx, request, &response);
  if (!s.ok()) {
    *error = absl::StrCat("List on ", state, " failed: ", s.error_message());
    return false;
  }
  out->assign(response.messages().begin(), response.messages().end());
  return true;
}

bool ShowMessage(v1::NodeControl::Stub& node, const std::string& state, const std::string& id,
                 v1::ShowResponse* out, std::string* error) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, kCallDeadline);
  v1::ShowRequest request;
  request.set_message_id(id);
  const grpc::Status s = node.Show(&ctx, request, out);
  if (!s.ok()) {
    *error = absl::StrCat("Show ", id, " on ", state, " failed: ", s.error_message());
    return false;
  }
  return true;
}

bool NodeStatus(v1::NodeControl::Stub& node, v1::StatusResponse* out) {
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx, kCallDeadline);
  return node.Status(&ctx, v1::StatusRequest(), out).ok();
}

}  // namespace

SoakVerifier::SoakVerifier(TestNetwork* net, std::vector<std::string> states)
    : net_(net), states_(std::move(states)) {}

v1::NodeControl::Stub& SoakVerifier::Control(const std::string& state) {
  std::unique_ptr<v1::NodeControl::Stub>& stub = controls_[state];
  if (!stub) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1);  // a long soak's folders outgrow gRPC's 4 MiB default
    stub = v1::NodeControl::NewStub(
        grpc::CreateCustomChannel("unix:" + net_->NodeDir(state) + "/control.sock",
                                  grpc::InsecureChannelCredentials(), args));
  }
  return *stub;
}

std::optional<size_t> SoakVerifier::Outstanding(const std::vector<AnsweredSend>& answered,
                                                std::string* example) {
  // First what Status tells cheaply: while outboxes are not empty the inboxes cannot be.
  size_t owed = 0;
  for (const std::string& state : states_) {
    v1::StatusResponse status;
    if (!NodeStatus(Control(state), &status) || !status.connected()) {
      *example = state + " is not connected to the relay";
      ++owed;
    } else if (status.outbox_queued() > 0) {
      *example = absl::StrCat(state, " has ", status.outbox_queued(), " message(s) queued");
      owed += status.outbox_queued();
    }
  }
  if (owed > 0) {
    return owed;
  }
  std::map<std::string, std::set<std::string>> inbox;  // state -> ids
  std::map<std::string, v1::MessageSummary> sent;      // id -> the sender's summary
  for (const std::string& state : states_) {
    std::vector<v1::MessageSummary> list;
    if (!ListFolder(Control(state), state, v1::FOLDER_INBOX, &list, example)) {
      return std::nullopt;
    }
    for (const auto& m : list) {
      inbox[state].insert(m.id());
    }
    if (!ListFolder(Control(state), state, v1::FOLDER_SENT, &list, example)) {
      return std::nullopt;
    }
    for (auto& m : list) {
      sent[m.id()] = std::move(m);
    }
  }
  for (const AnsweredSend& m : answered) {
    for (const std::string& r : m.recipients) {
      if (inbox[r].count(m.id) == 0) {
        *example = absl::StrCat(m.id, " from ", m.sender, " has not reached ", r);
        ++owed;
      }
    }
    auto it = sent.find(m.id);
    const size_t receipts = it == sent.end() ? 0 : it->second.delivered_to();
    if (receipts < m.recipients.size()) {
      *example = absl::StrCat(m.sender, " has ", receipts, " of ", m.recipients.size(),
                              " delivery receipts for ", m.id);
      owed += m.recipients.size() - receipts;
    }
  }
  return owed;
}

bool SoakVerifier::WaitUntilSettled(const std::vector<AnsweredSend>& answered, absl::Duration stall,
                                    absl::Duration limit, std::string* why) {
  const absl::Time end = absl::Now() + limit;
  absl::Time changed = absl::Now();
  std::optional<size_t> owed;
  while (true) {
    const std::optional<size_t> now_owed = Outstanding(answered, why);
    if (now_owed == 0u) {
      return true;
    }
    if (now_owed.has_value() && now_owed != owed) {
      owed = now_owed;
      changed = absl::Now();
    }
    if (absl::Now() > end || absl::Now() - changed > stall) {
      break;
    }
    // Reading every inbox and sent folder is not free for the nodes: not too often.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  *why = absl::StrCat(owed.has_value() ? absl::StrCat(*owed) : "an unknown number of",
                      " item(s) still owed ",
                      absl::Now() > end ? "after " + absl::FormatDuration(limit)
                                        : "and nothing changed for " + absl::FormatDuration(stall),
                      ", e.g. ", *why);
  return false;
}

SoakTally SoakVerifier::Verify(const std::vector<AnsweredSend>& answered,
                               std::vector<std::string>* problems) {
  SoakTally tally;
  tally.messages = answered.size();
  std::string error;
  // state -> id -> how often the operator's inbox lists it (and the summary shown)
  std::map<std::string, std::map<std::string, std::vector<v1::MessageSummary>>> inbox;
  std::map<std::string, v1::MessageSummary> sent;  // id -> the sender's summary
  for (const std::string& state : states_) {
    std::vector<v1::MessageSummary> list;
    if (!ListFolder(Control(state), state, v1::FOLDER_INBOX, &list, &error)) {
      Problem(problems, error);
      return tally;
    }
    for (auto& m : list) {
      inbox[state][m.id()].push_back(std::move(m));
    }
    if (!ListFolder(Control(state), state, v1::FOLDER_SENT, &list, &error)) {
      Problem(problems, error);
      return tally;
    }
    for (auto& m : list) {
      if (m.sender() != state) {
        Problem(problems,
                absl::StrCat(state, "'s sent folder lists ", m.id(), " from ", m.sender()));
      }
      sent[m.id()] = std::move(m);
    }
    v1::StatusResponse status;
    if (!NodeStatus(Control(state), &status)) {
      Problem(problems, state + " does not answer Status");
    }
    for (const v1::WitnessAlarm& alarm : status.witness().alarms()) {
      Problem(problems, absl::StrCat(state, " raised a witness alarm (", alarm.kind(),
                                     "): ", alarm.detail()));
    }
  }
  for (const auto& [state, ids] : inbox) {
    for (const auto& [id, shown] : ids) {
      if (shown.size() > 1) {
        tally.duplicates += shown.size() - 1;
        Problem(problems, absl::StrCat(state, "'s inbox shows ", id, " ", shown.size(), " times"));
      }
    }
  }

  std::set<std::string> answered_ids;
  for (const AnsweredSend& m : answered) {
    answered_ids.insert(m.id);
    tally.deliveries += m.recipients.size();
    auto s = sent.find(m.id);
    if (s == sent.end()) {
      Problem(problems, absl::StrCat(m.sender, " lost its answered message ", m.id));
    } else if (s->second.state() != v1::OUTBOX_STATE_SUBMITTED ||
               s->second.recipient_count() != m.recipients.size()) {
      Problem(problems, absl::StrCat(m.sender, " shows ", m.id, " as ",
                                     v1::OutboxState_Name(s->second.state()), " for ",
                                     s->second.recipient_count(), " recipients, expected ",
                                     m.recipients.size()));
    }
    for (const std::string& state : states_) {
      auto found = inbox[state].find(m.id);
      const bool owed = m.recipients.count(state) > 0;
      if (found == inbox[state].end()) {
        if (owed) {
          ++tally.lost;
          Problem(problems, absl::StrCat(m.id, " from ", m.sender, " never reached ", state));
        }
        continue;
      }
      if (!owed) {
        Problem(problems, absl::StrCat(m.id, " from ", m.sender, " reached ", state,
                                       ", which it was not addressed to"));
        continue;
      }
      const v1::MessageSummary& got = found->second.front();
      if (got.sender() != m.sender || got.subject() != m.subject) {
        Problem(problems,
                absl::StrCat(state, " shows ", m.id, " from ", got.sender(), " as '", got.subject(),
                             "', sent by ", m.sender, " as '", m.subject, "'"));
        continue;
      }
      ++tally.delivered;
    }
    // The receipts, as the sender's operator sees them.
    v1::ShowResponse shown;
    if (!ShowMessage(Control(m.sender), m.sender, m.id, &shown, &error)) {
      Problem(problems, error);
      continue;
    }
    std::set<std::string> progress;
    for (const v1::RecipientProgress& p : shown.progress()) {
      progress.insert(p.state());
      if (m.recipients.count(p.state()) > 0 && IsSet(p.delivered_at())) {
        ++tally.receipts;
      } else if (m.recipients.count(p.state()) > 0) {
        Problem(problems,
                absl::StrCat(m.sender, " has no delivery receipt from ", p.state(), " for ", m.id));
      }
    }
    if (progress != m.recipients) {
      Problem(problems,
              absl::StrCat(m.sender, " tracks ", m.id, " for ", absl::StrJoin(progress, ","),
                           ", expected ", absl::StrJoin(m.recipients, ",")));
    }
    // The whole message as one recipient's operator reads it.
    const std::string& reader = *m.recipients.begin();
    if (inbox[reader].count(m.id) == 0 ||
        !ShowMessage(Control(reader), reader, m.id, &shown, &error)) {
      continue;
    }
    const std::vector<std::string> written(shown.message().recipients().begin(),
                                           shown.message().recipients().end());
    if (shown.message().sender() != m.sender ||
        shown.message().template_().subject() != m.subject ||
        shown.message().template_().summary() != m.summary || written != m.addressed_to) {
      Problem(problems,
              absl::StrCat(reader, " reads ", m.id, " differently from what ", m.sender, " sent"));
    }
  }
  // Messages whose Send was cut short by a kill may still have gone out (the node stored them
  // before the kill): they must be genuine, sent by the State named.
  for (const auto& [state, ids] : inbox) {
    for (const auto& [id, shown] : ids) {
      if (answered_ids.count(id) > 0) {
        continue;
      }
      auto s = sent.find(id);
      if (s == sent.end() || s->second.sender() != shown.front().sender()) {
        Problem(problems, absl::StrCat(state, "'s inbox holds ", id, ", which ",
                                       shown.front().sender(), " never sent"));
        continue;
      }
      ++tally.unanswered_delivered;
    }
  }
  VerifyAudit(answered, &tally, problems);
  return tally;
}

void SoakVerifier::VerifyAudit(const std::vector<AnsweredSend>& answered, SoakTally* tally,
                               std::vector<std::string>* problems) {
  auto audit = v1::Audit::NewStub(net_->RelayChannel(net_->NodeDir(states_.front())));
  uint64_t size = 0;
  {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, kCallDeadline);
    v1::GetCheckpointRequest request;
    request.set_fresh(true);
    v1::GetCheckpointResponse response;
    const grpc::Status s = audit->GetCheckpoint(&ctx, request, &response);
    const std::vector<std::string> lines = absl::StrSplit(response.note(), '\n');
    if (!s.ok() || lines.size() < 2 || !absl::SimpleAtoi(lines[1], &size)) {
      Problem(problems, "no fresh audit checkpoint: " + s.error_message());
      return;
    }
  }
  tally->audit_leaves = size;
  std::map<std::string, std::vector<v1::AuditEvent>> submitted;  // message id -> its leaves
  std::map<std::pair<std::string, std::string>, int> delivered;  // (id, state) -> leaves
  for (uint64_t start = 0; start < size;) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, kCallDeadline);
    v1::GetEntriesRequest request;
    request.set_start(start);
    request.set_count(std::min<uint64_t>(1000, size - start));
    v1::GetEntriesResponse response;
    const grpc::Status s = audit->GetEntries(&ctx, request, &response);
    if (!s.ok() || response.entries_size() == 0) {
      Problem(problems, absl::StrCat("GetEntries at ", start, " failed: ", s.error_message()));
      return;
    }
    for (const std::string& entry : response.entries()) {
      v1::AuditEvent event;
      if (!event.ParseFromString(entry)) {
        Problem(problems, absl::StrCat("audit leaf ", start, " is not an AuditEvent"));
      } else if (event.type() == v1::AUDIT_EVENT_SUBMITTED) {
        submitted[event.message_id()].push_back(event);
      } else if (event.type() == v1::AUDIT_EVENT_DELIVERED) {
        ++delivered[{event.message_id(), event.state()}];
      } else if (event.type() == v1::AUDIT_EVENT_DELIVERY_REFUSED) {
        Problem(problems,
                absl::StrCat(event.state(), " refused ", event.message_id(), ": ", event.reason()));
      }
      ++start;
    }
  }
  for (const AnsweredSend& m : answered) {
    auto leaves = submitted.find(m.id);
    if (leaves == submitted.end()) {
      Problem(problems, absl::StrCat(m.id, " has no SUBMITTED leaf in the audit log"));
      continue;
    }
    if (leaves->second.size() > 1) {
      tally->duplicates += leaves->second.size() - 1;
      Problem(problems,
              absl::StrCat(m.id, " is logged as SUBMITTED ", leaves->second.size(), " times"));
    }
    const v1::AuditEvent& leaf = leaves->second.front();
    const std::set<std::string> logged(leaf.recipients().begin(), leaf.recipients().end());
    if (leaf.sender() != m.sender || logged != m.recipients) {
      Problem(problems, absl::StrCat(m.id, " is logged from ", leaf.sender(), " to ",
                                     absl::StrJoin(logged, ",")));
    }
    for (const std::string& r : m.recipients) {
      const int n = delivered[{m.id, r}];
      if (n != 1) {
        tally->duplicates += n > 1 ? n - 1 : 0;
        Problem(problems, absl::StrCat(m.id, " is logged as DELIVERED to ", r, " ", n, " times"));
      }
    }
  }
  // The whole log, root recomputed from every entry, as an auditor holding a node's
  // credentials checks it.
  const RunResult verify =
      RunCommand({"/usr/bin/timeout", "300", BinaryPath("client/pocctl/pocctl"), "--node",
                  net_->NodeDir(states_.front()), "audit", "verify", "--json"});
  if (verify.exit_code != 0 || verify.output.find("\"verified\":true") == std::string::npos) {
    Problem(problems, "pocctl audit verify failed: " + verify.output);
  }
}

}  // namespace poc::testing
