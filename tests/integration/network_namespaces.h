// Linux network namespaces joined by veth links, made with iproute2 for one test and removed
// when it ends, also when it fails. Partitions are made by taking a link down or by nftables
// rules that drop a peer's packets; both are silent, as a cut cable or a dropping firewall is.
#ifndef POC_TESTS_INTEGRATION_NETWORK_NAMESPACES_H_
#define POC_TESTS_INTEGRATION_NETWORK_NAMESPACES_H_

#include <string>
#include <vector>

namespace poc::testing {

// Full path of a system program (ip, nft) in the usual sbin and bin folders; empty if absent.
std::string FindProgram(const std::string& name);

class NetworkNamespaces {
 public:
  // Why namespaces cannot be made here (no `ip`, not root, no CAP_NET_ADMIN), found by making
  // and removing a probe namespace; empty when they can.
  static std::string Unavailable();

  // Names begin "pocnf<pid>-", so parallel test processes never collide; namespaces left by
  // test processes that died are removed first.
  NetworkNamespaces();
  ~NetworkNamespaces();  // removes every namespace made (their veth links go with them)
  NetworkNamespaces(const NetworkNamespaces&) = delete;
  NetworkNamespaces& operator=(const NetworkNamespaces&) = delete;

  // Makes the namespace for `name` with its loopback up; returns its full name.
  std::string Add(const std::string& name);

  struct Link {
    std::string device_a, device_b;    // the veth ends, inside a and b
    std::string address_a, address_b;  // 169.254.<subnet>.1 and .2, a /30
  };
  // Joins the namespaces of `a` and `b` with a veth pair, both ends up and addressed.
  Link Connect(const std::string& a, const std::string& b, int subnet);

  // A command prefix that runs a program in the namespace of `name`.
  std::vector<std::string> Exec(const std::string& name) const;
  // Runs `args` (the program by name, e.g. "ip") in the namespace of `name`; fails the test on
  // a non-zero exit. Returns the output.
  std::string Run(const std::string& name, const std::vector<std::string>& args) const;

  void SetLinkUp(const std::string& name, const std::string& device, bool up) const;
  // In the namespace of `name`, drops every packet arriving from `peer_address` (nftables), or
  // removes that rule set again. Drop on both sides for a silent partition.
  void DropTraffic(const std::string& name, const std::string& peer_address) const;
  void AllowTraffic(const std::string& name) const;

  const std::string& prefix() const { return prefix_; }

 private:
  std::string Full(const std::string& name) const { return prefix_ + name; }

  const std::string prefix_;
  std::vector<std::string> made_;
};

}  // namespace poc::testing

#endif  // POC_TESTS_INTEGRATION_NETWORK_NAMESPACES_H_
