#include "client/pocctl/entry_stream.h"

#include <algorithm>

namespace poc::pocctl {

EntryStream::EntryStream(AuditSource* source, uint64_t start, uint64_t end, uint64_t tree_size)
    : source_(source),
      start_(start),
      end_(end),
      tree_size_(tree_size),
      page_size_(source->PageSize()),
      pages_(start >= end ? 0 : (end - 1) / page_size_ - start / page_size_ + 1),
      window_(2 * static_cast<uint64_t>(std::max(1, source->Parallelism()))) {
  const uint64_t threads = std::min<uint64_t>(pages_, std::max(1, source->Parallelism()));
  for (uint64_t i = 0; i < threads; ++i) {
    workers_.emplace_back([this] { Work(); });
  }
}

EntryStream::~EntryStream() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : workers_) {
    t.join();
  }
}

void EntryStream::Work() {
  const uint64_t first_page = start_ / page_size_;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    changed_.wait(lock, [this] {
      return stop_ || next_fetch_ >= pages_ || next_fetch_ < next_consume_ + window_;
    });
    if (stop_ || next_fetch_ >= pages_) {
      return;
    }
    const uint64_t k = next_fetch_++;
    std::unique_ptr<EntryPage> page;
    if (!free_.empty()) {
      page = std::move(free_.back());
      free_.pop_back();
    } else {
      page = std::make_unique<EntryPage>();
    }
    lock.unlock();
    const uint64_t from = std::max(start_, (first_page + k) * page_size_);
    const uint64_t to = std::min(end_, (first_page + k + 1) * page_size_);
    absl::Status status = source_->FetchEntries(from, to - from, tree_size_, page.get());
    lock.lock();
    ready_[k] = Slot{std::move(status), std::move(page)};
    changed_.notify_all();
  }
}

absl::StatusOr<const EntryPage*> EntryStream::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  if (current_ != nullptr) {
    free_.push_back(std::move(current_));
  }
  if (next_consume_ >= pages_) {
    return nullptr;
  }
  changed_.wait(lock, [this] { return ready_.count(next_consume_) > 0; });
  auto it = ready_.find(next_consume_);
  Slot slot = std::move(it->second);
  ready_.erase(it);
  ++next_consume_;
  if (!slot.status.ok()) {
    stop_ = true;
    next_consume_ = pages_;
  }
  changed_.notify_all();
  if (!slot.status.ok()) {
    return slot.status;
  }
  current_ = std::move(slot.page);
  return current_.get();
}

}  // namespace poc::pocctl
