#include "common/observers/observer_words.h"

namespace poc {

const char* ObserverKindWord(v1::ObserverKind kind) {
  switch (kind) {
    case v1::OBSERVER_KIND_NGO:
      return "ngo";
    case v1::OBSERVER_KIND_COMPANY:
      return "company";
    case v1::OBSERVER_KIND_ACADEMIA:
      return "academia";
    case v1::OBSERVER_KIND_OTHER:
      return "other";
    default:
      return "";
  }
}

v1::ObserverKind ParseObserverKind(std::string_view word) {
  for (v1::ObserverKind k : {v1::OBSERVER_KIND_NGO, v1::OBSERVER_KIND_COMPANY,
                             v1::OBSERVER_KIND_ACADEMIA, v1::OBSERVER_KIND_OTHER}) {
    if (word == ObserverKindWord(k)) {
      return k;
    }
  }
  return v1::OBSERVER_KIND_UNSPECIFIED;
}

const char* ObserverStatusWord(v1::ObserverStatus status) {
  switch (status) {
    case v1::OBSERVER_STATUS_PENDING:
      return "pending";
    case v1::OBSERVER_STATUS_ACCREDITED:
      return "accredited";
    case v1::OBSERVER_STATUS_REJECTED:
      return "rejected";
    default:
      return "unknown";
  }
}

}  // namespace poc
