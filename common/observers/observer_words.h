// The words operators and logs use for an observer accreditation's kind and status
// (proto/poc/v1/observers.proto), shared by the relay and pocctl.
#ifndef POC_COMMON_OBSERVERS_OBSERVER_WORDS_H_
#define POC_COMMON_OBSERVERS_OBSERVER_WORDS_H_

#include <string_view>

#include "poc/v1/observers.pb.h"

namespace poc {

// "ngo", "company", "academia", "other"; "" for an unspecified kind.
const char* ObserverKindWord(v1::ObserverKind kind);
// The kind `word` names, or OBSERVER_KIND_UNSPECIFIED.
v1::ObserverKind ParseObserverKind(std::string_view word);
// "pending", "accredited", "rejected"; "unknown" otherwise.
const char* ObserverStatusWord(v1::ObserverStatus status);

}  // namespace poc

#endif  // POC_COMMON_OBSERVERS_OBSERVER_WORDS_H_
