// What the relay's RPC handlers share. Owned by main (or a test); outlives the gRPC server.
#ifndef POC_SERVER_RELAY_CORE_H_
#define POC_SERVER_RELAY_CORE_H_

#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "common/util/clock.h"
#include "server/access_policy.h"
#include "server/directory_holder.h"
#include "server/directory_publisher.h"
#include "server/escalation_store.h"
#include "server/exercise_store.h"
#include "server/rate_limiter.h"
#include "server/relay_metrics.h"
#include "server/relay_signer.h"
#include "server/relay_store.h"
#include "server/session_registry.h"
#include "server/submission_checker.h"

namespace poc {

struct RelayCore {
  RelayStore* store;
  DirectoryHolder* directory;
  DirectoryPublisher* publisher;           // every change of the directory goes through it
  RevocationHolder* revocations;           // the CRL in force (may hold null)
  const ObserverGate* observers;           // which observer certificates are accredited
  ExerciseStore* exercises = nullptr;      // ping exercises (acknowledgements come in by Submit)
  EscalationStore* escalations = nullptr;  // escalation and drills (drill acknowledgements too)
  const RelaySigner* signer;
  const Clock* clock;
  SubmissionLimits limits;
  std::unique_ptr<RateLimiter> submit_limiter;  // per State; null: no limit
  RelayMetrics* metrics;
  SessionRegistry registry;
  // Runs store reads for sessions so that reactor callbacks never block.
  boost::asio::thread_pool readers{2};
  // Runs directory changes (key announcements), which wait for the store's commit.
  boost::asio::thread_pool directory_changes{1};
};

// Authorize (server/access_policy.h) against what the relay holds now: the CRL, the directory's
// listed certificates and the observers' accreditations.
inline absl::StatusOr<PeerIdentity> AuthorizeCaller(grpc::ServerContextBase* context, Rpc rpc,
                                                    const RelayCore& core) {
  return Authorize(context->auth_context(), rpc, core.revocations->Get().get(),
                   &core.directory->Get()->view, core.observers);
}

}  // namespace poc

#endif  // POC_SERVER_RELAY_CORE_H_
