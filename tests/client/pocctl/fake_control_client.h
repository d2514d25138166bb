// A ControlClient that records what pocctl asks and answers with canned responses.
#ifndef POC_TESTS_CLIENT_POCCTL_FAKE_CONTROL_CLIENT_H_
#define POC_TESTS_CLIENT_POCCTL_FAKE_CONTROL_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "client/pocctl/command_context.h"
#include "client/pocctl/control_client.h"

namespace poc::pocctl {

// What the fake saw and what it answers; owned by the test, outlives the fake clients.
struct FakePocd {
  int connects = 0;
  NodeAddress address;
  absl::Duration timeout;
  std::vector<v1::SendRequest> sends;
  std::vector<v1::ReplyRequest> replies;
  std::vector<v1::AckRequest> acks;
  std::vector<v1::ListRequest> lists;
  std::vector<v1::ShowRequest> shows;
  v1::SendResponse send_response;
  v1::ListResponse inbox;
  v1::ListResponse sent;
  v1::ShowResponse show_response;
  v1::StatusResponse status_response;
  v1::NodeDirectoryResponse directory_response;
  std::vector<v1::NodeAnnounceKeyRequest> announces;
  v1::NodeAnnounceKeyResponse announce_response;
  std::vector<v1::NodeObjectionRequest> objections;
  v1::ListObserversResponse observers_response;
  v1::ObjectToObserverResponse objection_response;
  absl::Status fail_with = absl::OkStatus();  // when not OK, every RPC returns it

  Connector connector() {
    return [this](const NodeAddress& a,
                  absl::Duration t) -> absl::StatusOr<std::unique_ptr<ControlClient>> {
      ++connects;
      address = a;
      timeout = t;
      return std::unique_ptr<ControlClient>(new Client(this));
    };
  }

 private:
  class Client final : public ControlClient {
   public:
    explicit Client(FakePocd* pocd) : pocd_(pocd) {}
    absl::StatusOr<v1::SendResponse> Send(const v1::SendRequest& r) override {
      pocd_->sends.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->send_response;
    }
    absl::StatusOr<v1::SendResponse> Reply(const v1::ReplyRequest& r) override {
      pocd_->replies.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->send_response;
    }
    absl::StatusOr<v1::SendResponse> Ack(const v1::AckRequest& r) override {
      pocd_->acks.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->send_response;
    }
    absl::StatusOr<v1::ListResponse> List(const v1::ListRequest& r) override {
      pocd_->lists.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return r.folder() == v1::FOLDER_SENT ? pocd_->sent : pocd_->inbox;
    }
    absl::StatusOr<v1::ShowResponse> Show(const v1::ShowRequest& r) override {
      pocd_->shows.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->show_response;
    }
    absl::StatusOr<v1::StatusResponse> Status(const v1::StatusRequest&) override {
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->status_response;
    }
    absl::StatusOr<v1::NodeDirectoryResponse> GetDirectory(
        const v1::NodeDirectoryRequest&) override {
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->directory_response;
    }
    absl::StatusOr<v1::NodeAnnounceKeyResponse> AnnounceKey(
        const v1::NodeAnnounceKeyRequest& r) override {
      pocd_->announces.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->announce_response;
    }
    absl::StatusOr<v1::ListObserversResponse> ListObservers(
        const v1::ListObserversRequest&) override {
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->observers_response;
    }
    absl::StatusOr<v1::ObjectToObserverResponse> ObjectToObserver(
        const v1::NodeObjectionRequest& r) override {
      pocd_->objections.push_back(r);
      if (!pocd_->fail_with.ok()) return pocd_->fail_with;
      return pocd_->objection_response;
    }

   private:
    FakePocd* const pocd_;
  };
};

}  // namespace poc::pocctl

#endif  // POC_TESTS_CLIENT_POCCTL_FAKE_CONTROL_CLIENT_H_
