#include "client/pocctl/key_command.h"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "client/pocctl/field_list.h"
#include "client/pocctl/output.h"
#include "client/pocctl/table.h"
#include "common/directory/directory_view.h"
#include "common/status_macros.h"

namespace poc::pocctl {
namespace {

std::string TimeOrDash(const google::protobuf::Timestamp& ts, bool set) {
  return set ? FormatDetailTime(ts) : "-";
}

}  // namespace

CLI::App* AddKeyCommand(CLI::App& app, KeyOptions* o) {
  CLI::App* cmd = app.add_subcommand("key", "The State's signing keys and their rotation");
  cmd->description(
      "The State's signing keys: which ones the relay-signed directory lists, which one this "
      "node signs with, and rotating to a new one. A rotation is announced by the node itself, "
      "signed with the current key; the relay and every node then accept both keys for the "
      "relay's overlap (key_rotation_overlap, 72h by default), then only the new one.");
  cmd->require_subcommand(1);
  o->list = cmd->add_subcommand("list", "This State's keys, their status and validity");
  o->list->footer("Example:\n  pocctl key list\n  pocctl key list --json");
  o->announce =
      cmd->add_subcommand("announce", "Announce a new signing key to the relay, then sign with it");
  o->announce
      ->add_option("--key", o->key_file,
                   "the new private key file (mode 0600), made on this node by "
                   "`poc-pki signing-key --out DIR --name next --state ISO3`")
      ->required();
  o->announce->footer(
      "pocd signs the announcement with the current key and sends it to the relay. Once the "
      "relay accepted it, pocd signs everything with the new key: the configured signing_key "
      "file is replaced by the new key and the previous key is kept beside it as "
      "<signing_key>.retired-<key id>. Messages signed with the previous key are still accepted "
      "until the end of the overlap. If the relay cannot be reached nothing changes; run the "
      "command again.\n"
      "Example:\n"
      "  poc-pki signing-key --out /var/lib/poc/next --name next --state KEN\n"
      "  pocctl key announce --key /var/lib/poc/next/next.key\n"
      "  pocctl key list");
  return cmd;
}

std::string FormatKeyList(const v1::Directory& directory, const std::string& state,
                          const std::string& signing_key_id) {
  const v1::StateEntry* entry = nullptr;
  for (const v1::StateEntry& s : directory.states()) {
    if (s.code() == state) {
      entry = &s;
    }
  }
  if (entry == nullptr) {
    return absl::StrCat(state, " is not in directory version ", directory.version(), "\n");
  }
  Table table({"KEY ID", "STATUS", "VALID FROM", "VALID UNTIL", "THIS NODE"});
  for (const v1::SigningKey& k : entry->keys()) {
    table.AddRow({k.key_id(), KeyStatusName(k.status()),
                  TimeOrDash(k.valid_from(), k.has_valid_from()),
                  TimeOrDash(k.valid_until(), k.has_valid_until()),
                  k.key_id() == signing_key_id ? "signs" : ""});
  }
  return absl::StrCat("Signing keys of ", state, " in directory version ", directory.version(),
                      "\n", table.Render());
}

std::string FormatAnnounced(const v1::NodeAnnounceKeyResponse& r) {
  FieldList fields;
  fields.Add("State", r.state());
  fields.Add("New key", r.key_id() + " (active, this node signs with it now)");
  if (r.has_announced_at()) {
    fields.Add("Active from", FormatDetailTime(r.announced_at()));
  }
  fields.Add("Previous key",
             r.previous_key_id() + (r.has_previous_valid_until()
                                        ? " (retired; accepted for messages created before " +
                                              FormatDetailTime(r.previous_valid_until()) + ")"
                                        : " (retired)"));
  fields.Add("Directory version", absl::StrCat(r.directory_version()));
  fields.Add("Key file", r.signing_key_file() + " (now the new key)");
  fields.Add("Previous key kept in", r.retired_key_file());
  if (r.already_announced()) {
    fields.Add("Note", "the relay had this announcement already; the node switched to the key");
  }
  return fields.Render() +
         "Delete the new key's other copy you passed with --key once you have a backup.\n";
}

absl::Status RunKey(const KeyOptions& o, CommandContext& ctx) {
  if (o.announce->parsed()) {
    // pocd runs elsewhere (its own working folder): give it an absolute path.
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::absolute(o.key_file, ec);
    if (ec || !std::filesystem::exists(path, ec)) {
      return absl::NotFoundError(
          absl::StrCat(o.key_file,
                       ": no such file; make the new key with `poc-pki signing-key --out DIR "
                       "--name next --state ISO3` and pass DIR/next.key"));
    }
    ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
    v1::NodeAnnounceKeyRequest request;
    request.set_key_file(path.string());
    ASSIGN_OR_RETURN(const v1::NodeAnnounceKeyResponse response, client->AnnounceKey(request));
    if (ctx.json()) {
      return PrintJson(response, ctx.out());
    }
    ctx.out() << FormatAnnounced(response);
    return absl::OkStatus();
  }
  ASSIGN_OR_RETURN(ControlClient * client, ctx.Client());
  ASSIGN_OR_RETURN(const v1::StatusResponse status, client->Status(v1::StatusRequest()));
  ASSIGN_OR_RETURN(const v1::NodeDirectoryResponse directory,
                   client->GetDirectory(v1::NodeDirectoryRequest()));
  if (ctx.json()) {
    v1::StateEntry keys;
    for (const v1::StateEntry& s : directory.directory().states()) {
      if (s.code() == status.state()) {
        keys = s;
      }
    }
    // The State's entry with only its keys, and the key this node signs with.
    v1::StateEntry out;
    out.set_code(keys.code());
    *out.mutable_keys() = keys.keys();
    std::ostringstream entry;
    RETURN_IF_ERROR(PrintJson(out, entry));
    nlohmann::json j = nlohmann::json::parse(entry.str(), nullptr, false);
    j["signing_key_id"] = status.signing_key_id();
    j["directory_version"] = directory.directory().version();
    ctx.out() << j.dump(2) << "\n";
    return absl::OkStatus();
  }
  ctx.out() << FormatKeyList(directory.directory(), status.state(), status.signing_key_id());
  return absl::OkStatus();
}

}  // namespace poc::pocctl
