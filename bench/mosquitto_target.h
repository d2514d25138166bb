// The peer: the same storm and latency patterns against Eclipse Mosquitto (Debian's package),
// started by the bench on loopback with mutual TLS 1.3 (require_certificate,
// use_identity_as_username), persistence on, QoS 1, one topic per State, the same payload
// size, through libmosquitto. README "Performance" shows the generated mosquitto.conf.
//
// Storm: every State publishes one message to every other State's topic "poc/<ISO3>"; the
// recipient answers each with a receipt on "poc/<sender>/receipts" (QoS 1), so the pattern is
// ours: message, then receipt back to its sender; it ends when the last receipt arrives.
// Latency: publish to on_message at the recipient. The peer signs nothing, verifies nothing
// and fsyncs nothing per message.
#ifndef POC_BENCH_MOSQUITTO_TARGET_H_
#define POC_BENCH_MOSQUITTO_TARGET_H_

#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/bench_pki.h"
#include "bench/progress.h"
#include "bench/report.h"

namespace poc::bench {

// The scenarios the peer runs ("storm", "latency").
const std::vector<std::string>& MosquittoScenarios();

// The mosquitto.conf the bench writes (also printed by --print-mosquitto-conf).
std::string MosquittoConfig(int port, const std::string& tls_dir, const std::string& data_dir);

ScenarioResult RunMosquittoScenario(const std::string& scenario, const BenchPki& pki,
                                    const BenchOptions& options, Progress* progress);

}  // namespace poc::bench

#endif  // POC_BENCH_MOSQUITTO_TARGET_H_
