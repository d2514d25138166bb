// The Drills gRPC service (proto/poc/v1/escalation.proto): the Secretariat starts escalation
// drills and reads their reports (States too: a drill is about them). The rules are
// server/drill_rules.h; steps, reminders and escalations are fired by
// server/escalation_scheduler.h; States' acknowledgements of drill messages come in by
// Relay.Submit (SubmitDrillAcknowledgement below).
#ifndef POC_SERVER_DRILL_SERVICE_H_
#define POC_SERVER_DRILL_SERVICE_H_

#include <grpcpp/support/byte_buffer.h>

#include "poc/v1/envelope.pb.h"
#include "poc/v1/escalation.grpc.pb.h"
#include "server/escalation_scheduler.h"
#include "server/relay_core.h"

namespace poc {

// Thread-safe; `*core` (with core->escalations set) and `*scheduler` must outlive the server
// this service is registered with.
class DrillService final : public v1::Drills::CallbackService {
 public:
  DrillService(RelayCore* core, EscalationScheduler* scheduler)
      : core_(core), scheduler_(scheduler) {}

  grpc::ServerUnaryReactor* StartDrill(grpc::CallbackServerContext* context,
                                       const v1::StartDrillRequest* request,
                                       v1::StartDrillResponse* response) override;
  grpc::ServerUnaryReactor* ListDrills(grpc::CallbackServerContext* context,
                                       const v1::ListDrillsRequest* request,
                                       v1::ListDrillsResponse* response) override;
  grpc::ServerUnaryReactor* GetDrillReport(grpc::CallbackServerContext* context,
                                           const v1::GetDrillReportRequest* request,
                                           v1::GetDrillReportResponse* response) override;

 private:
  RelayCore* const core_;
  EscalationScheduler* const scheduler_;
};

// True when `message` (an acknowledgement addressed to "secretariat") answers a drill message.
bool IsDrillAcknowledgement(RelayCore* core, const NewMessage& message);

// Stores and logs a State's checked acknowledgement of a drill message and finishes `reactor`
// with the relay's signed receipt, as Submit does for any message; or with the refusal.
void SubmitDrillAcknowledgement(RelayCore* core, NewMessage message,
                                grpc::ServerUnaryReactor* reactor, grpc::ByteBuffer* raw_response);

}  // namespace poc

#endif  // POC_SERVER_DRILL_SERVICE_H_
