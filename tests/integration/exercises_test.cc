// Ping exercises end to end, in real time with short deadlines: the Secretariat schedules with
// `pocctl exercise create --secretariat FILE`, the real relay fires the run and pushes its
// relay-signed ping over the Session streams of real pocd processes, operators acknowledge with
// `pocctl ack` (or through pocd's control API), and `pocctl exercise report` tells each State's
// outcome exactly. The relay is killed with SIGKILL around a run to show that runs fire once.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/str_split.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "poc/v1/audit.pb.h"
#include "poc/v1/audit_service.grpc.pb.h"
#include "poc/v1/exercises.grpc.pb.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

using Strings = std::vector<std::string>;

class ExercisesTest : public ::testing::Test {
 protected:
  void MakeNetwork(const Strings& states) {
    net_ = std::make_unique<TestNetwork>(states);
    net_->Pki({"admin-cert", "--dir", net_->dir() + "/pki", "--out", net_->dir() + "/admin"});
  }
  void StartRelay() {
    net_->StartRelay();
    std::ofstream(Secretariat()) << "relay = \"" << net_->relay_address() << "\"\n"
                                 << "relay_name = \"localhost\"\n"
                                 << "[tls]\nca = \"ca.crt\"\ncert = \"admin.crt\"\n"
                                 << "key = \"admin.key\"\n";
  }
  std::string Secretariat() const { return net_->dir() + "/admin/secretariat.toml"; }
  std::unique_ptr<v1::Exercises::Stub> Admin() const {
    return v1::Exercises::NewStub(net_->RelayChannel(net_->dir() + "/admin", "admin"));
  }

  RunResult Pocctl(const Strings& args) {
    Strings argv = {"/usr/bin/timeout", "60", BinaryPath("client/pocctl/pocctl")};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  }
  RunResult Exercise(Strings args) {
    args.insert(args.begin() + 1, {"--secretariat", Secretariat()});
    args.insert(args.begin(), "exercise");
    return Pocctl(args);
  }

  // The report of the latest run, or an empty one while the relay cannot give it.
  v1::GetExerciseReportResponse Report(const std::string& id) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, absl::Seconds(5));
    v1::GetExerciseReportRequest request;
    request.set_exercise_id(id);
    v1::GetExerciseReportResponse response;
    last_status_ = Admin()->GetExerciseReport(&ctx, request, &response);
    return last_status_.ok() ? response : v1::GetExerciseReportResponse();
  }

  // Every audit leaf, parsed.
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
    std::vector<v1::AuditEvent> events;
    for (uint64_t start = 0; start < size; start += 1000) {
      grpc::ClientContext entries_ctx;
      SetTestDeadline(&entries_ctx);
      v1::GetEntriesRequest request;
      request.set_start(start);
      request.set_count(std::min<uint64_t>(1000, size - start));
      v1::GetEntriesResponse entries;
      EXPECT_TRUE(audit->GetEntries(&entries_ctx, request, &entries).ok());
      for (const std::string& data : entries.entries()) {
        events.emplace_back().ParseFromString(data);
      }
    }
    return events;
  }

  std::unique_ptr<TestNetwork> net_;
  grpc::Status last_status_;
};

// 20 States, by UN regional group.
const Strings kWeog = {"AUS", "CAN", "DEU", "ESP", "FRA", "ITA", "NLD", "NZL"};
const Strings kGrulac = {"ARG", "BRA", "CHL", "MEX"};
const Strings kAfrican = {"EGY", "KEN", "NGA", "ZAF"};
const Strings kAsiaPacific = {"IDN", "IND", "JPN"};
const Strings kEeg = {"POL"};

