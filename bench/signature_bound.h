// --limit: the lower bound the signature work alone sets on this machine. A scenario counts
// the Ed25519 signs and verifies it needs; both are timed here, in the same run, with the
// project's own Ed25519 (common/crypto), and the total is divided by the cores.
#ifndef POC_BENCH_SIGNATURE_BOUND_H_
#define POC_BENCH_SIGNATURE_BOUND_H_

#include <cstdint>

namespace poc::bench {

struct SignatureCosts {
  double sign_us = 0;    // one Ed25519 sign of a 1 KiB message, on one core
  double verify_us = 0;  // one verify
  int cores = 1;
};

// Times `rounds` signs and verifies of a `payload_bytes` message on one thread.
SignatureCosts MeasureSignatureCosts(int payload_bytes, int rounds, int cores);

// Signs and verifies per scenario, the work of relay and nodes together: `submitted` messages
// to `deliveries` recipients in all. Per message: the sender signs the envelope, the relay
// verifies it and signs the submit receipt, the sender verifies that receipt. Per recipient:
// the recipient verifies the envelope and signs a delivery receipt, the relay verifies it,
// the sender verifies it once forwarded.
struct SignatureWork {
  int64_t signs = 0;
  int64_t verifies = 0;
};
SignatureWork WorkFor(int64_t submitted, int64_t deliveries);

// The bound in seconds.
double BoundSeconds(const SignatureWork& work, const SignatureCosts& costs);

}  // namespace poc::bench

#endif  // POC_BENCH_SIGNATURE_BOUND_H_
