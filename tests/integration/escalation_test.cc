// Escalation, drills and pocd's operator hook end to end, in real time with escalation times of
// seconds: a real relay and real pocd processes; an urgent message that KEN never acknowledges
// is reminded, escalated to KEN's diplomatic contact and then to the Secretariat, while DEU's
// acknowledgement stops it for DEU; every step is an audit leaf. A drill started with
// `pocctl drill start --scenario FILE` runs the same way and `pocctl drill report` gives its
// timeline. Bad scenarios and callers are refused and schedule nothing. KEN's hook command and
// DEU's hook URL (a real local HTTP listener here) get each event as JSON.
#include <arpa/inet.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "absl/strings/str_split.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "poc/v1/escalation.grpc.pb.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

using Strings = std::vector<std::string>;

// A one-thread HTTP listener on 127.0.0.1: answers every request 200 and keeps the bodies.
class HookListener {
 public:
  HookListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~HookListener() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  int port() const { return port_; }
  Strings bodies() {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_;
  }

 private:
  void Serve() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      size_t need = std::string::npos;
      while (need == std::string::npos || in.size() < need) {
        const ssize_t n = ::read(c, buf, sizeof(buf));
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
        const size_t end = in.find("\r\n\r\n");
        if (end != std::string::npos && need == std::string::npos) {
          std::string headers = in.substr(0, end);
          for (char& ch : headers) ch = static_cast<char>(std::tolower(ch));
          const size_t cl = headers.find("content-length:");
          need = end + 4 + (cl == std::string::npos ? 0 : std::stoul(headers.substr(cl + 15)));
        }
      }
      {
        std::lock_guard<std::mutex> lock(mu_);
        const size_t end = in.find("\r\n\r\n");
        bodies_.push_back(end == std::string::npos ? "" : in.substr(end + 4));
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      (void)::write(c, ok.data(), ok.size());
      ::close(c);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  Strings bodies_;
};

std::string Contacts(const std::string& state) {
  return "[[state.contact]]\nlevel = \"technical\"\norder = 1\nname = \"" + state +
         " CERT duty officer\"\nemail = \"cert@" + state +
         ".example\"\n"
         "[[state.contact]]\nlevel = \"diplomatic\"\norder = 2\nname = \"" +
         state + " cyber desk\"\nemail = \"desk@" + state + ".example\"\nphone = \"+1 555 0100\"\n";
}

class EscalationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = std::make_unique<TestNetwork>(Strings{"DEU", "FRA", "KEN"});
    net_->Pki({"admin-cert", "--dir", net_->dir() + "/pki", "--out", net_->dir() + "/admin"});
    net_->WriteDirectory(
        1, {}, "", {{"DEU", Contacts("DEU")}, {"FRA", Contacts("FRA")}, {"KEN", Contacts("KEN")}});
    hook_out_ = net_->dir() + "/ken-hook.jsonl";
    const std::string script = net_->dir() + "/hook.sh";
    std::ofstream(script) << "#!/bin/sh\ncat >> " << hook_out_ << "\n";
    ::chmod(script.c_str(), 0755);
    // Dotted keys: the extras go among the top-level settings, before any table.
    net_->SetNodeExtras("KEN", "hook.command = \"" + script + "\"\nhook.timeout = \"5s\"\n");
    net_->SetNodeExtras("DEU", "hook.url = \"http://127.0.0.1:" + std::to_string(listener_.port()) +
                                   "/tickets\"\n");
    // Urgent: remind after 2s, escalate to the diplomatic contact after 4s, to the Secretariat
    // after 6s.
    net_->StartRelay({"--escalation-urgent-remind-after", "2s",
                      "--escalation-urgent-escalate-after", "4s",
                      "--escalation-urgent-secretariat-after", "6s"});
    std::ofstream(Secretariat()) << "relay = \"" << net_->relay_address() << "\"\n"
                                 << "relay_name = \"localhost\"\n"
                                 << "[tls]\nca = \"ca.crt\"\ncert = \"admin.crt\"\n"
                                 << "key = \"admin.key\"\n";
    for (const char* s : {"DEU", "FRA", "KEN"}) net_->StartNode(s);
    for (const char* s : {"DEU", "FRA", "KEN"}) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(s); })) << net_->node(s).Log();
    }
  }

  std::string Secretariat() const { return net_->dir() + "/admin/secretariat.toml"; }

  RunResult Pocctl(const Strings& args) {
    Strings argv = {"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  RunResult Drill(Strings args) {
    args.insert(args.begin() + 1, {"--secretariat", Secretariat()});
    args.insert(args.begin(), "drill");
    return Pocctl(args);
  }

  std::vector<v1::ShowResponse> Inbox(const std::string& state) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::ListResponse list;
    EXPECT_TRUE(net_->Control(state)->List(&ctx, v1::ListRequest(), &list).ok());
    std::vector<v1::ShowResponse> out;
    for (const v1::MessageSummary& m : list.messages()) {
      grpc::ClientContext show_ctx;
      SetTestDeadline(&show_ctx);
      v1::ShowRequest request;
      request.set_message_id(m.id());
      EXPECT_TRUE(net_->Control(state)->Show(&show_ctx, request, &out.emplace_back()).ok());
    }
    return out;
  }
  // The escalation steps of the notices in `state`'s inbox about `id`, oldest first.
  std::vector<v1::EscalationStep> Notices(const std::string& state, const std::string& id) {
    std::vector<v1::EscalationStep> out;
    for (const v1::ShowResponse& s : Inbox(state)) {
      if (s.message().escalation().message_id() == id) {
        out.insert(out.begin(), s.message().escalation().step());  // the list is newest first
      }
    }
    return out;
  }

  grpc::Status Ack(const std::string& state, const std::string& id) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::AckRequest request;
    request.set_message_id(id);
    v1::SendResponse response;
    grpc::Status s = net_->Control(state)->Ack(&ctx, request, &response);
    EXPECT_EQ(response.state(), v1::OUTBOX_STATE_SUBMITTED) << response.error();
    return s;
  }

  std::vector<v1::AuditEvent> AuditEvents() {
    auto audit = v1::Audit::NewStub(net_->RelayChannel(net_->dir() + "/admin", "admin"));
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::GetCheckpointRequest fresh;
    fresh.set_fresh(true);
    v1::GetCheckpointResponse checkpoint;
    EXPECT_TRUE(audit->GetCheckpoint(&ctx, fresh, &checkpoint).ok());
    const Strings lines = absl::StrSplit(checkpoint.note(), '\n');
    const uint64_t size = lines.size() > 1 ? std::stoull(lines[1]) : 0;
    grpc::ClientContext entries_ctx;
    SetTestDeadline(&entries_ctx);
    v1::GetEntriesRequest request;
    request.set_start(0);
    request.set_count(size);
    v1::GetEntriesResponse entries;
    EXPECT_TRUE(audit->GetEntries(&entries_ctx, request, &entries).ok());
    std::vector<v1::AuditEvent> events;
    for (const std::string& data : entries.entries()) events.emplace_back().ParseFromString(data);
    return events;
  }
  // "REMINDED KEN reminder", "ESCALATED KEN diplomatic", ... for the escalation leaves about `id`.
  Strings EscalationLeaves(const std::string& id) {
    Strings out;
    for (const v1::AuditEvent& e : AuditEvents()) {
      if (e.escalation().message_id() != id) continue;
      out.push_back(
          std::string(e.type() == v1::AUDIT_EVENT_ESCALATION_REMINDED ? "REMINDED" : "ESCALATED") +
          " " + e.state() + " " + v1::EscalationStep_Name(e.escalation().step()));
    }
    return out;
  }

  Strings HookEvents() {
    std::ifstream in(hook_out_);
    Strings out;
    std::string line;
    while (std::getline(in, line)) {
      const nlohmann::json j = nlohmann::json::parse(line);
      std::string event = j["event"];
      if (event == "escalation") event += ":" + j["escalation_step"].get<std::string>();
      if (j["drill"].get<bool>()) event += " (drill)";
      out.push_back(event);
    }
    return out;
  }

  HookListener listener_;
  std::unique_ptr<TestNetwork> net_;
  std::string hook_out_;
};

