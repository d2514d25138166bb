// The words people type and read for the template's codes, and the deadlines that go with them.
//
// pocctl parses these words from flags and prints them in tables; they are the English
// command-line vocabulary, not translated labels. Parsing ignores case. Every parse error lists
// the accepted words, e.g. "'soon' is not an urgency; use routine, priority, urgent or flash".
#ifndef POC_COMMON_TEMPLATE_TEMPLATE_CODES_H_
#define POC_COMMON_TEMPLATE_TEMPLATE_CODES_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "poc/v1/template.pb.h"

namespace poc {

// notification | rfi (or request-for-information) | rfa (or request-for-assistance) |
// response | ack (or acknowledgement) | general. Exercise pings are sent by the relay only, so
// no word parses to MESSAGE_TYPE_EXERCISE_PING; it formats as "ping".
absl::StatusOr<v1::MessageType> ParseMessageType(std::string_view word);
// The short word: "notification", "rfi", "rfa", "response", "ack", "ping", "general".
// UNSPECIFIED formats as "unspecified" and a number this build does not know as "unknown(9)".
std::string MessageTypeWord(v1::MessageType type);
// The long form for people reading a message: "request for information".
std::string MessageTypeName(v1::MessageType type);

// routine | priority | urgent | flash.
absl::StatusOr<v1::Urgency> ParseUrgency(std::string_view word);
std::string UrgencyWord(v1::Urgency urgency);

// technical | diplomatic.
absl::StatusOr<v1::Level> ParseLevel(std::string_view word);
std::string LevelWord(v1::Level level);

// clear | green | amber | amber+strict | red (a leading "TLP:" is accepted, as TLP 2.0 writes
// it). Formats as the lowercase word; TlpLabel gives the TLP 2.0 label "TLP:AMBER+STRICT".
absl::StatusOr<v1::Tlp> ParseTlp(std::string_view word);
std::string TlpWord(v1::Tlp tlp);
std::string TlpLabel(v1::Tlp tlp);

// The time within which a recipient's operator is expected to acknowledge: routine 72 h,
// priority 24 h, urgent 4 h, flash 1 h. UNSPECIFIED and unknown values count as routine.
absl::Duration DefaultAckDeadline(v1::Urgency urgency);

}  // namespace poc

#endif  // POC_COMMON_TEMPLATE_TEMPLATE_CODES_H_
