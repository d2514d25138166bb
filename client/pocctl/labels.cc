#include "client/pocctl/labels.h"

namespace poc::pocctl {
namespace {

constexpr Labels kEnglish = {
    /*message=*/"Message",
    /*type=*/"Type",
    /*from=*/"From",
    /*to=*/"To",
    /*created=*/"Created",
    /*in_reply_to=*/"In reply to",
    /*drill=*/"Drill",
    /*urgency=*/"Urgency",
    /*level=*/"Level",
    /*tlp=*/"Handling",
    /*language=*/"Language",
    /*category=*/"Category",
    /*sectors=*/"Sectors",
    /*observed_at=*/"Observed at",
    /*respond_by=*/"Respond by",
    /*subject=*/"Subject",
    /*summary=*/"Summary",
    /*description=*/"Description",
    /*indicators=*/"Indicators",
    /*stix_bundle=*/"STIX bundle",
    /*requested_action=*/"Requested action",
    /*signed_by_key=*/"Signed with key",
    /*audit_index=*/"Audit index",
    /*outbox_state=*/"State",
    /*error=*/"Error",
    /*received=*/"Received",
    /*acknowledged=*/"Acknowledged",
    /*delivered=*/"Delivered",
    /*recipients=*/"Recipients",
    /*replies=*/"Replies",
    /*node_state=*/"State",
    /*relay=*/"Relay",
    /*connected=*/"Connected",
    /*last_error=*/"Last error",
    /*directory_version=*/"Directory version",
    /*outbox=*/"Outbox",
    /*inbox=*/"Inbox",
    /*signing_key=*/"Signing key",
    /*software=*/"Software",
    /*audit_witness=*/"Audit log",
    /*alarm=*/"ALARM",
    /*state_name=*/"Name",
    /*bodies=*/"Authorized bodies",
    /*contact=*/"Contact",
    /*key=*/"Signing key",
    /*certificate=*/"Node certificate",
    /*groups=*/"Groups",
};

}  // namespace

const Labels& LabelsFor(std::string_view /*lang*/) { return kEnglish; }

}  // namespace poc::pocctl
