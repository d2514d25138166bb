// The Exercises gRPC service (proto/poc/v1/exercises.proto): the Secretariat schedules and
// cancels ping exercises; the Secretariat, States and accredited observers list them and read
// their reports. The rules are server/exercise_rules.h; runs are fired and closed by
// server/exercise_scheduler.h; States' acknowledgements of pings come in by Relay.Submit
// (SubmitExerciseAcknowledgement below).
#ifndef POC_SERVER_EXERCISE_SERVICE_H_
#define POC_SERVER_EXERCISE_SERVICE_H_

#include <grpcpp/support/byte_buffer.h>

#include "poc/v1/exercises.grpc.pb.h"
#include "poc/v1/relay.pb.h"
#include "server/exercise_scheduler.h"
#include "server/relay_core.h"

namespace poc {

// Thread-safe; `*core` (with core->exercises set) and `*scheduler` must outlive the server this
// service is registered with. Writes finish from the store's thread once durable; reads are
// quick and made inline.
class ExerciseService final : public v1::Exercises::CallbackService {
 public:
  ExerciseService(RelayCore* core, ExerciseScheduler* scheduler)
      : core_(core), scheduler_(scheduler) {}

  grpc::ServerUnaryReactor* CreateExercise(grpc::CallbackServerContext* context,
                                           const v1::CreateExerciseRequest* request,
                                           v1::CreateExerciseResponse* response) override;
  grpc::ServerUnaryReactor* ListExercises(grpc::CallbackServerContext* context,
                                          const v1::ListExercisesRequest* request,
                                          v1::ListExercisesResponse* response) override;
  grpc::ServerUnaryReactor* GetExercise(grpc::CallbackServerContext* context,
                                        const v1::GetExerciseRequest* request,
                                        v1::GetExerciseResponse* response) override;
  grpc::ServerUnaryReactor* CancelExercise(grpc::CallbackServerContext* context,
                                           const v1::CancelExerciseRequest* request,
                                           v1::CancelExerciseResponse* response) override;
  grpc::ServerUnaryReactor* GetExerciseReport(grpc::CallbackServerContext* context,
                                              const v1::GetExerciseReportRequest* request,
                                              v1::GetExerciseReportResponse* response) override;

 private:
  RelayCore* const core_;
  ExerciseScheduler* const scheduler_;
};

// True for a checked submission that acknowledges an exercise ping: an ACKNOWLEDGEMENT
// addressed to "secretariat" alone.
bool IsExerciseAcknowledgement(const NewMessage& message);

// Stores and logs a State's checked acknowledgement of an exercise ping (its envelope is
// `envelope`) and finishes `reactor` with the relay's signed receipt in `*raw_response`, as Submit
// does for any message; or with the refusal (INVALID_ARGUMENT: not a ping the relay sent to that
// State; FAILED_PRECONDITION: acknowledged before with another message).
void SubmitExerciseAcknowledgement(RelayCore* core, NewMessage message,
                                   const v1::Envelope& envelope, grpc::ServerUnaryReactor* reactor,
                                   grpc::ByteBuffer* raw_response);

}  // namespace poc

#endif  // POC_SERVER_EXERCISE_SERVICE_H_
