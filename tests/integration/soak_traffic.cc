#include "tests/integration/soak_traffic.h"

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace poc::testing {
namespace {

// Pause between two sends of one thread: keeps a 2-core machine able to run ten nodes, the
// relay and the kills while traffic flows. Not a synchronization.
constexpr int kMaxPauseMs = 50;

v1::Template SoakTemplate(const std::string& subject, const std::string& summary, bool urgent) {
  v1::Template t;
  t.set_urgency(urgent ? v1::URGENCY_URGENT : v1::URGENCY_PRIORITY);
  t.set_level(v1::LEVEL_TECHNICAL);
  t.set_tlp(v1::TLP_AMBER);
  t.set_subject(subject);
  t.set_summary(summary);
  t.set_language("en");
  return t;
}

}  // namespace

SoakTraffic::SoakTraffic(const TestNetwork* net, std::vector<std::string> states,
                         std::map<std::string, std::vector<std::string>> groups, uint64_t seed)
    : net_(net), states_(std::move(states)), groups_(std::move(groups)), seed_(seed) {}

SoakTraffic::~SoakTraffic() { Stop(); }

void SoakTraffic::Start(int threads) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this, i] { Run(i, seed_ * 1000003 + static_cast<uint64_t>(i)); });
  }
}

void SoakTraffic::Stop() {
  stopping_ = true;
  for (std::thread& t : threads_) {
    t.join();
  }
  threads_.clear();
}

std::vector<AnsweredSend> SoakTraffic::answered() const {
  std::lock_guard<std::mutex> lock(mu_);
  return answered_;
}

TrafficCounts SoakTraffic::counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

std::vector<std::string> SoakTraffic::errors() const {
  std::lock_guard<std::mutex> lock(mu_);
  return errors_;
}

void SoakTraffic::PickRecipients(const std::string& sender, std::mt19937_64* rng,
                                 std::vector<std::string>* addressed,
                                 std::set<std::string>* expected) const {
  std::vector<std::string> others;
  for (const std::string& s : states_) {
    if (s != sender) {
      others.push_back(s);
    }
  }
  std::shuffle(others.begin(), others.end(), *rng);
  const int pick = std::uniform_int_distribution<int>(0, 99)(*rng);
  if (pick < 50) {  // one State
    addressed->push_back(others[0]);
    expected->insert(others[0]);
  } else if (pick < 75) {  // two or three States
    const size_t n = std::uniform_int_distribution<size_t>(2, 3)(*rng);
    for (size_t i = 0; i < n; ++i) {
      addressed->push_back(others[i]);
      expected->insert(others[i]);
    }
  } else if (pick < 95) {  // a group, sometimes with a State beside it (counted once)
    auto group = groups_.begin();
    std::advance(group, std::uniform_int_distribution<size_t>(0, groups_.size() - 1)(*rng));
    addressed->push_back("group:" + group->first);
    for (const std::string& m : group->second) {
      if (m != sender) {
        expected->insert(m);
      }
    }
    if (pick < 85) {
      addressed->push_back(others[0]);
      expected->insert(others[0]);
    }
  } else {  // everyone
    addressed->push_back("all");
    expected->insert(others.begin(), others.end());
  }
}

void SoakTraffic::Run(int thread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (int n = 0; !stopping_; ++n) {
    const std::string sender =
        states_[std::uniform_int_distribution<size_t>(0, states_.size() - 1)(rng)];
    AnsweredSend sent;
    sent.sender = sender;
    sent.subject = absl::StrCat("soak ", sender, " t", thread, " n", n);
    sent.summary = absl::StrCat("Sustained traffic, message ", n, " of thread ", thread, ".");
    PickRecipients(sender, &rng, &sent.addressed_to, &sent.recipients);

    v1::SendRequest request;
    for (const std::string& r : sent.addressed_to) {
      request.add_recipients(r);
    }
    const bool query = std::uniform_int_distribution<int>(0, 3)(rng) == 0;
    request.set_kind(query ? v1::MESSAGE_TYPE_REQUEST_FOR_INFORMATION
                           : v1::MESSAGE_TYPE_NOTIFICATION);
    *request.mutable_template_() = SoakTemplate(sent.subject, sent.summary, query);
    grpc::ClientContext ctx;
    SetTestDeadline(&ctx, absl::Seconds(20));
    v1::SendResponse response;
    const grpc::Status status = net_->Control(sender)->Send(&ctx, request, &response);

    Record(sender, status, response, std::move(sent));
    if (!stopping_) {
      std::this_thread::sleep_for(
          std::chrono::milliseconds(std::uniform_int_distribution<int>(0, kMaxPauseMs)(rng)));
    }
  }
}

void SoakTraffic::Record(const std::string& sender, const grpc::Status& status,
                         const v1::SendResponse& response, AnsweredSend sent) {
  std::lock_guard<std::mutex> lock(mu_);
  ++counts_.attempts;
  if (!status.ok()) {
    ++counts_.unanswered;  // the node was down or went down: nothing was promised
  } else if (response.state() == v1::OUTBOX_STATE_REJECTED) {
    errors_.push_back(absl::StrCat("Send of ", response.message_id(), " from ", sender, " to ",
                                   absl::StrJoin(sent.addressed_to, ","),
                                   " was REJECTED: ", response.error()));
  } else {
    sent.id = response.message_id();
    sent.answered_state = response.state();
    ++counts_.answered;
    if (response.state() == v1::OUTBOX_STATE_SUBMITTED) {
      ++counts_.submitted;
      const std::set<std::string> relay(response.recipients().begin(), response.recipients().end());
      if (relay != sent.recipients) {
        errors_.push_back(absl::StrCat(
            "the relay expanded ", sent.id, " (", absl::StrJoin(sent.addressed_to, ","), ") to ",
            absl::StrJoin(relay, ","), ", expected ", absl::StrJoin(sent.recipients, ",")));
      }
    } else {
      ++counts_.queued;
    }
    answered_.push_back(std::move(sent));
  }
}

}  // namespace poc::testing
