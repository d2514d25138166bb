#include "client/pocctl/show.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/pocctl/field_list.h"
#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/status_macros.h"
#include "common/template/iso639.h"
#include "common/template/template_codes.h"

namespace poc::pocctl {
namespace {

std::string LanguageText(const std::string& code) {
  if (code.empty()) return "";
  const auto name = LanguageName(code);
  if (!name.has_value()) return code;
  return absl::StrCat(code, " (", std::string(*name), ")");
}

std::string UrgencyText(v1::Urgency urgency) {
  if (!v1::Urgency_IsValid(urgency) || urgency == v1::URGENCY_UNSPECIFIED) {
    return UrgencyWord(urgency);
  }
  return absl::StrCat(UrgencyWord(urgency), " (acknowledge within ",
                      absl::FormatDuration(DefaultAckDeadline(urgency)), ")");
}

bool IsSentMessage(const v1::ShowResponse& show) {
  return show.summary().state() != v1::OUTBOX_STATE_UNSPECIFIED || !show.progress().empty();
}

}  // namespace

CLI::App* AddShowCommand(CLI::App& app, ShowOptions* o) {
  CLI::App* cmd = app.add_subcommand("show", "Show one message in full");
  cmd->description(
      "Show one message in full. You see every template field, the key that signed it and "
      "its index in the relay's audit log. For a message you sent, a table shows per recipient "
      "State "
      "when it was delivered, acknowledged and answered. Name the message by its id or the "
      "first 8 or more characters of it, from pocctl inbox or pocctl sent.");
  cmd->add_option("id", o->id,
                  "The message (its id, or a unique start or end of it such as …89abcdef)")
      ->required();
  cmd->footer(
      "Example:\n"
      "  pocctl show 0190c3a2");
  return cmd;
}

std::string FormatShow(const v1::ShowResponse& show, const Labels& l) {
  const v1::Message& m = show.message();
  const v1::Template& t = m.template_();
  const v1::MessageSummary& s = show.summary();
  const bool sent = IsSentMessage(show);

  FieldList fields;
  fields.Add(std::string(l.message), m.id().empty() ? s.id() : m.id());
  fields.Add(std::string(l.type), MessageTypeName(m.kind()));
  fields.Add(std::string(l.from), m.sender());
  fields.Add(std::string(l.to), JoinList(m.recipients()));
  fields.Add(std::string(l.created), FormatDetailTime(m.created_at()));
  fields.Add(std::string(l.in_reply_to), m.in_reply_to());
  if (m.drill()) fields.Add(std::string(l.drill), "yes: part of an exercise, not a real incident");
  fields.Add(std::string(l.urgency), UrgencyText(t.urgency()));
  fields.Add(std::string(l.level), LevelWord(t.level()));
  fields.Add(std::string(l.tlp), TlpLabel(t.tlp()));
  fields.Add(std::string(l.language), LanguageText(t.language()));
  fields.Add(std::string(l.category), t.incident_category());
  fields.Add(std::string(l.sectors), absl::StrJoin(t.affected_sectors(), ", "));
  fields.Add(std::string(l.observed_at), FormatDetailTime(t.observed_at()));
  fields.Add(std::string(l.respond_by), FormatDetailTime(t.respond_by()));
  fields.Add(std::string(l.subject), t.subject());
  fields.Add(std::string(l.summary), t.summary());
  fields.Add(std::string(l.description), t.description());
  fields.Add(std::string(l.indicators), t.indicators());
  if (!t.stix_bundle().empty()) {
    fields.Add(std::string(l.stix_bundle),
               absl::StrCat(t.stix_bundle().size(), " bytes (print it with --json)"));
  }
  fields.Add(std::string(l.requested_action), t.requested_action());
  fields.Add(std::string(l.signed_by_key), show.key_id());
  if (show.audit_index() != 0 || s.state() == v1::OUTBOX_STATE_SUBMITTED) {
    fields.Add(std::string(l.audit_index), absl::StrCat("#", show.audit_index()));
  }
  if (sent) {
    fields.Add(std::string(l.outbox_state), OutboxStateWord(s.state()));
  } else {
    fields.Add(std::string(l.received), FormatDetailTime(s.received_at()));
    if (m.kind() != v1::MESSAGE_TYPE_ACKNOWLEDGEMENT) {
      fields.Add(std::string(l.acknowledged),
                 s.has_acknowledged_at()
                     ? FormatDetailTime(s.acknowledged_at())
                     : "not yet (pocctl ack " +
                           s.id().substr(s.id().size() - std::min<size_t>(8, s.id().size())) + ")");
    }
  }
  fields.Add(std::string(l.error), show.error());
  std::string out = fields.Render();

  if (sent && !show.progress().empty()) {
    Table table({"STATE", "DELIVERED (UTC)", "ACKNOWLEDGED (UTC)", "RESPONSE"});
    for (const auto& p : show.progress()) {
      table.AddRow({p.state(), FormatTableTime(p.delivered_at()),
                    FormatTableTime(p.acknowledged_at()), ShortId(p.response_id(), false)});
    }
    absl::StrAppend(&out, "\n", std::string(l.recipients), ":\n", table.Render());
  }
  if (!show.replies().empty()) {
    absl::StrAppend(&out, "\n", std::string(l.replies), ":\n");
    for (const auto& id : show.replies()) absl::StrAppend(&out, "  ", id, "\n");
  }
  return out;
}

absl::Status RunShow(const ShowOptions& o, CommandContext& ctx) {
  RETURN_IF_ERROR(CheckMessageRef(o.id));
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  v1::ShowRequest request;
  ASSIGN_OR_RETURN(*request.mutable_message_id(),
                   ResolveMessageId(o.id, Folders::kInboxAndSent, *client));
  ASSIGN_OR_RETURN(const v1::ShowResponse response, client->Show(request));
  if (ctx.json()) return PrintJson(response, ctx.out());
  ctx.out() << FormatShow(response, LabelsFor(ctx.global().lang));
  return absl::OkStatus();
}

}  // namespace poc::pocctl
