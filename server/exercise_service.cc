#include "server/exercise_service.h"

#include <spdlog/spdlog.h>

#include "common/exercises/exercise_words.h"
#include "common/rpc/grpc_status.h"
#include "common/template/validation.h"
#include "common/util/duration_proto.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "poc/v1/message.pb.h"
#include "server/submit_answer.h"

namespace poc {
namespace {

absl::StatusOr<v1::ExerciseRecord> FindExercise(ExerciseStore* store, const std::string& id) {
  absl::StatusOr<std::vector<v1::ExerciseRecord>> records = store->ExerciseRecords();
  if (!records.ok()) {
    return records.status();
  }
  for (v1::ExerciseRecord& r : *records) {
    if (r.exercise().id() == id) {
      return std::move(r);
    }
  }
  return absl::NotFoundError("no exercise has id '" + id + "'; `pocctl exercise list` shows them");
}

}  // namespace

grpc::ServerUnaryReactor* ExerciseService::CreateExercise(grpc::CallbackServerContext* context,
                                                          const v1::CreateExerciseRequest* request,
                                                          v1::CreateExerciseResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kCreateExercise, *core_);
  if (!caller.ok()) {
    spdlog::warn("exercise refused ({}): {}", context->peer(), caller.status().ToString());
    return FinishUnary(context, caller.status());
  }
  const absl::Time now = core_->clock->Now();
  absl::StatusOr<v1::Exercise> exercise =
      CheckExerciseRequest(*request, core_->directory->Get()->view, now);
  if (!exercise.ok()) {
    spdlog::warn("exercise refused: {}", exercise.status().ToString());
    return FinishUnary(context, exercise.status());
  }
  exercise->set_id(NewUuidV7(now));
  *exercise->mutable_created_at() = ToProto(now);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->exercises->CreateExercise(
      *std::move(exercise), [this, reactor, response](absl::StatusOr<v1::ExerciseRecord> r) {
        if (!r.ok()) {
          reactor->Finish(ToGrpcStatus(r.status()));
          return;
        }
        const v1::Exercise& e = r->exercise();
        spdlog::info(
            "exercise {} (\"{}\") scheduled: {} mode, first run at {}{}, deadline {}", e.id(),
            e.name(), ExerciseModeWord(e.mode()), FormatUtc(FromProto(e.first_run_at())),
            e.has_every() ? ", every " + ExerciseDurationWord(DurationFromProto(e.every())) : "",
            ExerciseDurationWord(DurationFromProto(e.deadline())));
        *response->mutable_record() = *std::move(r);
        reactor->Finish(grpc::Status::OK);
        scheduler_->Wake();
      });
  return reactor;
}

