// pocctl audit: check the relay's audit log without trusting the relay.
//   checkpoint  show the latest signed checkpoint, its signature and cosignatures
//   prove ID    prove that a message's events are in the signed log
//   verify      read every entry, recompute the root, check every leaf and earlier checkpoints
// Against the relay's gRPC Audit service with the node's own credentials (--node DIR), or
// against the log's tlog-tiles over HTTP with --from-tiles URL --vkey KEY (no credentials).
//
// Exit codes (see RunPocctl): 0 verified; 1 verification failed (the error is DataLoss);
// 2 usage or connection errors.
#ifndef POC_CLIENT_POCCTL_AUDIT_COMMAND_H_
#define POC_CLIENT_POCCTL_AUDIT_COMMAND_H_

#include <CLI/CLI.hpp>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "client/pocctl/command_context.h"

namespace poc::pocctl {

struct AuditOptions {
  std::string from_tiles;  // --from-tiles URL
  std::string vkey;        // --vkey
  std::string vkey_file;   // --vkey-file
  std::string state;       // --state FILE
  std::string id;          // prove ID
  CLI::App* checkpoint = nullptr;
  CLI::App* prove = nullptr;
  CLI::App* verify = nullptr;
};

CLI::App* AddAuditCommand(CLI::App& app, AuditOptions* options);

// `err` receives progress (a live line when `err_is_tty`, else a line every few seconds).
absl::Status RunAudit(const AuditOptions& options, CommandContext& ctx, std::ostream& err,
                      bool err_is_tty);

// True when `status` from RunAudit means the log failed verification (exit 1), not that the
// check could not be made (exit 2).
bool IsVerificationFailure(const absl::Status& status);

}  // namespace poc::pocctl

#endif  // POC_CLIENT_POCCTL_AUDIT_COMMAND_H_
