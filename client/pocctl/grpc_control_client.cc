#include "client/pocctl/grpc_control_client.h"

#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/rpc/grpc_status.h"
#include "poc/v1/node_control.grpc.pb.h"

namespace poc::pocctl {
namespace {

class GrpcControlClient final : public ControlClient {
 public:
  GrpcControlClient(NodeAddress address, absl::Duration timeout)
      : address_(std::move(address)),
        timeout_(timeout),
        channel_(grpc::CreateChannel("unix:" + address_.socket_path,
                                     grpc::InsecureChannelCredentials())),
        stub_(v1::NodeControl::NewStub(channel_)) {}

  absl::StatusOr<v1::SendResponse> Send(const v1::SendRequest& request) override {
    return Call(&v1::NodeControl::Stub::Send, request, v1::SendResponse());
  }
  absl::StatusOr<v1::SendResponse> Reply(const v1::ReplyRequest& request) override {
    return Call(&v1::NodeControl::Stub::Reply, request, v1::SendResponse());
  }
  absl::StatusOr<v1::SendResponse> Ack(const v1::AckRequest& request) override {
    return Call(&v1::NodeControl::Stub::Ack, request, v1::SendResponse());
  }
  absl::StatusOr<v1::ListResponse> List(const v1::ListRequest& request) override {
    return Call(&v1::NodeControl::Stub::List, request, v1::ListResponse());
  }
  absl::StatusOr<v1::ShowResponse> Show(const v1::ShowRequest& request) override {
    return Call(&v1::NodeControl::Stub::Show, request, v1::ShowResponse());
  }
  absl::StatusOr<v1::StatusResponse> Status(const v1::StatusRequest& request) override {
    return Call(&v1::NodeControl::Stub::Status, request, v1::StatusResponse());
  }
  absl::StatusOr<v1::NodeDirectoryResponse> GetDirectory(
      const v1::NodeDirectoryRequest& request) override {
    return Call(&v1::NodeControl::Stub::GetDirectory, request, v1::NodeDirectoryResponse());
  }
  absl::StatusOr<v1::NodeAnnounceKeyResponse> AnnounceKey(
      const v1::NodeAnnounceKeyRequest& request) override {
    return Call(&v1::NodeControl::Stub::AnnounceKey, request, v1::NodeAnnounceKeyResponse());
  }
  absl::StatusOr<v1::ListObserversResponse> ListObservers(
      const v1::ListObserversRequest& request) override {
    return Call(&v1::NodeControl::Stub::ListObservers, request, v1::ListObserversResponse());
  }
  absl::StatusOr<v1::ObjectToObserverResponse> ObjectToObserver(
      const v1::NodeObjectionRequest& request) override {
    return Call(&v1::NodeControl::Stub::ObjectToObserver, request, v1::ObjectToObserverResponse());
  }

 private:
  template <typename Request, typename Response>
  using Method = grpc::Status (v1::NodeControl::Stub::*)(grpc::ClientContext*, const Request&,
                                                         Response*);

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Method<Request, Response> method, const Request& request,
                                Response response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
    const grpc::Status status = ((*stub_).*method)(&context, request, &response);
    if (status.ok()) return response;
    return Explain(status);
  }

  // Transport failures become advice; pocd's own statuses pass through, since pocd writes
  // its messages for operators.
  absl::Status Explain(const grpc::Status& status) {
    switch (status.error_code()) {
      case grpc::StatusCode::UNAVAILABLE:
        // pocd answering UNAVAILABLE itself leaves the channel READY; a connection that
        // failed does not.
        if (channel_->GetState(/*try_to_connect=*/false) != GRPC_CHANNEL_READY) {
          return absl::UnavailableError(UnreachableMessage(address_));
        }
        break;
      case grpc::StatusCode::DEADLINE_EXCEEDED:
        return absl::DeadlineExceededError(absl::StrCat(
            "pocd at ", address_.socket_path, " did not answer within ",
            absl::FormatDuration(timeout_), "; check its log, or give it longer with --timeout"));
      default:
        break;
    }
    if (status.error_message().empty()) {
      return absl::Status(FromGrpcStatus(status).code(),
                          absl::StrCat("pocd failed without saying why (gRPC code ",
                                       static_cast<int>(status.error_code()), "); check its log"));
    }
    return FromGrpcStatus(status);
  }

  const NodeAddress address_;
  const absl::Duration timeout_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::unique_ptr<v1::NodeControl::Stub> stub_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ControlClient>> ConnectToPocd(const NodeAddress& address,
                                                             absl::Duration timeout) {
  struct stat st {};
  if (::stat(address.socket_path.c_str(), &st) != 0) {
    if (errno == EACCES) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot use pocd's socket ", address.socket_path,
                       ": permission denied; run pocctl as the user that runs pocd"));
    }
    return absl::UnavailableError(UnreachableMessage(address));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(address.socket_path,
                     " is not a socket; point --node at the node's folder or --socket at pocd's "
                     "control socket"));
  }
  if (::access(address.socket_path.c_str(), R_OK | W_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot use pocd's socket ",
                                                    address.socket_path, ": ", std::strerror(errno),
                                                    "; run pocctl as the user that runs pocd"));
  }
  return std::unique_ptr<ControlClient>(new GrpcControlClient(address, timeout));
}

}  // namespace poc::pocctl
