#include "client/pocctl/send.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "client/pocctl/output.h"
#include "common/status_macros.h"
#include "common/template/template_codes.h"
#include "common/template/validation.h"

namespace poc::pocctl {
namespace {

// The kinds an operator starts a conversation with; responses and acknowledgements have
// their own commands because they answer a message.
absl::StatusOr<v1::MessageType> ParseSendType(std::string_view word) {
  auto type = ParseMessageType(word);
  if (!type.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(word),
        "' is not a type you can send; use notification, rfi (request-for-information), rfa "
        "(request-for-assistance) or general"));
  }
  switch (*type) {
    case v1::MESSAGE_TYPE_RESPONSE:
      return absl::InvalidArgumentError("to answer a message use: pocctl reply ID --subject ...");
    case v1::MESSAGE_TYPE_ACKNOWLEDGEMENT:
      return absl::InvalidArgumentError("to acknowledge a message use: pocctl ack ID");
    default:
      return type;
  }
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

// Operators type "ken" or "All"; the wire wants "KEN" and "all". Group names keep their case.
std::string NormalizeRecipient(std::string_view raw) {
  std::string r = Trim(raw);
  std::string lower = r;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "all") return lower;
  bool alpha3 = r.size() == 3;
  for (char c : r) alpha3 = alpha3 && std::isalpha(static_cast<unsigned char>(c));
  if (alpha3) {
    for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return r;
}

}  // namespace

CLI::App* AddSendCommand(CLI::App& app, SendOptions* o) {
  CLI::App* cmd = app.add_subcommand("send", "Sign and send a new message");
  cmd->description(
      "Sign and send a new message. pocd signs it with the State's key, stores it in the "
      "outbox and submits it to the relay; when the relay cannot be reached the message stays "
      "queued and pocd submits it later. The template is checked here first, so a mistake is "
      "reported before anything is signed. Address States by ISO 3166-1 alpha-3 code, groups "
      "as group:NAME, or everyone as all.");
  cmd->add_option("--to", o->to, "Recipients: State codes, group:NAME or all (comma-separated)")
      ->required()
      ->delimiter(',');
  cmd->add_option("--type", o->type,
                  "notification, rfi (request for information), rfa (request for assistance) "
                  "or general")
      ->required()
      ->check(CLI::Validator(
          [](std::string& word) -> std::string {
            auto type = ParseSendType(word);
            return type.ok() ? "" : std::string(type.status().message());
          },
          "notification|rfi|rfa|general"));
  AddTemplateFlags(cmd, &o->tmpl);
  cmd->add_flag("--drill", o->drill,
                "Mark the message as part of an exercise, not a real incident");
  cmd->footer(
      "Examples:\n"
      "  pocctl send --to KEN,BRA --type rfi --urgency urgent --tlp amber \\\n"
      "      --subject \"Scanning from AS64500\" --summary \"Have you seen this?\" --respond-by "
      "4h\n"
      "  pocctl send --to group:WEOG --type notification --subject \"Drill\" --drill");
  return cmd;
}

absl::StatusOr<v1::SendRequest> BuildSendRequest(const SendOptions& o, absl::Time now) {
  v1::SendRequest request;
  for (const std::string& raw : o.to) {
    std::string r = NormalizeRecipient(raw);
    if (!r.empty()) request.add_recipients(std::move(r));
  }
  auto kind = ParseSendType(o.type);
  if (!kind.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--type: ", std::string(kind.status().message())));
  }
  request.set_kind(*kind);
  ASSIGN_OR_RETURN(*request.mutable_template_(), BuildTemplate(o.tmpl, now));
  request.set_drill(o.drill);

  const ValidationLimits limits;
  if (auto s = ValidateRecipients(request.recipients(), /*sender=*/"", limits); !s.ok()) {
    return NameTheFlag(s);
  }
  if (auto s = ValidateTemplate(request.template_(), request.kind(), now, limits); !s.ok()) {
    return NameTheFlag(s);
  }
  return request;
}

absl::Status RunSend(const SendOptions& options, CommandContext& ctx) {
  ASSIGN_OR_RETURN(const v1::SendRequest request, BuildSendRequest(options, ctx.Now()));
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::SendResponse response, client->Send(request));
  return ReportSendResponse(response, ctx);
}

}  // namespace poc::pocctl
