#include "server/drill_service.h"

#include <spdlog/spdlog.h>

#include "common/rpc/grpc_status.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "server/drill_rules.h"
#include "server/submit_answer.h"

namespace poc {
grpc::ServerUnaryReactor* DrillService::StartDrill(grpc::CallbackServerContext* context,
                                                   const v1::StartDrillRequest* request,
                                                   v1::StartDrillResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kStartDrill, *core_);
  if (!caller.ok()) {
    spdlog::warn("drill refused ({}): {}", context->peer(), caller.status().ToString());
    return FinishUnary(context, caller.status());
  }
  const absl::Time now = core_->clock->Now();
  absl::StatusOr<CheckedDrill> checked =
      CheckDrillRequest(*request, core_->directory->Get()->view, scheduler_->policy(), now);
  if (!checked.ok()) {
    spdlog::warn("drill refused: {}", checked.status().ToString());
    return FinishUnary(context, checked.status());
  }
  checked->drill.set_id(NewUuidV7(now));
  *checked->drill.mutable_started_at() = ToProto(now);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->escalations->StartDrill(
      std::move(checked->drill), std::move(checked->due),
      [this, reactor, response](absl::StatusOr<v1::StartDrillResponse> r) {
        if (!r.ok()) {
          reactor->Finish(ToGrpcStatus(r.status()));
          return;
        }
        spdlog::info("drill {} (\"{}\") started: {} step(s)", r->drill().id(),
                     r->drill().scenario().name(), r->steps_size());
        *response = *std::move(r);
        reactor->Finish(grpc::Status::OK);
        scheduler_->Wake();
      });
  return reactor;
}

grpc::ServerUnaryReactor* DrillService::ListDrills(grpc::CallbackServerContext* context,
                                                   const v1::ListDrillsRequest* /*request*/,
                                                   v1::ListDrillsResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kListDrills, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  absl::StatusOr<std::vector<v1::Drill>> drills = core_->escalations->Drills();
  if (!drills.ok()) {
    return FinishUnary(context, drills.status());
  }
  for (v1::Drill& d : *drills) {
    *response->add_drills() = std::move(d);
  }
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* DrillService::GetDrillReport(grpc::CallbackServerContext* context,
                                                       const v1::GetDrillReportRequest* request,
                                                       v1::GetDrillReportResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kGetDrillReport, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  absl::StatusOr<v1::GetDrillReportResponse> report =
      core_->escalations->DrillReport(request->drill_id(), core_->clock->Now());
  if (!report.ok()) {
    return FinishUnary(context, report.status());
  }
  *response = *std::move(report);
  return FinishUnary(context, absl::OkStatus());
}

bool IsDrillAcknowledgement(RelayCore* core, const NewMessage& message) {
  if (core->escalations == nullptr) {
    return false;
  }
  absl::StatusOr<bool> drill = core->escalations->IsDrillMessage(message.in_reply_to);
  return drill.ok() && *drill;
}

void SubmitDrillAcknowledgement(RelayCore* core, NewMessage message,
                                grpc::ServerUnaryReactor* reactor, grpc::ByteBuffer* raw_response) {
  const RelaySigner* signer = core->signer;
  auto receipt_fields = std::make_shared<NewMessage>(message);
  receipt_fields->envelope.clear();
  ReceiptMaker make_receipt = [signer, receipt_fields](uint64_t audit_index) {
    return signer->SubmitReceipt(receipt_fields->id, receipt_fields->hash, audit_index,
                                 receipt_fields->relay_time, {});
  };
  const std::string id = message.id;
  const std::string sender = message.sender;
  const std::string drill_message = message.in_reply_to;
  core->escalations->RecordDrillAcknowledgement(
      std::move(message), std::move(make_receipt),
      [core, reactor, raw_response, id, sender, drill_message](absl::StatusOr<SubmitOutcome> out) {
        if (!out.ok()) {
          spdlog::warn("acknowledgement {} of drill message {} from {} refused: {}", id,
                       drill_message, sender, out.status().ToString());
          reactor->Finish(ToGrpcStatus(out.status()));
          return;
        }
        const grpc::Status answered = WriteSubmitAnswer(*out, *core->metrics, raw_response);
        if (answered.ok()) {
          spdlog::info("{} acknowledged drill message {}{}", sender, drill_message,
                       out->duplicate ? " (again: original receipt returned)" : "");
        }
        reactor->Finish(answered);
      });
}

}  // namespace poc
