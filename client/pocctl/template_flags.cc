#include "client/pocctl/template_flags.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "common/template/template_codes.h"
#include "common/util/files.h"
#include "common/util/time_format.h"

namespace poc::pocctl {
namespace {

// A CLI11 check from a parse function: the function's error message becomes the usage error.
template <typename Parse>
CLI::Validator WordCheck(Parse parse, std::string description) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto parsed = parse(text);
        if (parsed.ok()) return "";
        return std::string(parsed.status().message());
      },
      std::move(description));
}

absl::StatusOr<std::string> ReadFlagFile(std::string_view flag, const std::string& path) {
  auto contents = ReadFile(path);
  if (!contents.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(flag), ": ", std::string(contents.status().message())));
  }
  return contents;
}

struct FieldFlag {
  std::string_view field;
  std::string_view flag;
};

constexpr FieldFlag kFieldFlags[] = {
    {"template.urgency", "--urgency"},
    {"template.level", "--level"},
    {"template.tlp", "--tlp"},
    {"template.subject", "--subject"},
    {"template.summary", "--summary"},
    {"template.description", "--description"},
    {"template.language", "--lang-text"},
    {"template.incident_category", "--category"},
    {"template.affected_sectors", "--sector"},
    {"template.observed_at", "--observed-at"},
    {"template.indicators", "--indicators"},
    {"template.stix_bundle", "--stix-file"},
    {"template.requested_action", "--requested-action"},
    {"template.respond_by", "--respond-by"},
    {"recipients", "--to"},
};

}  // namespace

void AddTemplateFlags(CLI::App* cmd, TemplateFlags* f) {
  cmd->add_option("--subject", f->subject, "One-line title, at most 200 bytes")->required();
  cmd->add_option("--summary", f->summary, "A few sentences, at most 2,000 bytes");
  auto* description = cmd->add_option("--description", f->description, "Full account");
  auto* description_file = cmd->add_option("--description-file", f->description_file,
                                           "Read the description from this file");
  description->excludes(description_file);
  cmd->add_option("--urgency", f->urgency,
                  "routine (ack within 72h), priority (24h), urgent (4h) or flash (1h)")
      ->check(WordCheck(ParseUrgency, "routine|priority|urgent|flash"))
      ->capture_default_str();
  cmd->add_option("--level", f->level, "technical or diplomatic")
      ->check(WordCheck(ParseLevel, "technical|diplomatic"))
      ->capture_default_str();
  cmd->add_option("--tlp", f->tlp,
                  "Handling mark (TLP 2.0): clear, green, amber, amber+strict, red")
      ->check(WordCheck(ParseTlp, "clear|green|amber|amber+strict|red"))
      ->capture_default_str();
  cmd->add_option("--lang-text", f->lang_text, "ISO 639-1 code of the language you write in")
      ->capture_default_str();
  cmd->add_option("--category", f->category, "Incident category code from the taxonomy");
  cmd->add_option("--sector", f->sectors, "An affected sector; repeat for several");
  cmd->add_option("--observed-at", f->observed_at,
                  "When the incident was observed (RFC 3339, e.g. 2026-11-28T14:30:00Z)")
      ->check(WordCheck(ParseRfc3339, "RFC3339"));
  cmd->add_option("--indicators", f->indicators, "Indicators as text (at most 64 KiB)");
  cmd->add_option("--stix-file", f->stix_file, "Attach this STIX 2.1 bundle (JSON file)");
  cmd->add_option("--requested-action", f->requested_action,
                  "What you ask the recipients to do (at most 2,000 bytes)");
  cmd->add_option("--respond-by", f->respond_by,
                  "Deadline for an answer: RFC 3339 time or a duration from now (4h, 2d)")
      ->check(WordCheck([](std::string_view t) { return ParseRespondBy(t, absl::UnixEpoch()); },
                        "RFC3339|DURATION"));
}

absl::StatusOr<absl::Time> ParseRfc3339(std::string_view text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &error)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(text), "' is not an RFC 3339 time; write e.g. 2026-11-28T14:30:00Z"));
  }
  return t;
}

absl::StatusOr<absl::Time> ParseRespondBy(std::string_view text, absl::Time now) {
  if (auto d = ParseDuration(text); d.ok()) return now + *d;
  if (auto t = ParseRfc3339(text); t.ok()) return *t;
  return absl::InvalidArgumentError(absl::StrCat(
      "'", std::string(text),
      "' is neither a duration from now (e.g. 4h, 2d, 1h30m) nor an RFC 3339 time (e.g. "
      "2026-11-28T14:30:00Z)"));
}

absl::StatusOr<v1::Template> BuildTemplate(const TemplateFlags& f, absl::Time now) {
  v1::Template t;
  ASSIGN_OR_RETURN(const v1::Urgency urgency, ParseUrgency(f.urgency));
  ASSIGN_OR_RETURN(const v1::Level level, ParseLevel(f.level));
  ASSIGN_OR_RETURN(const v1::Tlp tlp, ParseTlp(f.tlp));
  t.set_urgency(urgency);
  t.set_level(level);
  t.set_tlp(tlp);
  t.set_subject(f.subject);
  t.set_summary(f.summary);
  if (!f.description_file.empty()) {
    ASSIGN_OR_RETURN(*t.mutable_description(),
                     ReadFlagFile("--description-file", f.description_file));
  } else {
    t.set_description(f.description);
  }
  t.set_language(f.lang_text);
  t.set_incident_category(f.category);
  for (const std::string& sector : f.sectors) t.add_affected_sectors(sector);
  if (!f.observed_at.empty()) {
    auto observed = ParseRfc3339(f.observed_at);
    if (!observed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--observed-at: ", std::string(observed.status().message())));
    }
    *t.mutable_observed_at() = ToProto(*observed);
  }
  t.set_indicators(f.indicators);
  if (!f.stix_file.empty()) {
    ASSIGN_OR_RETURN(*t.mutable_stix_bundle(), ReadFlagFile("--stix-file", f.stix_file));
  }
  t.set_requested_action(f.requested_action);
  if (!f.respond_by.empty()) {
    auto respond_by = ParseRespondBy(f.respond_by, now);
    if (!respond_by.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--respond-by: ", std::string(respond_by.status().message())));
    }
    *t.mutable_respond_by() = ToProto(*respond_by);
  }
  return t;
}

absl::Status NameTheFlag(const absl::Status& status) {
  const std::string message(status.message());
  for (const auto& [field, flag] : kFieldFlags) {
    if (message.compare(0, field.size(), field.data(), field.size()) != 0) continue;
    const char next = message.size() > field.size() ? message[field.size()] : '\0';
    if (next != ':' && next != '[') continue;
    return absl::Status(status.code(),
                        absl::StrCat(std::string(flag), " (", message.substr(0, message.find(':')),
                                     ")", message.substr(message.find(':'))));
  }
  return status;
}

}  // namespace poc::pocctl
