#include "server/exercise_rules.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/exercises/exercise_words.h"
#include "common/iso3166/iso3166.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

constexpr char kGroupPrefix[] = "group:";

bool IsGroup(const std::string& target) { return target.rfind(kGroupPrefix, 0) == 0; }

absl::Status Invalid(const std::string& field, const std::string& what) {
  return absl::InvalidArgumentError(field + ": " + what);
}

absl::Status CheckName(const std::string& name) {
  if (name.empty()) {
    return Invalid("name", "required; give the exercise a name, e.g. \"Quarterly ping\"");
  }
  if (name.size() > kMaxExerciseNameBytes) {
    return Invalid("name", "at most " + std::to_string(kMaxExerciseNameBytes) + " bytes (it has " +
                               std::to_string(name.size()) + ")");
  }
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      return Invalid("name", "must be one line without control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckTargets(const google::protobuf::RepeatedPtrField<std::string>& targets,
                          const DirectoryView& directory) {
  if (targets.empty()) {
    return Invalid("targets", "name at least one: all, group:NAME or State codes (FRA,DEU)");
  }
  if (static_cast<size_t>(targets.size()) > kMaxExerciseTargets) {
    return Invalid("targets", "at most " + std::to_string(kMaxExerciseTargets) +
                                  " entries; name a group instead");
  }
  std::set<std::string> seen;
  for (int i = 0; i < targets.size(); ++i) {
    const std::string& t = targets.Get(i);
    const std::string field = "targets[" + std::to_string(i) + "]";
    if (!seen.insert(t).second) {
      return Invalid(field, "'" + t + "' is listed twice; name each target once");
    }
    if (t == "all") {
      continue;
    }
    if (IsGroup(t)) {
      if (directory.FindGroup(t.substr(sizeof(kGroupPrefix) - 1)) == nullptr) {
        return Invalid(field, "group '" + t.substr(sizeof(kGroupPrefix) - 1) +
                                  "' is not defined in the directory; `pocctl directory groups` "
                                  "lists the groups (names are case-sensitive)");
      }
      continue;
    }
    if (!IsIso3166Alpha3(t)) {
      return Invalid(field, "'" + t + "' is not a State code, group:NAME or all");
    }
    if (!directory.HasState(t)) {
      return Invalid(field, t + " is not a State in the directory (version " +
                                std::to_string(directory.version()) + ")");
    }
  }
  if (ExpandExerciseTargets(targets, directory).empty()) {
    return Invalid("targets", "they name no State of the directory");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::Exercise> CheckExerciseRequest(const v1::CreateExerciseRequest& request,
                                                  const DirectoryView& directory, absl::Time now) {
  if (absl::Status s = CheckName(request.name()); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckTargets(request.targets(), directory); !s.ok()) {
    return s;
  }
  if (request.mode() != v1::EXERCISE_MODE_RECEIPT &&
      request.mode() != v1::EXERCISE_MODE_ACKNOWLEDGE) {
    return Invalid("mode",
                   "give receipt (the node's delivery receipt answers) or acknowledge (an "
                   "operator must acknowledge before the deadline)");
  }
  const absl::Duration deadline = DurationFromProto(request.deadline());
  if (deadline < absl::Seconds(1) || deadline > kMaxExerciseDeadline) {
    return Invalid("deadline",
                   "give how long States have to answer after each run starts, "
                   "between 1s and 30d, e.g. 4h");
  }
  const absl::Duration every = DurationFromProto(request.every());
  if (every < absl::ZeroDuration() || (every > absl::ZeroDuration() && every <= deadline)) {
    return Invalid("every", ExerciseDurationWord(every) + " is not longer than the deadline " +
                                ExerciseDurationWord(deadline) +
                                "; each run must end before the next starts");
  }
  const absl::Time first = request.has_first_run_at() ? FromProto(request.first_run_at()) : now;
  if (first + deadline <= now) {
    return Invalid("deadline", "the first run's deadline, " + FormatUtc(first + deadline) +
                                   " (first run at " + FormatUtc(first) + " + " +
                                   ExerciseDurationWord(deadline) +
                                   "), is in the past; give a future start time or now");
  }
  if (first < now - kExerciseStartSkew) {
    return Invalid("first_run_at", FormatUtc(first) + " is in the past (relay time " +
                                       FormatUtc(now) + "); give a future time or now");
  }
  v1::Exercise exercise;
  exercise.set_name(request.name());
  *exercise.mutable_targets() = request.targets();
  exercise.set_mode(request.mode());
  *exercise.mutable_first_run_at() = ToProto(first);
  if (every > absl::ZeroDuration()) {
    *exercise.mutable_every() = DurationToProto(every);
  }
  *exercise.mutable_deadline() = DurationToProto(deadline);
  return exercise;
}

std::vector<std::string> ExpandExerciseTargets(
    const google::protobuf::RepeatedPtrField<std::string>& targets,
    const DirectoryView& directory) {
  std::set<std::string> out;
  for (const std::string& t : targets) {
    if (t == "all") {
      for (const std::string& code : directory.StateCodes()) {
        out.insert(code);
      }
    } else if (IsGroup(t)) {
      if (const v1::Group* g = directory.FindGroup(t.substr(sizeof(kGroupPrefix) - 1))) {
        for (const std::string& code : g->members()) {
          if (directory.HasState(code)) {
            out.insert(code);
          }
        }
      }
    } else if (directory.HasState(t)) {
      out.insert(t);
    }
  }
  return std::vector<std::string>(out.begin(), out.end());
}

absl::Time ExerciseRunTime(const v1::Exercise& exercise, uint64_t run) {
  const absl::Duration every = DurationFromProto(exercise.every());
  return FromProto(exercise.first_run_at()) + every * static_cast<int64_t>(run - 1);
}

std::optional<DueRun> DueExerciseRun(const v1::Exercise& exercise, uint64_t next_run,
                                     absl::Time now) {
  if (next_run == 0 || ExerciseRunTime(exercise, next_run) > now) {
    return std::nullopt;
  }
  uint64_t run = next_run;
  const absl::Duration every = DurationFromProto(exercise.every());
  if (every > absl::ZeroDuration()) {
    const absl::Duration since_first = now - FromProto(exercise.first_run_at());
    run = std::max<uint64_t>(next_run, static_cast<uint64_t>(since_first / every) + 1);
  }
  return DueRun{run, run - next_run, ExerciseRunTime(exercise, run)};
}

uint64_t NextExerciseRun(const v1::Exercise& exercise, uint64_t fired) {
  return DurationFromProto(exercise.every()) > absl::ZeroDuration() ? fired + 1 : 0;
}

bool ExerciseRunLate(absl::Time scheduled_at, absl::Time fired_at, bool at_start) {
  return at_start || fired_at - scheduled_at > kExerciseLateTolerance;
}

v1::ExerciseOutcome ExerciseOutcomeOf(v1::ExerciseMode mode, absl::Time deadline_at,
                                      const TargetAnswer& a, absl::Time now) {
  // The answer that counts, and whether the ping reached the node at all.
  std::optional<absl::Time> answered = a.acknowledged_at;
  if (mode == v1::EXERCISE_MODE_RECEIPT) {
    answered = a.delivered_at;
    if (a.acknowledged_at && (!answered || *a.acknowledged_at < *answered)) {
      answered = a.acknowledged_at;  // an acknowledgement proves the delivery too
    }
  }
  if (answered && *answered <= now) {
    return *answered <= deadline_at ? v1::EXERCISE_OUTCOME_RESPONDED : v1::EXERCISE_OUTCOME_LATE;
  }
  if (now < deadline_at) {
    return v1::EXERCISE_OUTCOME_PENDING;
  }
  const bool delivered = (a.delivered_at && *a.delivered_at <= now) ||
                         (a.acknowledged_at && *a.acknowledged_at <= now);
  if (mode == v1::EXERCISE_MODE_ACKNOWLEDGE && delivered) {
    return v1::EXERCISE_OUTCOME_NO_RESPONSE;
  }
  return v1::EXERCISE_OUTCOME_UNREACHABLE;
}

namespace {

void Count(v1::ExerciseTally* t, const v1::ExerciseStateResult& r) {
  t->set_targets(t->targets() + 1);
  if (IsSet(r.delivered_at()) || IsSet(r.acknowledged_at())) {
    t->set_delivered(t->delivered() + 1);
  }
  if (IsSet(r.acknowledged_at())) {
    t->set_acknowledged(t->acknowledged() + 1);
  }
  switch (r.outcome()) {
    case v1::EXERCISE_OUTCOME_RESPONDED:
      t->set_responded(t->responded() + 1);
      break;
    case v1::EXERCISE_OUTCOME_LATE:
      t->set_late(t->late() + 1);
      break;
    case v1::EXERCISE_OUTCOME_NO_RESPONSE:
      t->set_no_response(t->no_response() + 1);
      break;
    case v1::EXERCISE_OUTCOME_UNREACHABLE:
      t->set_unreachable(t->unreachable() + 1);
      break;
    default:
      t->set_pending(t->pending() + 1);
      break;
  }
  t->set_response_rate(static_cast<double>(t->responded()) / t->targets());
}

}  // namespace

v1::ExerciseRunReport BuildExerciseRunReport(const v1::ExerciseRun& run, v1::ExerciseMode mode,
                                             const std::vector<TargetAnswer>& answers,
                                             const DirectoryView* directory, absl::Time now) {
  v1::ExerciseRunReport report;
  *report.mutable_run() = run;
  const absl::Time fired = FromProto(run.fired_at());
  const absl::Time deadline = FromProto(run.deadline_at());
  std::map<std::string, std::vector<std::string>> groups_of;  // State -> its groups
  if (directory != nullptr) {
    for (const v1::Group& g : directory->proto().groups()) {
      for (const std::string& member : g.members()) {
        groups_of[member].push_back(g.name());
      }
    }
  }
  std::vector<TargetAnswer> sorted = answers;
  std::sort(sorted.begin(), sorted.end(),
            [](const TargetAnswer& a, const TargetAnswer& b) { return a.state < b.state; });
  std::map<std::string, v1::ExerciseTally> by_group;
  v1::ExerciseTally* total = report.mutable_total();
  for (const TargetAnswer& a : sorted) {
    v1::ExerciseStateResult* r = report.add_states();
    r->set_state(a.state);
    std::vector<std::string>& groups = groups_of[a.state];
    std::sort(groups.begin(), groups.end());
    for (const std::string& g : groups) {
      r->add_groups(g);
    }
    *r->mutable_sent_at() = run.fired_at();
    if (a.delivered_at && *a.delivered_at <= now) {
      *r->mutable_delivered_at() = ToProto(*a.delivered_at);
      *r->mutable_delivery_latency() =
          DurationToProto(std::max(absl::ZeroDuration(), *a.delivered_at - fired));
    }
    if (a.acknowledged_at && *a.acknowledged_at <= now) {
      *r->mutable_acknowledged_at() = ToProto(*a.acknowledged_at);
      *r->mutable_acknowledgement_latency() =
          DurationToProto(std::max(absl::ZeroDuration(), *a.acknowledged_at - fired));
      r->set_automatic(a.automatic);
      r->set_acknowledgement_id(a.acknowledgement_id);
    }
    r->set_refused_reason(a.refused_reason);
    r->set_outcome(ExerciseOutcomeOf(mode, deadline, a, now));
    Count(total, *r);
    for (const std::string& g : groups) {
      v1::ExerciseTally& t = by_group[g];
      t.set_group(g);
      Count(&t, *r);
    }
  }
  for (auto& [name, tally] : by_group) {
    *report.add_groups() = std::move(tally);
  }
  return report;
}

}  // namespace poc
