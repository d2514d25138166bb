// The signing domain of a State's objection to an observer's accreditation
// (proto/poc/v1/observers.proto), beside the others in common/envelope/signed.h: sign and
// verify it with SignStatement / VerifyStatement.
#ifndef POC_COMMON_ENVELOPE_OBSERVER_OBJECTION_H_
#define POC_COMMON_ENVELOPE_OBSERVER_OBJECTION_H_

#include <string_view>

namespace poc {

inline constexpr std::string_view kObserverObjectionDomain = "poc/v1 observer-objection\n";

}  // namespace poc

#endif  // POC_COMMON_ENVELOPE_OBSERVER_OBJECTION_H_
