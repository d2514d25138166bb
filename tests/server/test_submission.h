// A State's submission as the relay's checks hand it to the store, for the store's own tests.
#ifndef POC_TESTS_SERVER_TEST_SUBMISSION_H_
#define POC_TESTS_SERVER_TEST_SUBMISSION_H_

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "common/crypto/sha256.h"
#include "common/util/uuid_v7.h"
#include "server/relay_store.h"

namespace poc::testutil {

// A notification from `from` to the States `to`, with a fresh id and a stand-in envelope.
inline NewMessage TestSubmission(const std::string& from, const std::vector<std::string>& to) {
  NewMessage m;
  m.id = NewUuidV7(absl::Now());
  m.sender = from;
  m.envelope = "envelope of " + m.id;
  m.hash = Sha256(m.envelope);
  m.recipients = to;
  m.addressed_to = to;
  m.kind = v1::MESSAGE_TYPE_NOTIFICATION;
  m.relay_time = absl::Now();
  return m;
}

}  // namespace poc::testutil

#endif  // POC_TESTS_SERVER_TEST_SUBMISSION_H_