TEST_F(EscalationTest,
       AnUnacknowledgedUrgentMessageIsRemindedThenEscalatedAndAnAcknowledgedOneIsNot) {
  v1::SendRequest send;
  send.add_recipients("DEU");
  send.add_recipients("KEN");
  send.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  v1::Template* t = send.mutable_template_();
  t->set_urgency(v1::URGENCY_URGENT);
  t->set_level(v1::LEVEL_TECHNICAL);
  t->set_tlp(v1::TLP_AMBER);
  t->set_language("en");
  t->set_subject("Ransomware in hospital networks");
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::SendResponse sent;
  ASSERT_TRUE(net_->Control("FRA")->Send(&ctx, send, &sent).ok());
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();
  const std::string id = sent.message_id();
  ASSERT_TRUE(WaitFor([&] { return Inbox("DEU").size() == 1; }));
  ASSERT_TRUE(Ack("DEU", id).ok());

  ASSERT_TRUE(WaitFor([&] { return Notices("KEN", id).size() == 3; }, absl::Seconds(20)))
      << net_->relay().Log();
  EXPECT_EQ(Notices("KEN", id), (std::vector<v1::EscalationStep>{v1::ESCALATION_STEP_REMINDER,
                                                                 v1::ESCALATION_STEP_DIPLOMATIC,
                                                                 v1::ESCALATION_STEP_SECRETARIAT}));
  for (const v1::ShowResponse& s : Inbox("KEN")) {
    if (s.message().escalation().step() != v1::ESCALATION_STEP_DIPLOMATIC) continue;
    EXPECT_EQ(s.message().sender(), "secretariat");
    EXPECT_EQ(s.message().escalation().contact_name(), "KEN cyber desk");
    EXPECT_EQ(s.message().escalation().contact_email(), "desk@KEN.example");
    EXPECT_FALSE(s.message().drill());
  }
  EXPECT_TRUE(Notices("DEU", id).empty());
  EXPECT_EQ(EscalationLeaves(id), (Strings{"REMINDED KEN ESCALATION_STEP_REMINDER",
                                           "ESCALATED KEN ESCALATION_STEP_DIPLOMATIC",
                                           "ESCALATED KEN ESCALATION_STEP_SECRETARIAT"}));
  // The hook: KEN's command got the message and each notice; DEU's URL got the message only.
  ASSERT_TRUE(WaitFor([&] { return HookEvents().size() == 4; }, absl::Seconds(10)));
  EXPECT_EQ(HookEvents(),
            (Strings{"message", "reminder", "escalation:diplomatic", "escalation:secretariat"}));
  ASSERT_TRUE(WaitFor([&] { return listener_.bodies().size() == 1; }, absl::Seconds(10)));
  const nlohmann::json posted = nlohmann::json::parse(listener_.bodies().front());
  EXPECT_EQ(posted["event"], "message");
  EXPECT_EQ(posted["state"], "DEU");
  EXPECT_EQ(posted["message"]["id"], id);
  EXPECT_EQ(posted["message"]["template"]["subject"], "Ransomware in hospital networks");
  EXPECT_EQ(posted["drill"], false);
}

