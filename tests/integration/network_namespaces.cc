#include "tests/integration/network_namespaces.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "tests/integration/process.h"

namespace poc::testing {
namespace {

constexpr const char* kTable = "pocfault";

bool ProcessAlive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

std::vector<std::string> WithProgram(std::vector<std::string> args) {
  if (!args.empty() && args[0].find('/') == std::string::npos) {
    const std::string path = FindProgram(args[0]);
    if (!path.empty()) {
      args[0] = path;
    }
  }
  return args;
}

RunResult Ip(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"ip"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(WithProgram(argv));
}

void RemoveStaleNamespaces() {
  std::istringstream list(Ip({"netns", "list"}).output);
  std::string line;
  while (std::getline(list, line)) {
    const std::string name = line.substr(0, line.find(' '));
    if (name.rfind("pocnf", 0) != 0) {
      continue;
    }
    const std::string digits = name.substr(5, name.find('-') - 5);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    if (!ProcessAlive(static_cast<pid_t>(std::stol(digits)))) {
      Ip({"netns", "del", name});
    }
  }
}

}  // namespace

std::string FindProgram(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"}) {
    std::string path = dir + name;
    if (::access(path.c_str(), X_OK) == 0) {
      return path;
    }
  }
  return "";
}

std::string NetworkNamespaces::Unavailable() {
  if (FindProgram("ip").empty()) {
    return "the `ip` program (iproute2) is not installed";
  }
  const std::string probe = "pocnf" + std::to_string(::getpid()) + "-probe";
  const RunResult made = Ip({"netns", "add", probe});
  if (made.exit_code != 0) {
    return "`ip netns add` failed (" + made.output.substr(0, made.output.find('\n')) +
           "): making network namespaces needs root or CAP_NET_ADMIN (uid " +
           std::to_string(::geteuid()) + ")";
  }
  const RunResult link = RunCommand(WithProgram({"ip", "link", "add", "p0", "netns", probe, "type",
                                                 "veth", "peer", "name", "p1", "netns", probe}));
  Ip({"netns", "del", probe});
  if (link.exit_code != 0) {
    return "veth links cannot be made (" + link.output.substr(0, link.output.find('\n')) + ")";
  }
  return "";
}

NetworkNamespaces::NetworkNamespaces() : prefix_("pocnf" + std::to_string(::getpid()) + "-") {
  RemoveStaleNamespaces();
}

NetworkNamespaces::~NetworkNamespaces() {
  for (const std::string& name : made_) {
    Ip({"netns", "del", name});
  }
}

std::string NetworkNamespaces::Add(const std::string& name) {
  std::string full = Full(name);
  const RunResult r = Ip({"netns", "add", full});
  EXPECT_EQ(r.exit_code, 0) << "ip netns add " << full << ": " << r.output;
  if (r.exit_code == 0) {
    made_.push_back(full);
  }
  Run(name, {"ip", "link", "set", "lo", "up"});
  return full;
}

NetworkNamespaces::Link NetworkNamespaces::Connect(const std::string& a, const std::string& b,
                                                   int subnet) {
  Link link;
  link.device_a = "to-" + b;
  link.device_b = "to-" + a;
  const std::string net = "169.254." + std::to_string(subnet) + ".";
  link.address_a = net + "1";
  link.address_b = net + "2";
  const RunResult r = Ip({"link", "add", link.device_a, "netns", Full(a), "type", "veth", "peer",
                          "name", link.device_b, "netns", Full(b)});
  EXPECT_EQ(r.exit_code, 0) << "ip link add: " << r.output;
  Run(a, {"ip", "addr", "add", link.address_a + "/30", "dev", link.device_a});
  Run(b, {"ip", "addr", "add", link.address_b + "/30", "dev", link.device_b});
  SetLinkUp(a, link.device_a, true);
  SetLinkUp(b, link.device_b, true);
  return link;
}

std::vector<std::string> NetworkNamespaces::Exec(const std::string& name) const {
  return WithProgram({"ip", "netns", "exec", Full(name)});
}

std::string NetworkNamespaces::Run(const std::string& name,
                                   const std::vector<std::string>& args) const {
  std::vector<std::string> argv = Exec(name);
  const std::vector<std::string> program = WithProgram(args);
  argv.insert(argv.end(), program.begin(), program.end());
  const RunResult r = RunCommand(argv);
  std::string command;
  for (const auto& a : args) {
    command += a + " ";
  }
  EXPECT_EQ(r.exit_code, 0) << "in " << Full(name) << ": " << command << "failed: " << r.output;
  return r.output;
}

void NetworkNamespaces::SetLinkUp(const std::string& name, const std::string& device,
                                  bool up) const {
  Run(name, {"ip", "link", "set", device, up ? "up" : "down"});
}

void NetworkNamespaces::DropTraffic(const std::string& name,
                                    const std::string& peer_address) const {
  // Input only: a packet dropped on output makes the sender's own calls fail at once (EPERM),
  // which no cut cable does.
  Run(name, {"nft", "add", "table", "inet", kTable});
  Run(name, {"nft", "add", "chain", "inet", kTable, "in",
             "{ type filter hook input priority 0; policy accept; }"});
  Run(name, {"nft", "add", "rule", "inet", kTable, "in", "ip", "saddr", peer_address, "drop"});
}

void NetworkNamespaces::AllowTraffic(const std::string& name) const {
  Run(name, {"nft", "delete", "table", "inet", kTable});
}

}  // namespace poc::testing
