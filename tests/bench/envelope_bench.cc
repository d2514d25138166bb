// The per-message work outside the network: encoding and signing an envelope, verifying one
// against the directory (what relay and nodes both do), and validating its template.
#include <benchmark/benchmark.h>

#include "absl/time/clock.h"
#include "bench/bench_message.h"
#include "common/directory/directory_view.h"
#include "common/directory/key_possession.h"
#include "common/envelope/envelope_verifier.h"
#include "common/envelope/signed.h"
#include "common/template/validation.h"

namespace poc {
namespace {

struct Fixture {
  Fixture() : key(*Ed25519PrivateKey::Generate()) {
    v1::Directory directory;
    directory.set_version(1);
    for (const char* code : {"FRA", "KEN"}) {
      v1::StateEntry* s = directory.add_states();
      s->set_code(code);
      if (std::string(code) == "FRA") {
        v1::SigningKey* k = s->add_keys();
        k->set_key_id(key.public_key().key_id());
        k->set_public_key(key.public_key().raw());
        k->set_status(v1::KEY_STATUS_ACTIVE);
        k->set_proof(ProveKeyPossession(key, "FRA"));
      }
    }
    auto built = DirectoryView::Build(directory);
    if (built.ok()) view = std::make_unique<DirectoryView>(*std::move(built));
    message = bench::MakeBenchMessage("FRA", {"KEN"}, 1024);
    envelope = SignEnvelope(message.SerializeAsString(), key);
  }
  Ed25519PrivateKey key;
  std::unique_ptr<DirectoryView> view;
  v1::Message message;
  v1::Envelope envelope;
};

Fixture& F() {
  static Fixture* f = new Fixture();
  return *f;
}

void BM_EnvelopeEncodeAndSign(benchmark::State& state) {
  for (auto _ : state) {
    v1::Message m = bench::MakeBenchMessage("FRA", {"KEN"}, 1024);
    benchmark::DoNotOptimize(SignEnvelope(m.SerializeAsString(), F().key));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnvelopeEncodeAndSign);

void BM_EnvelopeVerify(benchmark::State& state) {
  if (!F().view) state.SkipWithError("directory does not build");
  for (auto _ : state) {
    auto verified = VerifyEnvelope(F().envelope, *F().view);
    if (!verified.ok()) state.SkipWithError(verified.status().ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EnvelopeVerify);

void BM_TemplateValidation(benchmark::State& state) {
  const ValidationLimits limits;
  for (auto _ : state) {
    absl::Status s = ValidateMessage(F().message, limits);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TemplateValidation);

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
