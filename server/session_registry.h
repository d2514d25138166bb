// Which State has a live Session stream, so new queue items can be pushed at once.
#ifndef POC_SERVER_SESSION_REGISTRY_H_
#define POC_SERVER_SESSION_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace poc {

struct QueueItem;  // server/relay_store.h

// A live session as the registry sees it.
class SessionHandle {
 public:
  virtual ~SessionHandle() = default;
  // New items may be queued for this session's State. Must not block.
  virtual void Wake() = 0;
  // `item`, just committed for this session's State, with its prev_seq set: pushed at once when
  // the session has taken everything before it from the store, else read from the store like a
  // Wake(). Must not block.
  virtual void Offer(const QueueItem& item) = 0;
  // Ends the session with `status_code` (a grpc::StatusCode) and `reason`. Must not block.
  virtual void Close(int status_code, const std::string& reason) = 0;
  // The relay now serves directory `version`: tell the node. Must not block.
  virtual void DirectoryChanged(uint64_t version) = 0;
};

// Thread-safe. Lock order: the registry's mutex is taken before any session's own mutex, so a
// session must never call into the registry while holding its own lock.
class SessionRegistry {
 public:
  // The newest session of a State wins: a node that restarted after a crash replaces its
  // half-open predecessor at once. `serial` is the node certificate's (for revocation).
  void Register(const std::string& state, SessionHandle* session, const std::string& serial = "");
  // No-op when `session` is no longer the State's registered one.
  void Unregister(const std::string& state, SessionHandle* session);
  void Wake(const std::string& state);
  void Wake(const std::vector<std::string>& states);
  // Hands each committed item to its State's live session, if any (SessionHandle::Offer).
  void Offer(const std::vector<QueueItem>& items);
  // Ends every session (relay shutdown), so that nodes reconnect elsewhere or later.
  void CloseAll(const std::string& reason);
  // Tells every open session that the relay now serves directory `version`.
  void DirectoryChanged(uint64_t version);
  // Ends, with UNAUTHENTICATED, the sessions whose certificate serial `revoked` returns true
  // for; returns how many.
  size_t CloseRevoked(const std::function<bool(const std::string& serial)>& revoked,
                      const std::string& reason);
  size_t Count() const;

 private:
  mutable std::mutex mu_;
  struct Entry {
    SessionHandle* session;
    std::string serial;
  };
  std::map<std::string, Entry> sessions_;  // guarded by mu_
};

}  // namespace poc

#endif  // POC_SERVER_SESSION_REGISTRY_H_
