// RETURN_IF_ERROR / ASSIGN_OR_RETURN: Debian's Abseil ships no status_macros.h.
#ifndef POC_COMMON_STATUS_MACROS_H_
#define POC_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define POC_CONCAT_INNER_(a, b) a##b
#define POC_CONCAT_(a, b) POC_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function when `expr` is not OK.
#define RETURN_IF_ERROR(expr)                   \
  do {                                          \
    ::absl::Status poc_status_ = (expr);        \
    if (!poc_status_.ok()) return poc_status_;  \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else moves the value
// into `lhs`, which may be a declaration (`auto x`) or an existing variable.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  ASSIGN_OR_RETURN_IMPL_(POC_CONCAT_(poc_statusor_, __LINE__), lhs, rexpr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                           \
  if (!statusor.ok()) return statusor.status();      \
  lhs = std::move(statusor).value()

#endif  // POC_COMMON_STATUS_MACROS_H_
