#include "server/observer_gate.h"

#include "server/observer_rules.h"

namespace poc {

absl::Status StoreObserverGate::Admit(const std::string& slug) const {
  absl::StatusOr<std::vector<v1::ObserverRecord>> records = store_->ObserverRecords();
  if (!records.ok()) {
    return absl::UnavailableError("cannot read observer accreditations: " +
                                  std::string(records.status().message()));
  }
  absl::Status admitted = AdmitObserver(slug, LatestForSlug(*records, slug), clock_->Now());
  if (absl::IsUnavailable(admitted)) {
    decider_->Wake();  // the silence period just ended: log the decision now
  }
  return admitted;
}

}  // namespace poc