TEST_F(ExercisesTest, APingOfTwentyStatesIsReportedExactly) {
  Strings all;
  for (const Strings* g : {&kWeog, &kGrulac, &kAfrican, &kAsiaPacific, &kEeg}) {
    all.insert(all.end(), g->begin(), g->end());
  }
  MakeNetwork(all);
  // What each State does: 4 nodes are offline; 2 acknowledge automatically (machine-only
  // checks); 3 operators acknowledge after the deadline; 1 never does; the rest in time.
  const std::set<std::string> offline = {"ITA", "MEX", "NGA", "JPN"};
  const std::set<std::string> automatic = {"NZL", "ZAF"};
  const std::set<std::string> late = {"ESP", "CHL", "IND"};
  const std::set<std::string> silent = {"POL"};
  for (const std::string& s : automatic) net_->SetNodeExtras(s, "exercise_auto_ack = true");
  StartRelay();
  for (const std::string& s : all) {
    if (offline.count(s) == 0) net_->StartNode(s);
  }
  for (const std::string& s : all) {
    if (offline.count(s) == 0) {
      ASSERT_TRUE(WaitFor([&] { return net_->NodeConnected(s); })) << net_->node(s).Log();
    }
  }

  const RunResult created =
      Exercise({"create", "--name", "Quarterly ping", "--targets", "all", "--at", "now", "--every",
                "90d", "--deadline", "12s", "--mode", "acknowledge", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string id = nlohmann::json::parse(created.output)["exercise"]["id"];

  // Every online node receives the relay-signed ping and returns its signed receipt.
  ASSERT_TRUE(WaitFor([&] { return Report(id).report().total().delivered() == 16; }))
      << last_status_.error_message() << "\n"
      << net_->relay().Log();
  const v1::GetExerciseReportResponse fired = Report(id);
  const std::string ping = fired.report().run().ping_id();
  ASSERT_EQ(fired.report().run().targets_size(), 20);
  EXPECT_FALSE(fired.report().run().late());

  // In time: one operator with pocctl, the others through their nodes' control API.
  const RunResult acked = Pocctl({"--node", net_->NodeDir("FRA"), "ack", ping});
  EXPECT_EQ(acked.exit_code, 0) << acked.output;
  for (const std::string& s : all) {
    if (offline.count(s) || automatic.count(s) || late.count(s) || silent.count(s) || s == "FRA") {
      continue;
    }
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::AckRequest request;
    request.set_message_id(ping);
    v1::SendResponse response;
    ASSERT_TRUE(net_->Control(s)->Ack(&ctx, request, &response).ok()) << s;
    EXPECT_EQ(response.state(), v1::OUTBOX_STATE_SUBMITTED) << s << ": " << response.error();
  }
  // The deadline passes; the relay closes the run.
  ASSERT_TRUE(WaitFor([&] { return Report(id).report().run().has_closed_at(); }))
      << net_->relay().Log();
  for (const std::string& s : late) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::AckRequest request;
    request.set_message_id(ping);
    v1::SendResponse response;
    ASSERT_TRUE(net_->Control(s)->Ack(&ctx, request, &response).ok()) << s;
    EXPECT_EQ(response.state(), v1::OUTBOX_STATE_SUBMITTED) << s << ": " << response.error();
  }

  const v1::GetExerciseReportResponse r = Report(id);
  ASSERT_EQ(r.report().states_size(), 20);
  std::map<std::string, v1::ExerciseOutcome> outcomes;
  for (const v1::ExerciseStateResult& s : r.report().states()) {
    outcomes[s.state()] = s.outcome();
    const bool online = offline.count(s.state()) == 0;
    EXPECT_EQ(s.has_delivered_at(), online) << s.state();
    EXPECT_EQ(s.has_acknowledged_at(), online && silent.count(s.state()) == 0) << s.state();
    EXPECT_EQ(s.automatic(), automatic.count(s.state()) == 1) << s.state();
  }
  for (const std::string& s : all) {
    v1::ExerciseOutcome want = v1::EXERCISE_OUTCOME_RESPONDED;
    if (offline.count(s)) want = v1::EXERCISE_OUTCOME_UNREACHABLE;
    if (late.count(s)) want = v1::EXERCISE_OUTCOME_LATE;
    if (silent.count(s)) want = v1::EXERCISE_OUTCOME_NO_RESPONSE;
    EXPECT_EQ(outcomes[s], want) << s;
  }
  const v1::ExerciseTally& t = r.report().total();
  EXPECT_EQ(t.targets(), 20u);
  EXPECT_EQ(t.delivered(), 16u);
  EXPECT_EQ(t.acknowledged(), 15u);
  EXPECT_EQ(t.responded(), 12u);
  EXPECT_EQ(t.late(), 3u);
  EXPECT_EQ(t.no_response(), 1u);
  EXPECT_EQ(t.unreachable(), 4u);
  EXPECT_EQ(t.pending(), 0u);
  EXPECT_DOUBLE_EQ(t.response_rate(), 0.6);
  // Per group: WEOG 8 (ITA offline, ESP late), GRULAC 4 (MEX offline, CHL late), AFRICAN 4 (NGA
  // offline), ASIA-PACIFIC 3 (JPN offline, IND late), EEG 1 (POL silent).
  std::map<std::string, std::array<uint32_t, 5>> groups;  // targets, responded, late, none, off
  for (const v1::ExerciseTally& g : r.report().groups()) {
    groups[g.group()] = {g.targets(), g.responded(), g.late(), g.no_response(), g.unreachable()};
  }
  using Row = std::array<uint32_t, 5>;
  EXPECT_EQ(groups["WEOG"], (Row{8, 6, 1, 0, 1}));
  EXPECT_EQ(groups["GRULAC"], (Row{4, 2, 1, 0, 1}));
  EXPECT_EQ(groups["AFRICAN"], (Row{4, 3, 0, 0, 1}));
  EXPECT_EQ(groups["ASIA-PACIFIC"], (Row{3, 1, 1, 0, 1}));
  EXPECT_EQ(groups["EEG"], (Row{1, 0, 0, 1, 0}));
  EXPECT_EQ(groups.size(), 5u);

  // The same, as people and spreadsheets read it.
  const RunResult table = Exercise({"report", id.substr(0, 30)});
  EXPECT_EQ(table.exit_code, 0) << table.output;
  EXPECT_NE(table.output.find("Totals: 20 target(s), 16 delivered, 15 acknowledged; 12 "
                              "responded, 3 late, 1 no response, 4 unreachable. Response rate "
                              "60.0% (12 of 20 in time)."),
            std::string::npos)
      << table.output;
  EXPECT_NE(table.output.find("node (auto)"), std::string::npos) << table.output;
  const RunResult csv = Exercise({"report", id, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.output;
  const Strings lines = absl::StrSplit(csv.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 21u) << csv.output;
  std::map<std::string, std::string> csv_outcome;
  std::map<std::string, std::string> csv_by;
  for (size_t i = 1; i < lines.size(); ++i) {
    const Strings cells = absl::StrSplit(lines[i], ',');
    ASSERT_EQ(cells.size(), 11u) << lines[i];
    csv_by[cells[2]] = cells[9];
    csv_outcome[cells[2]] = cells[10];
  }
  EXPECT_EQ(csv_outcome["ITA"], "unreachable");
  EXPECT_EQ(csv_outcome["ESP"], "late");
  EXPECT_EQ(csv_outcome["POL"], "no response");
  EXPECT_EQ(csv_outcome["FRA"], "responded");
  EXPECT_EQ(csv_by["FRA"], "operator");
  EXPECT_EQ(csv_by["NZL"], "node");
  EXPECT_EQ(csv_by["POL"], "");

  // Every event is in the audit log: the run fired and closed once, 16 deliveries, 15
  // acknowledgements of the ping (two marked automatic).
  std::map<v1::AuditEventType, int> counts;
  int automatic_leaves = 0;
  for (const v1::AuditEvent& e : AuditEvents()) {
    if (e.message_id() == ping || e.in_reply_to() == ping || e.exercise().exercise_id() == id) {
      ++counts[e.type()];
      automatic_leaves += e.exercise().automatic() ? 1 : 0;
    }
  }
  EXPECT_EQ(counts[v1::AUDIT_EVENT_EXERCISE_CREATED], 1);
  EXPECT_EQ(counts[v1::AUDIT_EVENT_EXERCISE_RUN_FIRED], 1);
  EXPECT_EQ(counts[v1::AUDIT_EVENT_DELIVERED], 16);
  EXPECT_EQ(counts[v1::AUDIT_EVENT_ACKNOWLEDGED], 15);
  EXPECT_EQ(counts[v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED], 1);
  EXPECT_EQ(automatic_leaves, 2);
}

TEST_F(ExercisesTest, BadRequestsAreRefusedClearlyAndScheduleNothing) {
  MakeNetwork({"FRA", "KEN"});
  StartRelay();
  const size_t leaves = AuditEvents().size();
  auto create = [&](const v1::CreateExerciseRequest& request,
                    const std::shared_ptr<grpc::Channel>& channel) {
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx);
    v1::CreateExerciseResponse response;
    return v1::Exercises::NewStub(channel)->CreateExercise(&ctx, request, &response);
  };
  const auto admin = net_->RelayChannel(net_->dir() + "/admin", "admin");
  v1::CreateExerciseRequest good;
  good.set_name("Check");
  good.add_targets("FRA");
  good.set_mode(v1::EXERCISE_MODE_RECEIPT);
  *good.mutable_deadline() = DurationToProto(absl::Hours(4));

  v1::CreateExerciseRequest unknown = good;
  unknown.add_targets("JPN");
  grpc::Status s = create(unknown, admin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("targets[1]: JPN is not a State in the directory"),
            std::string::npos)
      << s.error_message();

  v1::CreateExerciseRequest past = good;
  *past.mutable_first_run_at() = ToProto(absl::Now() - absl::Hours(5));
  s = create(past, admin);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("deadline: the first run's deadline"), std::string::npos)
      << s.error_message();
  EXPECT_NE(s.error_message().find("is in the past"), std::string::npos) << s.error_message();

  s = create(good, net_->RelayChannel(net_->NodeDir("FRA")));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(s.error_message().find("poc.v1.Exercises/CreateExercise is for the Secretariat"),
            std::string::npos)
      << s.error_message();

  // The same mistakes through pocctl: one clear line, exit 1.
  const RunResult cli = Exercise({"create", "--name", "Check", "--targets", "FRA,group:NOPE",
                                  "--deadline", "4h", "--mode", "receipt"});
  EXPECT_EQ(cli.exit_code, 1) << cli.output;
  EXPECT_NE(cli.output.find("pocctl: targets[1]: group 'NOPE' is not defined"), std::string::npos)
      << cli.output;
  const RunResult cli_past =
      Exercise({"create", "--name", "Check", "--targets", "all", "--deadline",
                "2020-01-01T04:00:00Z", "--at", "2020-01-01T00:00:00Z", "--mode", "receipt"});
  EXPECT_EQ(cli_past.exit_code, 1) << cli_past.output;
  EXPECT_NE(cli_past.output.find("is in the past"), std::string::npos) << cli_past.output;

  // Nothing was scheduled or logged.
  const RunResult list = Exercise({"list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
  EXPECT_EQ(list.output, "No exercises.\n");
  EXPECT_EQ(AuditEvents().size(), leaves);
}

TEST_F(ExercisesTest, KillingTheRelayBeforeDuringAndAfterARunFiresEachRunOnce) {
  const Strings states = {"BRA", "FRA", "KEN"};
  MakeNetwork(states);
  StartRelay();
  for (const std::string& s : states) net_->StartNode(s);

  // Run 1 in 4 s, then every 20 s; 8 s to answer (nodes reconnect with backoff after a kill).
  const absl::Time created_at = absl::Now();
  const RunResult created =
      Exercise({"create", "--name", "Restart drill", "--targets", "all", "--at", "+4s", "--every",
                "20s", "--deadline", "8s", "--mode", "receipt", "--json"});
  ASSERT_EQ(created.exit_code, 0) << created.output;
  const std::string id = nlohmann::json::parse(created.output)["exercise"]["id"];

  // Before: the relay is down when run 1 falls due; it fires on start, marked late.
  net_->StopRelay(SIGKILL);
  absl::SleepFor(created_at + absl::Seconds(5) - absl::Now());
  net_->StartRelay();
  ASSERT_TRUE(WaitFor([&] { return Report(id).report().total().delivered() == 3; }))
      << last_status_.error_message() << "\n"
      << net_->relay().Log();
  v1::GetExerciseReportResponse r = Report(id);
  EXPECT_EQ(r.report().run().number(), 1u);
  EXPECT_TRUE(r.report().run().late());

  // During: killed while the run is open; it closes on start, after its deadline.
  ASSERT_FALSE(r.report().run().has_closed_at());
  net_->StopRelay(SIGKILL);
  absl::SleepFor(FromProto(r.report().run().deadline_at()) + absl::Seconds(1) - absl::Now());
  net_->StartRelay();
  r = Report(id);
  ASSERT_TRUE(r.report().run().has_closed_at()) << net_->relay().Log();
  EXPECT_EQ(r.report().total().responded(), 3u);

  // After: killed once the run closed; nothing fires or closes again on start.
  net_->StopRelay(SIGKILL);
  net_->StartRelay();
  r = Report(id);
  EXPECT_EQ(r.trend_size(), 1);
  EXPECT_EQ(r.report().total().responded(), 3u);

  // The exercise goes on: run 2 fires at its time, on a running relay, not late.
  ASSERT_TRUE(WaitFor([&] {
    const auto now = Report(id);
    return now.report().run().number() == 2 && now.report().total().delivered() == 3;
  })) << net_->relay().Log();
  r = Report(id);
  EXPECT_FALSE(r.report().run().late());
  ASSERT_EQ(r.trend_size(), 2);
  EXPECT_TRUE(r.trend(0).late());
  EXPECT_EQ(r.trend(0).total().responded(), 3u);

  std::map<std::pair<int, uint64_t>, int> once;  // (type, run) -> leaves
  for (const v1::AuditEvent& e : AuditEvents()) {
    if (e.exercise().exercise_id() == id) ++once[{e.type(), e.exercise().run()}];
  }
  EXPECT_EQ((once[{v1::AUDIT_EVENT_EXERCISE_RUN_FIRED, 1}]), 1);
  EXPECT_EQ((once[{v1::AUDIT_EVENT_EXERCISE_RUN_CLOSED, 1}]), 1);
  EXPECT_EQ((once[{v1::AUDIT_EVENT_EXERCISE_RUN_FIRED, 2}]), 1);
}

}  // namespace
}  // namespace poc::testing
