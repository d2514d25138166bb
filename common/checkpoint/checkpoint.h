// C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the note text that states a log's
// tree head. Signing it is note.h's job; signed_checkpoint.h combines the two.
#ifndef POC_COMMON_CHECKPOINT_CHECKPOINT_H_
#define POC_COMMON_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace poc {

struct Checkpoint {
  // Identifies the log, e.g. "un.example/poc-audit"; non-empty, one line.
  std::string origin;
  // Number of leaves in the tree.
  uint64_t size = 0;
  // RFC 9162 root hash of the tree at `size`, 32 raw bytes.
  std::string root_hash;
  // Optional opaque extension lines, each non-empty (without their newline).
  std::vector<std::string> extensions;

  // The note text: "<origin>\n<size>\n<base64 root>\n" then "<extension>\n" for each
  // extension. InvalidArgument when a field cannot be written (empty origin, root not 32 bytes,
  // a newline inside a line, an empty extension line).
  absl::StatusOr<std::string> Format() const;

  // Strict parse of a note text (including its final newline, without signatures). Rejects a
  // missing final newline, fewer than three lines, an empty line, a size that is not plain
  // decimal (no sign, no leading zeros except "0") or overflows 64 bits, and a root that is not
  // the canonical base64 of 32 bytes. Errors name the line.
  static absl::StatusOr<Checkpoint> Parse(std::string_view text);

  friend bool operator==(const Checkpoint& a, const Checkpoint& b) {
    return a.origin == b.origin && a.size == b.size && a.root_hash == b.root_hash &&
           a.extensions == b.extensions;
  }
  friend bool operator!=(const Checkpoint& a, const Checkpoint& b) { return !(a == b); }
};

}  // namespace poc

#endif  // POC_COMMON_CHECKPOINT_CHECKPOINT_H_
