// The poc-pki command line: parses arguments, runs one subcommand, prints what it made.
#ifndef POC_CERTS_PKI_CLI_H_
#define POC_CERTS_PKI_CLI_H_

#include <ostream>

namespace poc::pki {

// Runs poc-pki on `argv` (argv[0] is the program name). Results go to `out`; errors go to
// `err` as one line "poc-pki: <what went wrong>; <what to do>". Returns the exit code:
// 0 on success, 1 when the command failed, 2 on a usage error.
int RunPkiCli(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace poc::pki

#endif  // POC_CERTS_PKI_CLI_H_
