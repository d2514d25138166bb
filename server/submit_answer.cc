#include "server/submit_answer.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include "poc/v1/relay.pb.h"

namespace poc {

grpc::Status WriteSubmitAnswer(const SubmitOutcome& outcome, RelayMetrics& metrics,
                               grpc::ByteBuffer* raw_response) {
  v1::SubmitResponse response;
  if (!response.mutable_receipt()->ParseFromString(outcome.receipt)) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "stored receipt is damaged");
  }
  response.set_duplicate(outcome.duplicate);
  (outcome.duplicate ? metrics.submits_duplicate : metrics.submits_accepted).fetch_add(1);
  bool own_buffer = false;
  return grpc::SerializationTraits<v1::SubmitResponse>::Serialize(response, raw_response,
                                                                  &own_buffer);
}

}  // namespace poc
