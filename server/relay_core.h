// What the relay's RPC handlers share. Owned by main (or a test); outlives the gRPC server.
#ifndef POC_SERVER_RELAY_CORE_H_
#define POC_SERVER_RELAY_CORE_H_

#include <boost/asio/thread_pool.hpp>

#include "common/util/clock.h"
#include "server/access_policy.h"
#include "server/directory_holder.h"
#include "server/relay_metrics.h"
#include "server/relay_signer.h"
#include "server/relay_store.h"
#include "server/session_registry.h"
#include "server/submission_checker.h"

namespace poc {

struct RelayCore {
  RelayStore* store;
  DirectoryHolder* directory;
  RevocationHolder* revocations;  // the CRL in force (may hold null)
  const ObserverGate* observers;  // which observer certificates are accredited
  const RelaySigner* signer;
  const Clock* clock;
  SubmissionLimits limits;
  RelayMetrics* metrics;
  SessionRegistry registry;
  // Runs store reads for sessions so that reactor callbacks never block.
  boost::asio::thread_pool readers{2};
};

}  // namespace poc

#endif  // POC_SERVER_RELAY_CORE_H_
