// The silence procedure for accrediting observers (DESIGN.md, "Principles": States decide),
// as pure functions of a proposal's record and the relay's time, so that the store, the RPC
// handlers and the access check all apply the same rules and tests can run them without a
// relay.
//
// A proposal is PENDING until its silence period ends. The first State's objection before
// then makes it REJECTED at once; further objections are recorded too; the same State
// objecting again changes nothing. When the period ends without objection the relay logs it
// ACCREDITED, and only then may the observer certificate with that slug use its read-only
// access. Objections after the end are refused.
#ifndef POC_SERVER_OBSERVER_RULES_H_
#define POC_SERVER_OBSERVER_RULES_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/observers.pb.h"

namespace poc {

inline constexpr size_t kMaxObserverTextChars = 2000;

// The slug rule of observer certificates (urn:poc:observer:<slug>): 1-64 of [a-z0-9-].
bool IsValidObserverSlug(std::string_view slug);

// INVALID_ARGUMENT naming the field (slug, organization, kind, purpose) and how to fix it.
absl::Status ValidateProposalRequest(const v1::ProposeObserverRequest& request);

// ALREADY_EXISTS when a PENDING or ACCREDITED proposal already names `slug`; after a REJECTED
// one the Secretariat may propose again.
absl::Status CheckNoOpenProposal(const std::vector<v1::ObserverRecord>& records,
                                 const std::string& slug);

// The States whose signed objections the record holds, in arrival order (bodies that do not
// parse are skipped; the relay stores only verified ones).
std::vector<std::string> ObjectingStates(const v1::ObserverRecord& record);

enum class ObjectionEffect {
  kDuplicate,        // this State objected before: nothing changes
  kRecord,           // recorded and logged; the proposal was already REJECTED
  kRecordAndReject,  // the first objection: recorded, logged, and the proposal REJECTED
};

// What a verified objection by `state`, received at relay time `now`, does to `record`.
// FAILED_PRECONDITION, naming the time, when the silence period is over (or the proposal was
// already ACCREDITED).
absl::StatusOr<ObjectionEffect> JudgeObjection(const v1::ObserverRecord& record,
                                               const std::string& state, absl::Time now);

// True when the relay must now log `record` ACCREDITED: PENDING, no objection, and its
// silence period ended at or before `now`.
bool DueForAccreditation(const v1::ObserverRecord& record, absl::Time now);

// The most recent proposal naming `slug`, or null.
const v1::ObserverRecord* LatestForSlug(const std::vector<v1::ObserverRecord>& records,
                                        const std::string& slug);

// OK when the observer certificate with `slug` may use its read-only access: its latest
// proposal was logged ACCREDITED. Otherwise PERMISSION_DENIED saying where the accreditation
// stands and what to do, or UNAVAILABLE (retry shortly) when the silence period has just ended
// and the relay has not logged the decision yet.
absl::Status AdmitObserver(const std::string& slug, const v1::ObserverRecord* latest,
                           absl::Time now);

}  // namespace poc

#endif  // POC_SERVER_OBSERVER_RULES_H_
