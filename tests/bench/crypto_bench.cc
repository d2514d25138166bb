// Ed25519 sign and verify over a 1 KiB message (the size poc-bench sends): OpenSSL 3's EVP
// interface as common/crypto/ed25519.cc used it (a digest context per call) against libsodium,
// which it uses now, and the project's keys themselves. README "Performance" quotes the figures
// that chose the backend.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <string>

#include "common/crypto/ed25519.h"

namespace poc {
namespace {

const std::string& Message() {
  static const std::string* m = new std::string(1024, 'x');
  return *m;
}

const unsigned char* Bytes(const std::string& s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void BM_OpenSslSign(benchmark::State& state) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  unsigned char sig[64];
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = sizeof(sig);
    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key);
    EVP_DigestSign(ctx, sig, &len, Bytes(Message()), Message().size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig);
  }
  EVP_PKEY_free(key);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenSslSign);

void BM_OpenSslVerify(benchmark::State& state) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  unsigned char sig[64];
  size_t len = sizeof(sig);
  EVP_MD_CTX* sign = EVP_MD_CTX_new();
  EVP_DigestSignInit(sign, nullptr, nullptr, nullptr, key);
  EVP_DigestSign(sign, sig, &len, Bytes(Message()), Message().size());
  EVP_MD_CTX_free(sign);
  for (auto _ : state) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key);
    if (EVP_DigestVerify(ctx, sig, len, Bytes(Message()), Message().size()) != 1) {
      state.SkipWithError("does not verify");
    }
    EVP_MD_CTX_free(ctx);
  }
  EVP_PKEY_free(key);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenSslVerify);

// The project's own keys (common/crypto/ed25519.h), whatever backs them.
void BM_ProjectKeySign(benchmark::State& state) {
  auto key = Ed25519PrivateKey::Generate();
  for (auto _ : state) benchmark::DoNotOptimize(key->Sign(Message()));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProjectKeySign);

void BM_ProjectKeyVerify(benchmark::State& state) {
  auto key = Ed25519PrivateKey::Generate();
  const std::string sig = key->Sign(Message());
  for (auto _ : state) {
    if (!key->public_key().Verify(Message(), sig)) state.SkipWithError("does not verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ProjectKeyVerify);

void BM_LibsodiumSign(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init failed");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  unsigned char sig[crypto_sign_BYTES];
  const auto* m = reinterpret_cast<const unsigned char*>(Message().data());
  for (auto _ : state) {
    crypto_sign_detached(sig, nullptr, m, Message().size(), sk);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LibsodiumSign);

void BM_LibsodiumVerify(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init failed");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  unsigned char sig[crypto_sign_BYTES];
  const auto* m = reinterpret_cast<const unsigned char*>(Message().data());
  crypto_sign_detached(sig, nullptr, m, Message().size(), sk);
  for (auto _ : state) {
    if (crypto_sign_verify_detached(sig, m, Message().size(), pk) != 0) {
      state.SkipWithError("does not verify");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LibsodiumVerify);

}  // namespace
}  // namespace poc

BENCHMARK_MAIN();
