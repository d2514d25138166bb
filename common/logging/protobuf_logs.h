// Protobuf's own log lines (such as "String field 'poc.v1.Template.subject' contains invalid
// UTF-8 data when parsing a protocol buffer", written once for every such message a peer sends)
// go through spdlog instead of straight to stderr, throttled like any flood of alike lines.
#ifndef POC_COMMON_LOGGING_PROTOBUF_LOGS_H_
#define POC_COMMON_LOGGING_PROTOBUF_LOGS_H_

namespace poc {

// Installs the handler for the whole process: protobuf warnings and errors (which peers can
// cause at will) are logged as warnings, at most 5 lines a minute for each distinct text, with
// the count of those held back. Call once, after SetupLogging.
void RouteProtobufLogsToSpdlog();

}  // namespace poc

#endif  // POC_COMMON_LOGGING_PROTOBUF_LOGS_H_
