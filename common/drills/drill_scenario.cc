#include "common/drills/drill_scenario.h"

#include <toml++/toml.h>

#include <set>

#include "common/template/template_codes.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"

namespace poc {
namespace {

absl::Status Bad(const std::string& path, const std::string& key, const std::string& what) {
  return absl::InvalidArgumentError(path + ": " + key + ": " + what);
}

absl::StatusOr<std::string> String(const toml::table& t, const std::string& path,
                                   const std::string& key, const std::string& name, bool required) {
  const toml::node* n = t.get(name);
  if (n == nullptr) {
    if (required) {
      return Bad(path, key, "required");
    }
    return std::string();
  }
  if (!n->is_string()) {
    return Bad(path, key, "expected a string");
  }
  return std::string(n->as_string()->get());
}

absl::StatusOr<google::protobuf::Duration> Duration(const std::string& path, const std::string& key,
                                                    const std::string& text) {
  absl::StatusOr<absl::Duration> d = ParseDuration(text);
  if (!d.ok()) {
    return Bad(path, key, "'" + text + "' is not a duration, e.g. 30s, 15m, 4h");
  }
  return DurationToProto(*d);
}

}  // namespace

absl::StatusOr<v1::DrillScenario> ParseDrillScenario(std::string_view toml_text,
                                                     const std::string& path) {
  toml::table root;
  try {
    root = toml::parse(toml_text, path);
  } catch (const toml::parse_error& e) {
    return absl::InvalidArgumentError(path + ": line " + std::to_string(e.source().begin.line) +
                                      ": " + std::string(e.description()));
  }
  for (const auto& [k, v] : root) {
    if (k.str() != "name" && k.str() != "step") {
      return Bad(path, std::string(k.str()), "unknown key (the keys are name and [[step]])");
    }
  }
  v1::DrillScenario out;
  auto name = String(root, path, "name", "name", true);
  if (!name.ok()) {
    return name.status();
  }
  out.set_name(*name);
  const toml::node* steps = root.get("step");
  if (steps == nullptr || !steps->is_array_of_tables() || steps->as_array()->empty()) {
    return Bad(path, "step", "give at least one [[step]] table");
  }
  static const std::set<std::string> kKeys = {
      "after", "at", "from", "to", "type", "urgency", "subject", "summary", "acknowledge_within"};
  int i = 0;
  for (const toml::node& n : *steps->as_array()) {
    const toml::table& t = *n.as_table();
    const std::string p = "step[" + std::to_string(i++) + "]";
    for (const auto& [k, v] : t) {
      if (kKeys.count(std::string(k.str())) == 0) {
        return Bad(path, p + "." + std::string(k.str()), "unknown key");
      }
    }
    v1::DrillScenarioStep* s = out.add_steps();
    auto after = String(t, path, p + ".after", "after", false);
    if (!after.ok()) {
      return after.status();
    }
    if (!after->empty()) {
      auto d = Duration(path, p + ".after", *after);
      if (!d.ok()) {
        return d.status();
      }
      *s->mutable_after() = *d;
    }
    if (const toml::node* at = t.get("at")) {
      if (at->is_date_time()) {
        const toml::date_time dt = at->as_date_time()->get();
        if (!dt.offset.has_value()) {
          return Bad(path, p + ".at",
                     "give the time in UTC with its offset, e.g. "
                     "2026-03-02T09:00:00Z");
        }
        const absl::CivilSecond civil(dt.date.year, dt.date.month, dt.date.day, dt.time.hour,
                                      dt.time.minute, dt.time.second);
        const absl::Time when =
            absl::FromCivil(civil, absl::UTCTimeZone()) - absl::Minutes(dt.offset->minutes);
        *s->mutable_at() = ToProto(when);
      } else if (at->is_string()) {
        absl::Time when;
        std::string err;
        if (!absl::ParseTime(absl::RFC3339_full, at->as_string()->get(), &when, &err)) {
          return Bad(path, p + ".at",
                     "'" + at->as_string()->get() +
                         "' is not an RFC 3339 time, e.g. 2026-03-02T09:00:00Z");
        }
        *s->mutable_at() = ToProto(when);
      } else {
        return Bad(path, p + ".at", "expected a date-time, e.g. 2026-03-02T09:00:00Z");
      }
    }
    auto from = String(t, path, p + ".from", "from", false);
    if (!from.ok()) {
      return from.status();
    }
    s->set_from(*from);
    const toml::node* to = t.get("to");
    if (to == nullptr) {
      return Bad(path, p + ".to", "required: a list of States, group:NAME or all");
    }
    if (to->is_string()) {
      s->add_to(std::string(to->as_string()->get()));
    } else if (to->is_array()) {
      int j = 0;
      for (const toml::node& e : *to->as_array()) {
        if (!e.is_string()) {
          return Bad(path, p + ".to[" + std::to_string(j) + "]", "expected a string");
        }
        s->add_to(std::string(e.as_string()->get()));
        ++j;
      }
    } else {
      return Bad(path, p + ".to", "expected a list of strings");
    }
    auto type = String(t, path, p + ".type", "type", false);
    if (!type.ok()) {
      return type.status();
    }
    auto kind = ParseMessageType(type->empty() ? "notification" : *type);
    if (!kind.ok()) {
      return Bad(path, p + ".type", std::string(kind.status().message()));
    }
    s->set_type(*kind);
    auto urgency_word = String(t, path, p + ".urgency", "urgency", true);
    if (!urgency_word.ok()) {
      return urgency_word.status();
    }
    auto urgency = ParseUrgency(*urgency_word);
    if (!urgency.ok()) {
      return Bad(path, p + ".urgency", std::string(urgency.status().message()));
    }
    s->set_urgency(*urgency);
    auto subject = String(t, path, p + ".subject", "subject", true);
    if (!subject.ok()) {
      return subject.status();
    }
    s->set_subject(*subject);
    auto summary = String(t, path, p + ".summary", "summary", false);
    if (!summary.ok()) {
      return summary.status();
    }
    s->set_summary(*summary);
    auto within = String(t, path, p + ".acknowledge_within", "acknowledge_within", false);
    if (!within.ok()) {
      return within.status();
    }
    if (!within->empty()) {
      auto d = Duration(path, p + ".acknowledge_within", *within);
      if (!d.ok()) {
        return d.status();
      }
      *s->mutable_acknowledge_within() = *d;
    }
  }
  return out;
}

}  // namespace poc
