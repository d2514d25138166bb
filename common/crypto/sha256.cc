#include "common/crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace poc {
namespace {

const EVP_MD* Digest() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) {
    std::abort();  // OpenSSL without SHA-256 cannot run this program
  }
  return md;
}

// One context per thread, reused for every hash that thread computes.
class ThreadContext {
 public:
  ThreadContext() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) {
      std::abort();
    }
  }
  ~ThreadContext() { EVP_MD_CTX_free(ctx_); }
  ThreadContext(const ThreadContext&) = delete;
  ThreadContext& operator=(const ThreadContext&) = delete;
  EVP_MD_CTX* get() { return ctx_; }

 private:
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string Sha256(std::initializer_list<std::string_view> parts) {
  thread_local ThreadContext context;
  EVP_MD_CTX* ctx = context.get();
  std::string out(kSha256Size, '\0');
  // These calls fail only on allocation failure inside OpenSSL.
  if (EVP_DigestInit_ex(ctx, Digest(), nullptr) != 1) {
    std::abort();
  }
  for (std::string_view part : parts) {
    if (EVP_DigestUpdate(ctx, part.data(), part.size()) != 1) {
      std::abort();
    }
  }
  if (EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()), nullptr) != 1) {
    std::abort();
  }
  return out;
}

std::string Sha256(std::string_view data) { return Sha256({data}); }

}  // namespace poc