grpc::ServerUnaryReactor* ExerciseService::ListExercises(grpc::CallbackServerContext* context,
                                                         const v1::ListExercisesRequest*,
                                                         v1::ListExercisesResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kListExercises, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  absl::StatusOr<std::vector<v1::ExerciseRecord>> records = core_->exercises->ExerciseRecords();
  if (!records.ok()) {
    return FinishUnary(context, records.status());
  }
  for (v1::ExerciseRecord& r : *records) {
    *response->add_records() = std::move(r);
  }
  *response->mutable_relay_time() = ToProto(core_->clock->Now());
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ExerciseService::GetExercise(grpc::CallbackServerContext* context,
                                                       const v1::GetExerciseRequest* request,
                                                       v1::GetExerciseResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kGetExercise, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  absl::StatusOr<v1::ExerciseRecord> record =
      FindExercise(core_->exercises, request->exercise_id());
  if (!record.ok()) {
    return FinishUnary(context, record.status());
  }
  *response->mutable_record() = *std::move(record);
  *response->mutable_relay_time() = ToProto(core_->clock->Now());
  return FinishUnary(context, absl::OkStatus());
}

grpc::ServerUnaryReactor* ExerciseService::CancelExercise(grpc::CallbackServerContext* context,
                                                          const v1::CancelExerciseRequest* request,
                                                          v1::CancelExerciseResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kCancelExercise, *core_);
  if (!caller.ok()) {
    spdlog::warn("exercise cancellation refused ({}): {}", context->peer(),
                 caller.status().ToString());
    return FinishUnary(context, caller.status());
  }
  if (request->reason().size() > 2000) {
    return FinishUnary(context, absl::InvalidArgumentError("reason: at most 2000 bytes"));
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->exercises->CancelExercise(request->exercise_id(), request->reason(), core_->clock->Now(),
                                   [this, reactor, response](absl::StatusOr<v1::ExerciseRecord> r) {
                                     if (!r.ok()) {
                                       reactor->Finish(ToGrpcStatus(r.status()));
                                       return;
                                     }
                                     spdlog::info("exercise {} (\"{}\") cancelled: {}",
                                                  r->exercise().id(), r->exercise().name(),
                                                  r->cancel_reason());
                                     *response->mutable_record() = *std::move(r);
                                     reactor->Finish(grpc::Status::OK);
                                     scheduler_->Wake();
                                   });
  return reactor;
}

grpc::ServerUnaryReactor* ExerciseService::GetExerciseReport(
    grpc::CallbackServerContext* context, const v1::GetExerciseReportRequest* request,
    v1::GetExerciseReportResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kGetExerciseReport, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  absl::StatusOr<v1::ExerciseRecord> record =
      FindExercise(core_->exercises, request->exercise_id());
  if (!record.ok()) {
    return FinishUnary(context, record.status());
  }
  const v1::Exercise& exercise = record->exercise();
  if (record->runs().empty()) {
    return FinishUnary(
        context, absl::FailedPreconditionError(
                     "exercise " + exercise.id() + " has not run yet" +
                     (record->status() == v1::EXERCISE_STATUS_SCHEDULED
                          ? "; its first run is at " + FormatUtc(FromProto(record->next_run_at()))
                          : std::string())));
  }
  const v1::ExerciseRun* chosen = &record->runs(record->runs_size() - 1);
  if (request->run() != 0) {
    chosen = nullptr;
    for (const v1::ExerciseRun& run : record->runs()) {
      if (run.number() == request->run()) {
        chosen = &run;
      }
    }
    if (chosen == nullptr) {
      return FinishUnary(context,
                         absl::NotFoundError("exercise " + exercise.id() + " has no run " +
                                             std::to_string(request->run()) + " (" +
                                             std::to_string(record->runs_size()) +
                                             " fired; `pocctl exercise show` lists them)"));
    }
  }
  const absl::Time now = core_->clock->Now();
  auto directory = core_->directory->Get();
  for (const v1::ExerciseRun& run : record->runs()) {
    absl::StatusOr<std::vector<TargetAnswer>> answers = core_->exercises->RunAnswers(run.ping_id());
    if (!answers.ok()) {
      return FinishUnary(context, answers.status());
    }
    v1::ExerciseRunReport report =
        BuildExerciseRunReport(run, exercise.mode(), *answers, &directory->view, now);
    v1::ExerciseRunSummary* point = response->add_trend();
    point->set_run(run.number());
    *point->mutable_fired_at() = run.fired_at();
    point->set_late(run.late());
    point->set_closed(IsSet(run.closed_at()));
    *point->mutable_total() = report.total();
    if (&run == chosen) {
      *response->mutable_report() = std::move(report);
    }
  }
  *response->mutable_exercise() = exercise;
  *response->mutable_relay_time() = ToProto(now);
  return FinishUnary(context, absl::OkStatus());
}

bool IsExerciseAcknowledgement(const NewMessage& message) {
  return message.kind == v1::MESSAGE_TYPE_ACKNOWLEDGEMENT && message.addressed_to.size() == 1 &&
         message.addressed_to.front() == kSecretariatAddress;
}

void SubmitExerciseAcknowledgement(RelayCore* core, NewMessage message,
                                   const v1::Envelope& envelope, grpc::ServerUnaryReactor* reactor,
                                   grpc::ByteBuffer* raw_response) {
  v1::Message parsed;  // the bytes were verified by CheckSubmission; only the flag is needed
  const bool automatic = parsed.ParseFromString(envelope.message()) && parsed.automatic();
  const RelaySigner* signer = core->signer;
  auto receipt_fields = std::make_shared<NewMessage>(message);
  receipt_fields->envelope.clear();
  ReceiptMaker make_receipt = [signer, receipt_fields](uint64_t audit_index) {
    return signer->SubmitReceipt(receipt_fields->id, receipt_fields->hash, audit_index,
                                 receipt_fields->relay_time, {});
  };
  const std::string id = message.id;
  const std::string sender = message.sender;
  const std::string ping = message.in_reply_to;
  core->exercises->RecordExerciseAcknowledgement(
      std::move(message), automatic, std::move(make_receipt),
      [core, reactor, raw_response, id, sender, ping,
       automatic](absl::StatusOr<SubmitOutcome> out) {
        if (!out.ok()) {
          spdlog::warn("acknowledgement {} of exercise ping {} from {} refused: {}", id, ping,
                       sender, out.status().ToString());
          reactor->Finish(ToGrpcStatus(out.status()));
          return;
        }
        const grpc::Status answered = WriteSubmitAnswer(*out, *core->metrics, raw_response);
        if (answered.ok()) {
          spdlog::info("{} acknowledged exercise ping {}{}{}", sender, ping,
                       automatic ? " (automatically, by its node)" : "",
                       out->duplicate ? " (again: original receipt returned)" : "");
        }
        reactor->Finish(answered);
      });
}

}  // namespace poc
