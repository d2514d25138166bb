#include "client/pocctl/directory_command.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "client/pocctl/field_list.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/directory/directory_view.h"
#include "common/status_macros.h"

namespace poc::pocctl {
namespace {

std::string ContactLevelWord(v1::ContactLevel level) {
  switch (level) {
    case v1::CONTACT_LEVEL_TECHNICAL:
      return "technical";
    case v1::CONTACT_LEVEL_DIPLOMATIC:
      return "diplomatic";
    default:
      return "unspecified";
  }
}

std::string GroupKindWord(v1::GroupKind kind) {
  switch (kind) {
    case v1::GROUP_KIND_REGIONAL:
      return "regional";
    case v1::GROUP_KIND_ORGANIZATION:
      return "organization";
    case v1::GROUP_KIND_CUSTOM:
      return "custom";
    default:
      return "unspecified";
  }
}

// Contacts in escalation order.
std::vector<const v1::Contact*> ContactsInOrder(const v1::StateEntry& state) {
  std::vector<const v1::Contact*> contacts;
  for (const v1::Contact& c : state.contacts()) {
    contacts.push_back(&c);
  }
  std::sort(contacts.begin(), contacts.end(),
            [](const v1::Contact* a, const v1::Contact* b) { return a->order() < b->order(); });
  return contacts;
}

std::vector<std::string> GroupsOf(const v1::Directory& directory, const std::string& code) {
  std::vector<std::string> names;
  for (const v1::Group& g : directory.groups()) {
    if (std::find(g.members().begin(), g.members().end(), code) != g.members().end()) {
      names.push_back(g.name());
    }
  }
  return names;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Validity(const v1::SigningKey& key) {
  if (!key.has_valid_from() && !key.has_valid_until()) {
    return "always";
  }
  return absl::StrCat(key.has_valid_from() ? FormatDetailTime(key.valid_from()) : "", " to ",
                      key.has_valid_until() ? FormatDetailTime(key.valid_until()) : "");
}

}  // namespace

std::string FormatStates(const v1::Directory& directory) {
  Table table({"STATE", "NAME", "KEYS", "CONTACTS", "FIRST CONTACT", "GROUPS"});
  table.SetMaxWidth(1, 30);
  table.SetMaxWidth(4, 36);
  for (const v1::StateEntry& s : directory.states()) {
    int usable = 0;
    for (const v1::SigningKey& k : s.keys()) {
      if (k.status() == v1::KEY_STATUS_ACTIVE || k.status() == v1::KEY_STATUS_NEXT) {
        ++usable;
      }
    }
    const auto contacts = ContactsInOrder(s);
    const std::string first = contacts.empty() ? ""
                                               : contacts[0]->name() + " (" +
                                                     ContactLevelWord(contacts[0]->level()) + ")";
    table.AddRow({s.code(), s.name(), absl::StrCat(usable, " of ", s.keys_size()),
                  absl::StrCat(s.contacts_size()), first,
                  absl::StrJoin(GroupsOf(directory, s.code()), ", ")});
  }
  return absl::StrCat("Directory version ", directory.version(), ", ", directory.states_size(),
                      " States\n\n", table.Render());
}

absl::StatusOr<std::string> FormatState(const v1::Directory& directory, const std::string& code,
                                        const Labels& labels) {
  const v1::StateEntry* state = nullptr;
  for (const v1::StateEntry& s : directory.states()) {
    if (s.code() == code) {
      state = &s;
    }
  }
  if (state == nullptr) {
    return absl::NotFoundError(code + " is not in the directory (version " +
                               std::to_string(directory.version()) +
                               "); `pocctl directory show` lists every State");
  }
  FieldList fields;
  fields.Add(std::string(labels.node_state), state->code());
  fields.Add(std::string(labels.state_name), state->name());
  fields.Add(std::string(labels.bodies), absl::StrJoin(state->bodies(), "\n"));
  fields.Add(std::string(labels.groups), absl::StrJoin(GroupsOf(directory, code), ", "));
  std::string out = fields.Render();

  Table contacts(
      {"ORDER", "LEVEL", "NAME", "ROLE", "E-MAIL", "PHONE", "HOURS", "TIME ZONE", "LANGUAGES"});
  for (const v1::Contact* c : ContactsInOrder(*state)) {
    contacts.AddRow({absl::StrCat(c->order()), ContactLevelWord(c->level()), c->name(), c->role(),
                     c->email(), c->phone(), c->hours(), c->time_zone(),
                     absl::StrJoin(c->languages(), " ")});
  }
  absl::StrAppend(&out, "\n",
                  contacts.row_count() == 0 ? "No points of contact listed.\n" : contacts.Render());

  Table keys({"KEY ID", "STATUS", "VALID", "REVOKED AT"});
  for (const v1::SigningKey& k : state->keys()) {
    keys.AddRow({k.key_id(), KeyStatusName(k.status()), Validity(k),
                 k.has_revoked_at() ? FormatDetailTime(k.revoked_at()) : ""});
  }
  absl::StrAppend(&out, "\n", keys.Render());
  if (state->certificate_fingerprints_size() > 0) {
    FieldList certs;
    for (const std::string& fp : state->certificate_fingerprints()) {
      certs.Add(std::string(labels.certificate), fp);
    }
    absl::StrAppend(&out, "\n", certs.Render());
  }
  return out;
}

absl::StatusOr<std::string> FormatGroups(const v1::Directory& directory, const std::string& name) {
  Table table({"GROUP", "KIND", "MEMBERS", "TITLE"});
  table.SetMaxWidth(2, 60);
  for (const v1::Group& g : directory.groups()) {
    if (!name.empty() && g.name() != name) {
      continue;
    }
    table.AddRow({"group:" + g.name(), GroupKindWord(g.kind()),
                  g.members().empty() ? "(none on the network)" : absl::StrJoin(g.members(), " "),
                  g.title()});
  }
  if (table.row_count() == 0) {
    return absl::NotFoundError("no group '" + name +
                               "' in the directory (names are case-sensitive); `pocctl "
                               "directory groups` lists them");
  }
  return table.Render();
}

std::vector<DirectoryMatch> SearchDirectory(const v1::Directory& directory,
                                            const std::string& text) {
  const std::string needle = Lower(text);
  std::vector<DirectoryMatch> matches;
  auto check = [&](const std::string& state, const std::string& field, const std::string& value) {
    if (!value.empty() && Lower(value).find(needle) != std::string::npos) {
      matches.push_back({state, field, value});
    }
  };
  for (const v1::StateEntry& s : directory.states()) {
    check(s.code(), "code", s.code());
    check(s.code(), "name", s.name());
    for (int i = 0; i < s.bodies_size(); ++i) {
      check(s.code(), absl::StrCat("bodies[", i, "]"), s.bodies(i));
    }
    for (int i = 0; i < s.contacts_size(); ++i) {
      const v1::Contact& c = s.contacts(i);
      const std::string at = absl::StrCat("contact[", i, "].");
      check(s.code(), at + "name", c.name());
      check(s.code(), at + "role", c.role());
      check(s.code(), at + "email", c.email());
      check(s.code(), at + "phone", c.phone());
    }
  }
  for (const v1::Group& g : directory.groups()) {
    check("", "group", g.name());
    check("", "group title", g.title());
  }
  return matches;
}

std::string DirectoryCsv(const v1::Directory& directory) {
  std::string out =
      "state,state_name,bodies,contact_order,level,name,role,email,phone,hours,time_zone,"
      "languages\r\n";
  for (const v1::StateEntry& s : directory.states()) {
    const std::string prefix = absl::StrCat(CsvField(s.code()), ",", CsvField(s.name()), ",",
                                            CsvField(absl::StrJoin(s.bodies(), "; ")), ",");
    const auto contacts = ContactsInOrder(s);
    if (contacts.empty()) {
      absl::StrAppend(&out, prefix, ",,,,,,,,\r\n");
    }
    for (const v1::Contact* c : contacts) {
      absl::StrAppend(&out, prefix, c->order(), ",", ContactLevelWord(c->level()), ",",
                      CsvField(c->name()), ",", CsvField(c->role()), ",", CsvField(c->email()), ",",
                      CsvField(c->phone()), ",", CsvField(c->hours()), ",",
                      CsvField(c->time_zone()), ",", CsvField(absl::StrJoin(c->languages(), " ")),
                      "\r\n");
    }
  }
  return out;
}

CLI::App* AddDirectoryCommand(CLI::App& app, DirectoryOptions* o) {
  CLI::App* cmd =
      app.add_subcommand("directory", "Look up States, points of contact, signing keys and groups");
  cmd->description(
      "Look up States, points of contact, signing keys and groups in the directory the node "
      "holds: the relay-signed copy it verified, kept on disk, so lookups work while the relay "
      "is unreachable. `pocctl status` shows its version.");
  cmd->require_subcommand(1);
  o->show = cmd->add_subcommand("show", "Every State, or one State's contacts, keys and groups");
  o->show->add_option("STATE", o->state, "ISO 3166-1 alpha-3 code, e.g. KEN");
  o->show->footer(
      "Contacts are listed in escalation order (1 is called first).\n"
      "Examples:\n  pocctl directory show\n  pocctl directory show KEN\n"
      "  pocctl directory show KEN --json");
  o->groups = cmd->add_subcommand("groups", "The groups a message can be addressed to");
  o->groups->add_option("NAME", o->group, "one group's name, without group:");
  o->groups->footer(
      "Address a group as --to group:NAME. The five UN regional groups (AFRICAN, ASIA-PACIFIC, "
      "EEG, GRULAC, WEOG) hold the States of the network that belong to them.\n"
      "Example:\n  pocctl directory groups WEOG");
  o->search = cmd->add_subcommand("search", "Find States, contacts and groups by any text");
  o->search
      ->add_option("TEXT", o->text,
                   "matched case-insensitively against codes, names, "
                   "bodies, contacts' names, roles, e-mails and phones, "
                   "and group names")
      ->required();
  o->search->footer("Example:\n  pocctl directory search cert");
  o->export_cmd = cmd->add_subcommand("export", "Write the whole directory for other tools");
  o->export_cmd
      ->add_option("--format", o->format,
                   "json (the whole directory) or csv (one row "
                   "per point of contact)")
      ->check(CLI::IsMember({"json", "csv"}))
      ->capture_default_str();
  o->export_cmd->footer("Example:\n  pocctl directory export --format csv > contacts.csv");
  return cmd;
}

absl::Status RunDirectory(const DirectoryOptions& o, CommandContext& ctx) {
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::NodeDirectoryResponse response,
                   client->GetDirectory(v1::NodeDirectoryRequest()));
  const v1::Directory& directory = response.directory();
  const Labels& labels = LabelsFor(ctx.global().lang);
  std::ostream& out = ctx.out();
  if (o.export_cmd->parsed()) {
    if (o.format == "csv") {
      out << DirectoryCsv(directory);
      return absl::OkStatus();
    }
    return PrintJson(directory, out);
  }
  if (o.show->parsed()) {
    if (o.state.empty()) {
      if (ctx.json()) {
        return PrintJson(directory, out);
      }
      out << FormatStates(directory);
      return absl::OkStatus();
    }
    if (ctx.json()) {
      for (const v1::StateEntry& s : directory.states()) {
        if (s.code() == o.state) {
          return PrintJson(s, out);
        }
      }
    }
    ASSIGN_OR_RETURN(const std::string text, FormatState(directory, o.state, labels));
    out << text;
    return absl::OkStatus();
  }
  if (o.groups->parsed()) {
    if (ctx.json()) {
      nlohmann::json groups = nlohmann::json::array();
      for (const v1::Group& g : directory.groups()) {
        if (!o.group.empty() && g.name() != o.group) {
          continue;
        }
        groups.push_back(
            {{"name", g.name()},
             {"kind", GroupKindWord(g.kind())},
             {"title", g.title()},
             {"members", std::vector<std::string>(g.members().begin(), g.members().end())}});
      }
      out << groups.dump() << "\n";
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(const std::string text, FormatGroups(directory, o.group));
    out << text;
    return absl::OkStatus();
  }
  const std::vector<DirectoryMatch> matches = SearchDirectory(directory, o.text);
  if (ctx.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const DirectoryMatch& m : matches) {
      list.push_back({{"state", m.state}, {"field", m.field}, {"value", m.value}});
    }
    out << list.dump() << "\n";
    return absl::OkStatus();
  }
  if (matches.empty()) {
    out << "Nothing in directory version " << directory.version() << " matches '" << o.text
        << "'.\n";
    return absl::OkStatus();
  }
  Table table({"STATE", "FIELD", "VALUE"});
  table.SetMaxWidth(2, 60);
  for (const DirectoryMatch& m : matches) {
    table.AddRow({m.state, m.field, m.value});
  }
  out << table.Render();
  return absl::OkStatus();
}

}  // namespace poc::pocctl
