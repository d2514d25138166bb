// The answer to a Submit call once the store has committed (or found a duplicate): the
// relay-signed receipt and the duplicate flag, serialized for the raw Submit handler.
#ifndef POC_SERVER_SUBMIT_ANSWER_H_
#define POC_SERVER_SUBMIT_ANSWER_H_

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/status.h>

#include "server/relay_metrics.h"
#include "server/relay_store.h"

namespace poc {

// Writes the poc.v1.SubmitResponse for `outcome` into `*raw_response` and counts it in
// `metrics` (accepted or duplicate). Returns the status to finish the call with: OK, or INTERNAL
// when the stored receipt does not parse.
grpc::Status WriteSubmitAnswer(const SubmitOutcome& outcome, RelayMetrics& metrics,
                               grpc::ByteBuffer* raw_response);

}  // namespace poc

#endif  // POC_SERVER_SUBMIT_ANSWER_H_