TEST_F(EscalationTest, ADrillFromAScenarioRunsEndToEndAndItsReportShowsEachDeadlineAndEscalation) {
  const std::string scenario = net_->dir() + "/drill.toml";
  std::ofstream(scenario) << "name = \"Q1 escalation drill\"\n"
                             "[[step]]\n"
                             "from = \"FRA\"\n"
                             "to = [\"DEU\", \"KEN\"]\n"
                             "type = \"notification\"\n"
                             "urgency = \"urgent\"\n"
                             "subject = \"Simulated ransomware\"\n"
                             "acknowledge_within = \"3s\"\n";
  const RunResult started = Drill({"start", "--scenario", scenario, "--json"});
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const std::string id = nlohmann::json::parse(started.output)["drill"]["id"];

  std::string drill_message;
  ASSERT_TRUE(WaitFor([&] {
    for (const v1::ShowResponse& s : Inbox("DEU")) {
      if (s.message().has_drill_info()) drill_message = s.message().id();
    }
    return !drill_message.empty();
  }));
  const RunResult acked = Pocctl({"--node", net_->NodeDir("DEU"), "ack", drill_message});
  ASSERT_EQ(acked.exit_code, 0) << acked.output;

  v1::GetDrillReportResponse report;
  ASSERT_TRUE(WaitFor(
      [&] {
        const RunResult r = Drill({"report", id, "--format", "json"});
        if (r.exit_code != 0) return false;
        google::protobuf::util::JsonParseOptions options;
        report.Clear();
        return google::protobuf::util::JsonStringToMessage(r.output, &report, options).ok() &&
               report.results_size() == 2 && report.results(1).has_secretariat_at();
      },
      absl::Seconds(20)))
      << net_->relay().Log();
  ASSERT_EQ(report.steps_size(), 1);
  EXPECT_EQ(report.steps(0).message_id(), drill_message);
  const v1::DrillTargetResult& deu = report.results(0);
  const v1::DrillTargetResult& ken = report.results(1);
  EXPECT_EQ(deu.state(), "DEU");
  EXPECT_EQ(deu.outcome(), v1::DRILL_OUTCOME_MET);
  EXPECT_TRUE(deu.has_delivered_at() && deu.has_acknowledged_at());
  EXPECT_FALSE(deu.has_reminded_at() || deu.has_escalated_at() || deu.has_secretariat_at());
  EXPECT_EQ(ken.state(), "KEN");
  EXPECT_EQ(ken.outcome(), v1::DRILL_OUTCOME_MISSED);
  EXPECT_TRUE(ken.has_delivered_at() && ken.has_reminded_at() && ken.has_escalated_at());
  EXPECT_FALSE(ken.has_acknowledged_at());
  EXPECT_EQ(ken.escalated_to(), "KEN cyber desk");
  EXPECT_LT(FromProto(ken.reminded_at()), FromProto(ken.escalated_at()));
  EXPECT_LT(FromProto(ken.escalated_at()), FromProto(ken.secretariat_at()));
  EXPECT_EQ(FromProto(ken.deadline_at()) - FromProto(ken.sent_at()), absl::Seconds(3));

  // The table for people: one row per target with its result, and the totals.
  const RunResult table = Drill({"report", id.substr(0, 8)});
  ASSERT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("DRILL \"Q1 escalation drill\" (" + id + ")"), std::string::npos)
      << table.output;
  EXPECT_NE(table.output.find("(as FRA) to DEU,KEN; acknowledge within 3s; sent +"),
            std::string::npos)
      << table.output;
  Strings rows;
  for (const std::string& line : Strings(absl::StrSplit(table.output, '\n'))) {
    if (line.rfind("1 ", 0) == 0) {
      const Strings cells = absl::StrSplit(line, ' ', absl::SkipEmpty());
      rows.push_back(cells[1] + " " + cells.back());
    }
  }
  EXPECT_EQ(rows, (Strings{"DEU met", "KEN missed"})) << table.output;
  EXPECT_NE(table.output.find("Totals: 2 target(s), 1 met, 1 missed."), std::string::npos)
      << table.output;

  // Drills are marked everywhere: the inbox, the notices, the hook, the audit log.
  const RunResult inbox = Pocctl({"--node", net_->NodeDir("KEN"), "inbox"});
  EXPECT_NE(inbox.output.find("[DRILL] Simulated ransomware"), std::string::npos) << inbox.output;
  EXPECT_NE(inbox.output.find("[DRILL] [Escalation] Simulated ransomware"), std::string::npos)
      << inbox.output;
  ASSERT_TRUE(WaitFor([&] { return HookEvents().size() == 4; }, absl::Seconds(10)));
  EXPECT_EQ(HookEvents(),
            (Strings{"message (drill)", "reminder (drill)", "escalation:diplomatic (drill)",
                     "escalation:secretariat (drill)"}));
  int started_leaves = 0;
  int fired_leaves = 0;
  int drill_acks = 0;
  for (const v1::AuditEvent& e : AuditEvents()) {
    started_leaves += e.type() == v1::AUDIT_EVENT_DRILL_STARTED && e.drill().drill_id() == id;
    fired_leaves += e.type() == v1::AUDIT_EVENT_DRILL_STEP_FIRED && e.message_id() == drill_message;
    drill_acks += e.type() == v1::AUDIT_EVENT_ACKNOWLEDGED && e.drill().drill_id() == id;
  }
  EXPECT_EQ(started_leaves, 1);
  EXPECT_EQ(fired_leaves, 1);
  EXPECT_EQ(drill_acks, 1);
  EXPECT_EQ(EscalationLeaves(drill_message).size(), 3u);
}

