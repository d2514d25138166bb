#include "client/pocctl/node_address.h"

#include "absl/strings/str_cat.h"

namespace poc::pocctl {
namespace {

std::string WithoutTrailingSlashes(std::string_view dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return std::string(dir);
}

std::string Join(const std::string& dir, std::string_view name) {
  if (dir == "/") return absl::StrCat("/", std::string(name));
  return absl::StrCat(dir, "/", std::string(name));
}

}  // namespace

absl::StatusOr<NodeAddress> ResolveNodeAddress(std::string_view node_flag,
                                               std::string_view socket_flag,
                                               std::string_view env_node) {
  NodeAddress address;
  if (!node_flag.empty()) {
    address.node_dir = WithoutTrailingSlashes(node_flag);
  } else if (!env_node.empty()) {
    address.node_dir = WithoutTrailingSlashes(env_node);
  }
  if (!socket_flag.empty()) {
    address.socket_path = std::string(socket_flag);
  } else if (!address.node_dir.empty()) {
    address.socket_path = Join(address.node_dir, "control.sock");
  } else {
    return absl::FailedPreconditionError(
        "no node given: pass --node DIR (the node's folder) or set POC_NODE");
  }
  return address;
}

std::string UnreachableMessage(const NodeAddress& address) {
  std::string dir = address.node_dir;
  if (dir.empty()) {
    const size_t slash = address.socket_path.rfind('/');
    if (slash == std::string::npos) {
      dir = ".";
    } else {
      dir = slash == 0 ? "/" : address.socket_path.substr(0, slash);
    }
  }
  return absl::StrCat("cannot reach pocd at ", address.socket_path,
                      ": is it running? start it with: pocd --config ", Join(dir, "pocd.toml"));
}

}  // namespace poc::pocctl
