#include "server/observer_service.h"

#include <spdlog/spdlog.h>

#include "common/envelope/observer_objection.h"
#include "common/envelope/signed.h"
#include "common/observers/observer_words.h"
#include "common/rpc/grpc_status.h"
#include "common/util/time_format.h"
#include "common/util/uuid_v7.h"
#include "server/observer_rules.h"

namespace poc {
grpc::ServerUnaryReactor* ObserverService::ProposeObserver(
    grpc::CallbackServerContext* context, const v1::ProposeObserverRequest* request,
    v1::ProposeObserverResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kProposeObserver, *core_);
  if (!caller.ok()) {
    spdlog::warn("observer proposal refused ({}): {}", context->peer(), caller.status().ToString());
    return FinishUnary(context, caller.status());
  }
  if (absl::Status s = ValidateProposalRequest(*request); !s.ok()) {
    return FinishUnary(context, s);
  }
  const absl::Time now = core_->clock->Now();
  v1::ObserverProposal proposal;
  proposal.set_id(NewUuidV7(now));
  proposal.set_slug(request->slug());
  proposal.set_organization(request->organization());
  proposal.set_kind(request->kind());
  proposal.set_purpose(request->purpose());
  *proposal.mutable_proposed_at() = ToProto(now);
  *proposal.mutable_silence_ends_at() = ToProto(now + silence_period_);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->store->ProposeObserver(
      std::move(proposal), [this, reactor, response](absl::StatusOr<v1::ObserverRecord> r) {
        if (!r.ok()) {
          reactor->Finish(ToGrpcStatus(r.status()));
          return;
        }
        const v1::ObserverProposal& p = r->proposal();
        spdlog::warn(
            "observer accreditation proposed: {} ({}), proposal {}; it takes effect at {} unless "
            "a State objects",
            p.slug(), p.organization(), p.id(), FormatUtc(FromProto(p.silence_ends_at())));
        *response->mutable_record() = *std::move(r);
        reactor->Finish(grpc::Status::OK);
        decider_->Wake();
      });
  return reactor;
}

absl::StatusOr<v1::ObserverObjection> ObserverService::VerifyObjection(const v1::Signed& statement,
                                                                       const std::string& caller,
                                                                       absl::Time now) const {
  auto directory = core_->directory->Get();
  const KeyEntry* key = directory->view.FindKey(statement.key_id());
  if (key == nullptr) {
    return absl::UnauthenticatedError("the objection is signed with key " + statement.key_id() +
                                      ", which is not in the directory (version " +
                                      std::to_string(directory->view.version()) + ")");
  }
  if (key->state != caller) {
    return absl::PermissionDeniedError("the objection is signed with a key of " + key->state +
                                       ", but the caller's certificate is " + caller +
                                       "'s; a State objects only for itself");
  }
  if (absl::Status s = VerifyStatement(kObserverObjectionDomain, statement, key->key); !s.ok()) {
    return absl::UnauthenticatedError("the objection's signature does not verify with key " +
                                      statement.key_id() + " of " + caller);
  }
  v1::ObserverObjection objection;
  if (!objection.ParseFromString(statement.body())) {
    return absl::InvalidArgumentError("the signed objection is not a poc.v1.ObserverObjection");
  }
  if (objection.state() != caller) {
    return absl::PermissionDeniedError("the objection names State '" + objection.state() +
                                       "', but the caller's certificate is " + caller + "'s");
  }
  if (absl::Status s = key->CheckUsableAt(now); !s.ok()) {
    return s;
  }
  if (objection.reason().size() > kMaxObserverTextChars) {
    return absl::InvalidArgumentError("reason: at most " + std::to_string(kMaxObserverTextChars) +
                                      " bytes");
  }
  if (!IsSet(objection.objected_at()) ||
      FromProto(objection.objected_at()) > now + core_->limits.clock_skew) {
    return absl::InvalidArgumentError(
        "objected_at: missing or ahead of the relay's clock by more than " +
        absl::FormatDuration(core_->limits.clock_skew) + "; check the node's clock");
  }
  return objection;
}

grpc::ServerUnaryReactor* ObserverService::ObjectToObserver(
    grpc::CallbackServerContext* context, const v1::ObjectToObserverRequest* request,
    v1::ObjectToObserverResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kObjectToObserver, *core_);
  if (!caller.ok()) {
    spdlog::warn("observer objection refused ({}): {}", context->peer(),
                 caller.status().ToString());
    return FinishUnary(context, caller.status());
  }
  const absl::Time now = core_->clock->Now();
  auto objection = VerifyObjection(request->objection(), caller->name, now);
  if (!objection.ok()) {
    spdlog::warn("observer objection from {} refused: {}", caller->name,
                 objection.status().ToString());
    return FinishUnary(context, objection.status());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string state = caller->name;
  core_->store->ObjectToObserver(
      objection->proposal_id(), state, request->objection(), now,
      [reactor, response, state](absl::StatusOr<ObjectionOutcome> out) {
        if (!out.ok()) {
          spdlog::warn("observer objection from {} refused: {}", state, out.status().ToString());
          reactor->Finish(ToGrpcStatus(out.status()));
          return;
        }
        const v1::ObserverProposal& p = out->record.proposal();
        if (out->duplicate) {
          spdlog::info("{} objected again to proposal {} (observer {}); nothing changed", state,
                       p.id(), p.slug());
        } else {
          spdlog::warn("{} objected to proposal {} (observer {}): the accreditation is {}", state,
                       p.id(), p.slug(), ObserverStatusWord(out->record.status()));
        }
        *response->mutable_record() = std::move(out->record);
        response->set_duplicate(out->duplicate);
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* ObserverService::ListObservers(grpc::CallbackServerContext* context,
                                                         const v1::ListObserversRequest*,
                                                         v1::ListObserversResponse* response) {
  auto caller = AuthorizeCaller(context, Rpc::kListObservers, *core_);
  if (!caller.ok()) {
    return FinishUnary(context, caller.status());
  }
  auto records = core_->store->ObserverRecords();
  if (!records.ok()) {
    return FinishUnary(context, records.status());
  }
  const absl::Time now = core_->clock->Now();
  for (v1::ObserverRecord& r : *records) {
    if (DueForAccreditation(r, now)) {
      decider_->Wake();  // shown PENDING until the decision is logged, a moment from now
    }
    if (caller->role == Role::kObserver) {
      if (r.proposal().slug() != caller->name) {
        continue;
      }
      r.clear_objections();  // which State objected is the States' business
    }
    *response->add_records() = std::move(r);
  }
  *response->mutable_relay_time() = ToProto(now);
  return FinishUnary(context, absl::OkStatus());
}

}  // namespace poc