TEST_F(EscalationTest, BadScenariosAndCallersAreRefusedAndScheduleNothing) {
  auto write = [&](const std::string& name, const std::string& step) {
    std::string path = net_->dir() + "/" + name;
    std::ofstream(path) << "name = \"Bad drill\"\n[[step]]\nurgency = \"urgent\"\n"
                           "subject = \"S\"\n"
                        << step;
    return path;
  };
  struct Case {
    std::string file;
    std::string error;
  };
  const std::vector<Case> cases = {
      {write("unknown.toml", "to = [\"KEN\", \"JPN\"]\n"),
       "scenario.steps[0].to[1]: JPN is not a State in the directory"},
      {write("past.toml", "to = [\"KEN\"]\nat = 2020-01-01T00:00:00Z\n"),
       "scenario.steps[0].at: 2020-01-01T00:00:00Z is in the past"},
      {write("within.toml", "to = [\"KEN\"]\nacknowledge_within = \"forever\"\n"),
       "within.toml: step[0].acknowledge_within: 'forever' is not a duration"},
      {write("urgency.toml", "to = [\"KEN\"]\nurgency = \"soon\"\n"), "urgency.toml: line"},
      {write("key.toml", "to = [\"KEN\"]\ncolour = \"red\"\n"),
       "key.toml: step[0].colour: unknown key"},
      {write("type.toml", "to = [\"KEN\"]\ntype = \"general\"\n"),
       "scenario.steps[0].type: a drill step is a notification, rfi or rfa"},
  };
  for (const Case& c : cases) {
    const RunResult r = Drill({"start", "--scenario", c.file});
    EXPECT_EQ(r.exit_code, 1) << c.file << "\n" << r.output;
    EXPECT_NE(r.output.find(c.error), std::string::npos) << c.file << "\n" << r.output;
  }
  // A State's node certificate may not start a drill.
  auto drills = v1::Drills::NewStub(net_->RelayChannel(net_->NodeDir("KEN")));
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::StartDrillRequest request;
  request.mutable_scenario()->set_name("KEN's own drill");
  v1::DrillScenarioStep* step = request.mutable_scenario()->add_steps();
  step->add_to("DEU");
  step->set_type(v1::MESSAGE_TYPE_NOTIFICATION);
  step->set_urgency(v1::URGENCY_URGENT);
  step->set_subject("S");
  v1::StartDrillResponse response;
  const grpc::Status denied = drills->StartDrill(&ctx, request, &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("poc.v1.Drills/StartDrill is for the Secretariat"),
            std::string::npos)
      << denied.error_message();

  const RunResult list = Drill({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, "No drills.\n");
  for (const v1::AuditEvent& e : AuditEvents()) {
    EXPECT_NE(e.type(), v1::AUDIT_EVENT_DRILL_STARTED);
  }
  // A bad escalation setting keeps the relay from starting, naming the key.
  const RunResult bad_config = RunCommand(
      {BinaryPath("server/poc-relay"), "--config", net_->dir() + "/relay/relay.toml",
       "--escalation-urgent-remind-after", "5h", "--port-file", "", "--http-port-file", ""});
  EXPECT_NE(bad_config.exit_code, 0);
  EXPECT_NE(bad_config.output.find("[escalation.urgent] escalate_after: 4h must be longer than "
                                   "remind_after (5h)"),
            std::string::npos)
      << bad_config.output;
}

}  // namespace
}  // namespace poc::testing
