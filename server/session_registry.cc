#include "server/session_registry.h"

#include <grpcpp/support/status.h>

namespace poc {

void SessionRegistry::Register(const std::string& state, SessionHandle* session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = sessions_.emplace(state, session);
  if (!inserted) {
    it->second->Close(grpc::StatusCode::ABORTED,
                      "a newer session of " + state + " replaced this one");
    it->second = session;
  }
}

void SessionRegistry::Unregister(const std::string& state, SessionHandle* session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(state);
  if (it != sessions_.end() && it->second == session) sessions_.erase(it);
}

void SessionRegistry::Wake(const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(state);
  if (it != sessions_.end()) it->second->Wake();
}

void SessionRegistry::Wake(const std::vector<std::string>& states) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& state : states) {
    auto it = sessions_.find(state);
    if (it != sessions_.end()) it->second->Wake();
  }
}

void SessionRegistry::CloseAll(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [state, session] : sessions_) session->Close(grpc::StatusCode::UNAVAILABLE, reason);
}

size_t SessionRegistry::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace poc
