#include "server/session_registry.h"

#include <grpcpp/support/status.h>

#include "server/relay_store.h"

namespace poc {

void SessionRegistry::Register(const std::string& state, SessionHandle* session,
                               const std::string& serial) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = sessions_.emplace(state, Entry{session, serial});
  if (!inserted) {
    it->second.session->Close(grpc::StatusCode::ABORTED,
                              "a newer session of " + state + " replaced this one");
    it->second = Entry{session, serial};
  }
}

void SessionRegistry::Unregister(const std::string& state, SessionHandle* session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(state);
  if (it != sessions_.end() && it->second.session == session) {
    sessions_.erase(it);
  }
}

void SessionRegistry::Wake(const std::string& state) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(state);
  if (it != sessions_.end()) {
    it->second.session->Wake();
  }
}

void SessionRegistry::Wake(const std::vector<std::string>& states) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& state : states) {
    auto it = sessions_.find(state);
    if (it != sessions_.end()) {
      it->second.session->Wake();
    }
  }
}

void SessionRegistry::Offer(const std::vector<QueueItem>& items) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const QueueItem& item : items) {
    auto it = sessions_.find(item.state);
    if (it != sessions_.end()) {
      it->second.session->Offer(item);
    }
  }
}

void SessionRegistry::CloseAll(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [state, entry] : sessions_) {
    entry.session->Close(grpc::StatusCode::UNAVAILABLE, reason);
  }
}

void SessionRegistry::DirectoryChanged(uint64_t version) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [state, entry] : sessions_) {
    entry.session->DirectoryChanged(version);
  }
}

size_t SessionRegistry::CloseRevoked(const std::function<bool(const std::string& serial)>& revoked,
                                     const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t closed = 0;
  for (auto& [state, entry] : sessions_) {
    if (!entry.serial.empty() && revoked(entry.serial)) {
      entry.session->Close(grpc::StatusCode::UNAUTHENTICATED, reason);
      ++closed;
    }
  }
  return closed;
}

size_t SessionRegistry::Count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sessions_.size();
}

}  // namespace poc
