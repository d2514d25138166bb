#include "client/pocctl/observer_command.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/pocctl/message_ref.h"
#include "client/pocctl/output.h"
#include "client/pocctl/secretariat_relay.h"
#include "client/pocctl/table.h"
#include "common/observers/observer_words.h"
#include "common/status_macros.h"
#include "common/util/time_format.h"

namespace poc::pocctl {
namespace {

std::vector<std::string> Objectors(const v1::ObserverRecord& r) {
  std::vector<std::string> states;
  for (const v1::Signed& s : r.objections()) {
    v1::ObserverObjection o;
    if (o.ParseFromString(s.body())) {
      states.push_back(o.state());
    }
  }
  return states;
}

absl::StatusOr<v1::ListObserversResponse> ListFrom(const ObserverOptions& o, CommandContext& ctx) {
  if (!o.secretariat.empty()) {
    ASSIGN_OR_RETURN(auto relay, SecretariatRelay::Open(o.secretariat, ctx.timeout()));
    return relay->List();
  }
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  return client->ListObservers(v1::ListObserversRequest());
}

absl::Status RunPropose(const ObserverOptions& o, CommandContext& ctx) {
  if (o.secretariat.empty()) {
    return absl::InvalidArgumentError(
        "proposing an observer is the Secretariat's: give --secretariat FILE (relay address "
        "and the Secretariat's admin certificate; see deploy/secretariat.toml.sample) or set "
        "POC_SECRETARIAT");
  }
  v1::ProposeObserverRequest request;
  request.set_slug(o.slug);
  request.set_organization(o.organization);
  request.set_kind(ParseObserverKind(o.kind));
  request.set_purpose(o.purpose);
  ASSIGN_OR_RETURN(auto relay, SecretariatRelay::Open(o.secretariat, ctx.timeout()));
  ASSIGN_OR_RETURN(const v1::ObserverRecord record, relay->Propose(request));
  if (ctx.json()) {
    return PrintJson(record, ctx.out());
  }
  const v1::ObserverProposal& p = record.proposal();
  ctx.out() << "Proposed accrediting " << p.slug() << " (" << p.organization() << ", "
            << ObserverKindWord(p.kind()) << ") as proposal " << p.id() << ".\n"
            << "Every State can object until " << FormatDetailTime(p.silence_ends_at())
            << "; one objection stops it, otherwise it takes effect then.\n";
  return absl::OkStatus();
}

absl::Status RunObject(const ObserverOptions& o, CommandContext& ctx) {
  if (!o.secretariat.empty()) {
    return absl::InvalidArgumentError(
        "only a State objects, signed by its own node: run this with --node DIR (or POC_NODE) "
        "on that State's node, without --secretariat");
  }
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const std::string id,
                   ResolveRecordId(o.proposal_id, "proposal", "pocctl observer list",
                                   [&]() -> absl::StatusOr<std::vector<std::string>> {
                                     ASSIGN_OR_RETURN(
                                         const v1::ListObserversResponse list,
                                         client->ListObservers(v1::ListObserversRequest()));
                                     std::vector<std::string> ids;
                                     for (const v1::ObserverRecord& r : list.records()) {
                                       ids.push_back(r.proposal().id());
                                     }
                                     return ids;
                                   }));
  v1::NodeObjectionRequest request;
  request.set_proposal_id(id);
  request.set_reason(o.reason);
  ASSIGN_OR_RETURN(const v1::ObjectToObserverResponse response, client->ObjectToObserver(request));
  if (ctx.json()) {
    return PrintJson(response, ctx.out());
  }
  const v1::ObserverProposal& p = response.record().proposal();
  if (response.duplicate()) {
    ctx.out() << "This State had already objected to proposal " << p.id() << " (" << p.slug()
              << "); nothing changed.\n";
  } else {
    ctx.out() << "Objected to proposal " << p.id() << " (" << p.slug() << ", " << p.organization()
              << "): the accreditation is " << ObserverStatusWord(response.record().status())
              << ".\n";
  }
  return absl::OkStatus();
}

}  // namespace

