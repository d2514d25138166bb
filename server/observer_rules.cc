#include "server/observer_rules.h"

#include <algorithm>

#include "common/util/time_format.h"

namespace poc {
namespace {

absl::Status CheckText(const std::string& field, const std::string& text, bool required) {
  if (required && text.empty()) {
    return absl::InvalidArgumentError(field + ": required");
  }
  if (text.size() > kMaxObserverTextChars) {
    return absl::InvalidArgumentError(field + ": at most " + std::to_string(kMaxObserverTextChars) +
                                      " bytes (it has " + std::to_string(text.size()) + ")");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidObserverSlug(std::string_view slug) {
  if (slug.empty() || slug.size() > 64) {
    return false;
  }
  return std::all_of(slug.begin(), slug.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

absl::Status ValidateProposalRequest(const v1::ProposeObserverRequest& request) {
  if (!IsValidObserverSlug(request.slug())) {
    return absl::InvalidArgumentError(
        "slug: '" + request.slug() +
        "' is not an observer slug (1-64 of a-z, 0-9 and '-', as in the observer certificate's "
        "urn:poc:observer:<slug>; `poc-pki show observer.crt` prints it)");
  }
  if (absl::Status s = CheckText("organization", request.organization(), true); !s.ok()) {
    return s;
  }
  if (request.kind() == v1::OBSERVER_KIND_UNSPECIFIED ||
      !v1::ObserverKind_IsValid(request.kind())) {
    return absl::InvalidArgumentError("kind: give one of ngo, company, academia, other");
  }
  return CheckText("purpose", request.purpose(), true);
}

absl::Status CheckNoOpenProposal(const std::vector<v1::ObserverRecord>& records,
                                 const std::string& slug) {
  for (const v1::ObserverRecord& r : records) {
    if (r.proposal().slug() != slug) {
      continue;
    }
    if (r.status() == v1::OBSERVER_STATUS_PENDING) {
      return absl::AlreadyExistsError("observer " + slug + " already has a pending proposal " +
                                      r.proposal().id() + " (silence period until " +
                                      FormatUtc(FromProto(r.proposal().silence_ends_at())) + ")");
    }
    if (r.status() == v1::OBSERVER_STATUS_ACCREDITED) {
      return absl::AlreadyExistsError("observer " + slug + " is already accredited (proposal " +
                                      r.proposal().id() + ")");
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> ObjectingStates(const v1::ObserverRecord& record) {
  std::vector<std::string> states;
  for (const v1::Signed& s : record.objections()) {
    v1::ObserverObjection objection;
    if (objection.ParseFromString(s.body())) {
      states.push_back(objection.state());
    }
  }
  return states;
}

absl::StatusOr<ObjectionEffect> JudgeObjection(const v1::ObserverRecord& record,
                                               const std::string& state, absl::Time now) {
  const std::vector<std::string> states = ObjectingStates(record);
  if (std::find(states.begin(), states.end(), state) != states.end()) {
    return ObjectionEffect::kDuplicate;
  }
  const absl::Time ends = FromProto(record.proposal().silence_ends_at());
  if (record.status() == v1::OBSERVER_STATUS_ACCREDITED) {
    return absl::FailedPreconditionError(
        "proposal " + record.proposal().id() + " (observer " + record.proposal().slug() +
        ") is already accredited: its silence period ended at " + FormatUtc(ends) +
        " without objection; objections are no longer accepted");
  }
  if (now >= ends) {
    return absl::FailedPreconditionError("the silence period of proposal " +
                                         record.proposal().id() + " (observer " +
                                         record.proposal().slug() + ") ended at " +
                                         FormatUtc(ends) + "; objections are no longer accepted");
  }
  return record.status() == v1::OBSERVER_STATUS_REJECTED ? ObjectionEffect::kRecord
                                                         : ObjectionEffect::kRecordAndReject;
}

bool DueForAccreditation(const v1::ObserverRecord& record, absl::Time now) {
  return record.status() == v1::OBSERVER_STATUS_PENDING && record.objections().empty() &&
         now >= FromProto(record.proposal().silence_ends_at());
}

const v1::ObserverRecord* LatestForSlug(const std::vector<v1::ObserverRecord>& records,
                                        const std::string& slug) {
  const v1::ObserverRecord* latest = nullptr;
  for (const v1::ObserverRecord& r : records) {
    if (r.proposal().slug() == slug &&
        (latest == nullptr ||
         FromProto(r.proposal().proposed_at()) >= FromProto(latest->proposal().proposed_at()))) {
      latest = &r;
    }
  }
  return latest;
}

absl::Status AdmitObserver(const std::string& slug, const v1::ObserverRecord* latest,
                           absl::Time now) {
  if (latest == nullptr) {
    return absl::PermissionDeniedError(
        "observer " + slug +
        " is not accredited: no accreditation was proposed; the Secretariat proposes one with "
        "`pocctl observer propose --slug " +
        slug + " ...`, and it takes effect if no State objects within the silence period");
  }
  const std::string& id = latest->proposal().id();
  const absl::Time ends = FromProto(latest->proposal().silence_ends_at());
  switch (latest->status()) {
    case v1::OBSERVER_STATUS_ACCREDITED:
      return absl::OkStatus();
    case v1::OBSERVER_STATUS_REJECTED:
      // Which State objected is not the observer's to learn.
      return absl::PermissionDeniedError(
          "observer " + slug + " is not accredited: proposal " + id +
          " was rejected because a State objected within the silence period; only a new "
          "proposal by the Secretariat, with a new silence period, can accredit it");
    default:
      break;
  }
  if (now >= ends) {
    return absl::UnavailableError("observer " + slug + ": the silence period of proposal " + id +
                                  " ended at " + FormatUtc(ends) +
                                  " and the relay is logging the accreditation; retry shortly");
  }
  return absl::PermissionDeniedError("observer " + slug + " is not accredited yet: proposal " + id +
                                     " is in its silence period until " + FormatUtc(ends) +
                                     "; access starts then if no State objects");
}

}  // namespace poc
