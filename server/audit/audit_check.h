// An offline check of a relay's audit log, read straight from its SQLite file (poc-relay check):
// every leaf present and hashing to its stored leaf hash, every stored subtree hash matching the
// stored hashes below it (sqlite_hash_store.h), and the latest signed checkpoint verifying and
// matching the stored tree. It names the first bad leaf, so an operator knows where damage or
// tampering starts; when only a stored subtree hash is wrong, that is the subtree's first leaf.
#ifndef POC_SERVER_AUDIT_AUDIT_CHECK_H_
#define POC_SERVER_AUDIT_AUDIT_CHECK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/checkpoint/note.h"
#include "common/storage/sqlite.h"

namespace poc {

struct AuditCheckReport {
  uint64_t leaves = 0;                     // leaf rows found
  uint64_t checkpoint_size = 0;            // size of the latest signed checkpoint, 0 if none
  std::optional<uint64_t> first_bad_leaf;  // the lowest leaf index found wrong
  std::vector<std::string> problems;       // one line each, in the order found; empty: sound

  bool ok() const { return problems.empty(); }
};

// Reads the log in `*db` (the relay's file, opened by the caller; the relay should be stopped
// or the result describes a moment of a moving log). `log_key` verifies the checkpoints. Errors
// only for an unreadable file; damage goes into the report. `progress` (may be empty) is called
// with the leaves checked so far, every 100,000 leaves.
absl::StatusOr<AuditCheckReport> CheckAuditLog(SqliteDatabase* db, const NoteVerifier& log_key,
                                               const std::function<void(uint64_t)>& progress);

}  // namespace poc

#endif  // POC_SERVER_AUDIT_AUDIT_CHECK_H_
