#include "client/pocctl/pocctl.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <vector>

#include "client/pocctl/ack.h"
#include "client/pocctl/audit_command.h"
#include "client/pocctl/directory_command.h"
#include "client/pocctl/drill_command.h"
#include "client/pocctl/exercise_command.h"
#include "client/pocctl/help_formatter.h"
#include "client/pocctl/inbox.h"
#include "client/pocctl/key_command.h"
#include "client/pocctl/labels.h"
#include "client/pocctl/observer_command.h"
#include "client/pocctl/reply.h"
#include "client/pocctl/send.h"
#include "client/pocctl/sent.h"
#include "client/pocctl/show.h"
#include "client/pocctl/status.h"
#include "common/util/time_format.h"

namespace poc::pocctl {
namespace {

constexpr char kDescription[] =
    "pocctl is the operator's console for a PoC Network node. It asks the node daemon pocd, "
    "over the node's control socket DIR/control.sock (usable only by the node's user), to "
    "send, list, show, acknowledge and answer the signed messages that the UN Member States' "
    "points of contact exchange through the relay. pocd holds the State's signing key and "
    "does the signing and delivery; pocctl only asks. Name the node with --node DIR or the "
    "POC_NODE environment variable.";

constexpr char kFooter[] =
    "Examples:\n"
    "  export POC_NODE=/var/lib/poc/node\n"
    "  pocctl status\n"
    "  pocctl send --to KEN,BRA --type rfi --subject \"Scanning from AS64500\" --urgency urgent\n"
    "  pocctl inbox --unacked\n"
    "  pocctl show 0190c3a2 && pocctl ack 0190c3a2\n"
    "  pocctl directory show KEN\n"
    "  pocctl key announce --key /var/lib/poc/next/next.key\n"
    "  pocctl audit verify\n"
    "  pocctl observer list\n"
    "  pocctl exercise report 0190c3a2 --secretariat secretariat.toml\n"
    "Run pocctl COMMAND --help for each command's flags.";

constexpr char kGlobalFlags[] =
    "Global flags (before or after the command): --node DIR or POC_NODE, --socket PATH, --json, "
    "--timeout 10s, --lang en. See pocctl --help.";

CLI::Validator DurationCheck() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        auto d = ParseDuration(text);
        if (!d.ok()) {
          return std::string(d.status().message());
        }
        if (*d <= absl::ZeroDuration()) {
          return "the timeout must be longer than 0s";
        }
        return "";
      },
      "DURATION");
}

}  // namespace

int RunPocctl(int argc, const char* const* argv, const Environment& env) {
  CLI::App app(kDescription, "pocctl");
  app.formatter(std::make_shared<HelpFormatter>());
  app.require_subcommand(1);
  app.fallthrough();  // global flags may follow the command: pocctl inbox --json

  GlobalOptions global;
  app.add_option("--node", global.node, "The node's folder (holds control.sock); or set POC_NODE");
  app.add_option("--socket", global.socket, "pocd's control socket, if not DIR/control.sock");
  app.add_flag("--json", global.json, "Print machine-readable JSON, and nothing else, on stdout");
  app.add_option("--timeout", global.timeout, "Deadline for each request to pocd (e.g. 10s, 1m)")
      ->check(DurationCheck())
      ->capture_default_str();
  std::vector<std::string> languages;
  for (std::string_view l : kUnLanguages) {
    languages.emplace_back(l);
  }
  app.add_option("--lang", global.lang,
                 "Language of the labels in show, status and directory: ar, zh, en, fr, ru or "
                 "es (the messages themselves print as the States wrote them)")
      ->check(CLI::IsMember(languages))
      ->capture_default_str();

  SendOptions send;
  InboxOptions inbox;
  SentOptions sent;
  ShowOptions show;
  AckOptions ack;
  ReplyOptions reply;
  CLI::App* send_cmd = AddSendCommand(app, &send);
  CLI::App* inbox_cmd = AddInboxCommand(app, &inbox);
  CLI::App* sent_cmd = AddSentCommand(app, &sent);
  CLI::App* show_cmd = AddShowCommand(app, &show);
  CLI::App* ack_cmd = AddAckCommand(app, &ack);
  CLI::App* reply_cmd = AddReplyCommand(app, &reply);
  CLI::App* status_cmd = AddStatusCommand(app);
  DirectoryOptions directory;
  CLI::App* directory_cmd = AddDirectoryCommand(app, &directory);
  AuditOptions audit;
  CLI::App* audit_cmd = AddAuditCommand(app, &audit);
  KeyOptions key;
  CLI::App* key_cmd = AddKeyCommand(app, &key);
  ObserverOptions observer;
  CLI::App* observer_cmd = AddObserverCommand(app, &observer);
  ExerciseOptions exercise;
  CLI::App* exercise_cmd = AddExerciseCommand(app, &exercise);
  DrillOptions drill;
  CLI::App* drill_cmd = AddDrillCommand(app, &drill);
  // Subcommand help does not list the parent's flags; name them.
  for (CLI::App* cmd : {send_cmd, inbox_cmd, sent_cmd, show_cmd, ack_cmd, reply_cmd, status_cmd,
                        directory_cmd, audit_cmd, key_cmd, observer_cmd, exercise_cmd, drill_cmd}) {
    cmd->footer(cmd->get_footer() + "\n\n" + kGlobalFlags);
  }
  // Set after the subcommands, which would otherwise inherit it.
  app.footer(kFooter);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, *env.out, *env.err);
    return code == 0 ? 0 : 2;
  }

  CommandContext ctx(global, env.env_node, env.out, env.clock, env.connect);
  absl::Status status;
  if (send_cmd->parsed()) {
    status = RunSend(send, ctx);
  } else if (inbox_cmd->parsed()) {
    status = RunInbox(inbox, ctx);
  } else if (sent_cmd->parsed()) {
    status = RunSent(sent, ctx);
  } else if (show_cmd->parsed()) {
    status = RunShow(show, ctx);
  } else if (ack_cmd->parsed()) {
    status = RunAck(ack, ctx);
  } else if (reply_cmd->parsed()) {
    status = RunReply(reply, ctx);
  } else if (status_cmd->parsed()) {
    status = RunStatus(ctx);
  } else if (directory_cmd->parsed()) {
    status = RunDirectory(directory, ctx);
  } else if (key_cmd->parsed()) {
    status = RunKey(key, ctx);
  } else if (observer_cmd->parsed()) {
    status = RunObserver(observer, ctx);
  } else if (exercise_cmd->parsed()) {
    status = RunExercise(exercise, ctx);
  } else if (drill_cmd->parsed()) {
    status = RunDrill(drill, ctx);
  } else if (audit_cmd->parsed()) {
    const bool err_is_tty = env.err == &std::cerr && ::isatty(STDERR_FILENO) == 1;
    status = RunAudit(audit, ctx, *env.err, err_is_tty);
  }
  env.out->flush();
  if (!status.ok()) {
    *env.err << "pocctl: " << status.message() << "\n";
    // pocctl audit tells a log that failed verification (1) from a check it could not make (2).
    if (audit_cmd->parsed() && !IsVerificationFailure(status)) {
      return 2;
    }
    return 1;
  }
  return 0;
}

}  // namespace poc::pocctl