CLI::App* AddObserverCommand(CLI::App& app, ObserverOptions* o) {
  CLI::App* cmd = app.add_subcommand(
      "observer", "Accredit observers (NGOs, companies, academia) by the silence procedure");
  cmd->description(
      "Accredit observers (non-state actors: NGOs, companies, academia) by the silence "
      "procedure. The Secretariat proposes an organization's observer certificate "
      "(urn:poc:observer:SLUG); the proposal goes to every State; any State may object, with "
      "an objection its node signs, until the silence period (the relay's "
      "observers.silence_period, 14 days by default) ends. One objection stops it; without "
      "objection it takes effect then. Every step is in the relay's audit log. An accredited "
      "observer may only read what is published to observers (the audit log), never State "
      "traffic or the directory.");
  cmd->require_subcommand(1);
  cmd->fallthrough();
  cmd->add_option("--secretariat", o->secretariat,
                  "The Secretariat's settings (relay address, admin certificate): propose and "
                  "list talk to the relay directly with them; or set POC_SECRETARIAT")
      ->envname("POC_SECRETARIAT");

  o->propose = cmd->add_subcommand("propose", "The Secretariat proposes accrediting an observer");
  o->propose->add_option("--slug", o->slug, "the observer certificate's slug (poc-pki show)")
      ->required();
  o->propose->add_option("--org", o->organization, "the organization's name")->required();
  o->propose->add_option("--kind", o->kind, "ngo, company, academia or other")
      ->required()
      ->check(CLI::IsMember({"ngo", "company", "academia", "other"}));
  o->propose->add_option("--purpose", o->purpose, "why it should observe, for the States")
      ->required();
  o->propose->footer(
      "Example:\n"
      "  pocctl observer propose --secretariat secretariat.toml --slug cyber-peace \\\n"
      "      --org \"Cyber Peace Institute\" --kind ngo --purpose \"Observe the ping exercises\"");

  o->object = cmd->add_subcommand("object", "A State objects to a proposed accreditation");
  o->object->add_option("ID", o->proposal_id, "the proposal id (or its first 8+ characters)")
      ->required();
  o->object->add_option("--reason", o->reason, "why, for the record (optional)");
  o->object->footer(
      "pocd signs the objection with the State's signing key; the relay takes it only from a "
      "node of that State and only before the silence period ends. One objection stops the "
      "accreditation.\n"
      "Example:\n"
      "  pocctl --node /var/lib/poc/node observer object 0190c3a2 --reason \"not independent\"");

  o->list = cmd->add_subcommand("list", "Every proposal, its status and its deadline");
  o->list->footer(
      "On a State's node (through pocd, asked live from the relay) or as the Secretariat "
      "(--secretariat FILE).\n"
      "Examples:\n"
      "  pocctl --node /var/lib/poc/node observer list\n"
      "  pocctl observer list --secretariat secretariat.toml --json");
  return cmd;
}

std::string FormatObserverTable(const v1::ListObserversResponse& list, absl::Time now) {
  if (list.records().empty()) {
    return "No observer proposals.\n";
  }
  Table table(
      {"ID", "OBSERVER", "ORGANIZATION", "KIND", "STATUS", "SILENCE ENDS (UTC)", "OBJECTIONS"});
  table.SetMaxWidth(2, 32);
  for (const v1::ObserverRecord& r : list.records()) {
    const v1::ObserverProposal& p = r.proposal();
    std::string status = ObserverStatusWord(r.status());
    if (r.status() == v1::OBSERVER_STATUS_PENDING && FromProto(p.silence_ends_at()) > now) {
      status = "pending (objections open)";
    }
    table.AddRow({p.id(), p.slug(), p.organization(), ObserverKindWord(p.kind()), status,
                  FormatTableTime(p.silence_ends_at()), absl::StrJoin(Objectors(r), ", ")});
  }
  return table.Render();
}

absl::Status RunObserver(const ObserverOptions& o, CommandContext& ctx) {
  if (o.propose->parsed()) {
    return RunPropose(o, ctx);
  }
  if (o.object->parsed()) {
    return RunObject(o, ctx);
  }
  ASSIGN_OR_RETURN(const v1::ListObserversResponse list, ListFrom(o, ctx));
  if (ctx.json()) {
    return PrintJson(list, ctx.out());
  }
  const absl::Time now = list.has_relay_time() ? FromProto(list.relay_time()) : ctx.Now();
  ctx.out() << FormatObserverTable(list, now);
  for (const v1::ObserverRecord& r : list.records()) {
    if (r.status() == v1::OBSERVER_STATUS_PENDING &&
        FromProto(r.proposal().silence_ends_at()) > now && o.secretariat.empty()) {
      ctx.out() << "To object to " << r.proposal().slug() << ": pocctl observer object "
                << r.proposal().id() << " --reason \"...\" (before "
                << FormatDetailTime(r.proposal().silence_ends_at()) << ")\n";
    }
  }
  return absl::OkStatus();
}

}  // namespace poc::pocctl
