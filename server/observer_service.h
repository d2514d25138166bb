// The Observers gRPC service (proto/poc/v1/observers.proto): the Secretariat proposes an
// observer's accreditation, States object with signed objections, everyone concerned lists.
// The rules are server/observer_rules.h; deadlines are kept by server/observer_decider.h.
#ifndef POC_SERVER_OBSERVER_SERVICE_H_
#define POC_SERVER_OBSERVER_SERVICE_H_

#include "absl/time/time.h"
#include "poc/v1/observers.grpc.pb.h"
#include "server/observer_decider.h"
#include "server/relay_core.h"

namespace poc {

// Thread-safe; `*core` and `*decider` must outlive the server this service is registered with.
// Writes finish from the store's thread once durable; reads are quick and made inline.
class ObserverService final : public v1::Observers::CallbackService {
 public:
  // Every proposal gets `silence_period` (relay config observers.silence_period).
  ObserverService(RelayCore* core, ObserverDecider* decider, absl::Duration silence_period)
      : core_(core), decider_(decider), silence_period_(silence_period) {}

  grpc::ServerUnaryReactor* ProposeObserver(grpc::CallbackServerContext* context,
                                            const v1::ProposeObserverRequest* request,
                                            v1::ProposeObserverResponse* response) override;
  grpc::ServerUnaryReactor* ObjectToObserver(grpc::CallbackServerContext* context,
                                             const v1::ObjectToObserverRequest* request,
                                             v1::ObjectToObserverResponse* response) override;
  grpc::ServerUnaryReactor* ListObservers(grpc::CallbackServerContext* context,
                                          const v1::ListObserversRequest* request,
                                          v1::ListObserversResponse* response) override;

 private:
  // The verified objection's body, or UNAUTHENTICATED (unknown, unusable key or bad signature),
  // PERMISSION_DENIED (another State's key or objection) or INVALID_ARGUMENT.
  absl::StatusOr<v1::ObserverObjection> VerifyObjection(const v1::Signed& statement,
                                                        const std::string& caller,
                                                        absl::Time now) const;

  RelayCore* const core_;
  ObserverDecider* const decider_;
  const absl::Duration silence_period_;
};

}  // namespace poc

#endif  // POC_SERVER_OBSERVER_SERVICE_H_
