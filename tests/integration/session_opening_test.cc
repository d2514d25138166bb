// A node's session opening at the moment a message to its State is committed: the message is
// delivered at once, not when the next message to that State happens to wake the session.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/integration/message_factory.h"
#include "tests/integration/test_network.h"

namespace poc::testing {
namespace {

TEST(SessionOpeningTest, MessageCommittedWhileTheSessionRegistersIsDeliveredWithoutAnother) {
  TestNetwork net({"FRA", "KEN"});
  // The relay's seam (server/relay_session.cc): each new session waits 3 s between reading its
  // queue and registering to be woken.
  ::setenv("POC_TEST_SESSION_REGISTER_DELAY_MS", "3000", 1);
  net.StartRelay();
  ::unsetenv("POC_TEST_SESSION_REGISTER_DELAY_MS");
  ASSERT_FALSE(HasFatalFailure());
  net.StartNode("FRA");
  ASSERT_TRUE(WaitFor([&] { return net.NodeConnected("FRA"); })) << net.node("FRA").Log();
  net.StartNode("KEN");
  ASSERT_TRUE(WaitFor([&] {
    return net.relay().Log().find("the session of KEN read its queue") != std::string::npos;
  })) << net.relay().Log();

  // KEN's session has read its empty queue and is not registered yet when this is committed.
  v1::SendRequest request;
  request.add_recipients("KEN");
  request.set_kind(v1::MESSAGE_TYPE_NOTIFICATION);
  *request.mutable_template_() = MakeMessage("FRA", {"KEN"}).template_();
  grpc::ClientContext ctx;
  SetTestDeadline(&ctx);
  v1::SendResponse sent;
  ASSERT_TRUE(net.Control("FRA")->Send(&ctx, request, &sent).ok());
  ASSERT_EQ(sent.state(), v1::OUTBOX_STATE_SUBMITTED) << sent.error();

  // No other message to KEN follows: only the session itself can fetch this one.
  ASSERT_TRUE(WaitFor([&] {
    grpc::ClientContext show_ctx;
    SetTestDeadline(&show_ctx);
    v1::ShowRequest show;
    show.set_message_id(sent.message_id());
    v1::ShowResponse shown;
    return net.Control("KEN")->Show(&show_ctx, show, &shown).ok();
  })) << net.relay().Log();
}

}  // namespace
}  // namespace poc::testing
