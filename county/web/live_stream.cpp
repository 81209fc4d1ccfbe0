#include "web/live_stream.hpp"

namespace villagecam::county {

void LiveStream::publish(std::string name, std::string data) {
  {
    std::lock_guard lock(mutex_);
    events_.push_back({next_id_++, std::move(name), std::move(data)});
    while (events_.size() > keep_) events_.pop_front();
  }
  published_.notify_all();
}

std::vector<LiveStream::Event> LiveStream::after(std::uint64_t after, std::chrono::milliseconds timeout,
                                                 const std::atomic<bool>* quit) {
  std::unique_lock lock(mutex_);
  const auto wakes = wakes_;
  // `quit` is set before wake() takes the lock: read under it, no wake is missed.
  published_.wait_for(lock, timeout, [&] {
    return stopped_ || next_id_ - 1 > after || wakes_ != wakes || (quit && quit->load());
  });
  std::vector<Event> out;
  if (stopped_ || next_id_ - 1 <= after) return out;
  if (events_.empty() || events_.front().id > after + 1) {
    out.push_back({next_id_ - 1, "reload", "{}"});  // what it missed is gone: start over
    return out;
  }
  for (const auto& e : events_) {
    if (e.id > after) out.push_back(e);
  }
  return out;
}

std::uint64_t LiveStream::lastId() const {
  std::lock_guard lock(mutex_);
  return next_id_ - 1;
}

void LiveStream::wake() {
  {
    std::lock_guard lock(mutex_);
    ++wakes_;
  }
  published_.notify_all();
}

void LiveStream::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  published_.notify_all();
}

bool LiveStream::stopped() const {
  std::lock_guard lock(mutex_);
  return stopped_;
}

std::string formatEvent(const LiveStream::Event& e) {
  std::string out = "id: " + std::to_string(e.id) + "\nevent: " + e.name + "\n";
  // data may not hold a newline unprefixed: JSON from dump() has none, but be sure.
  std::size_t start = 0;
  while (true) {
    const auto nl = e.data.find('\n', start);
    out += "data: " + e.data.substr(start, nl == std::string::npos ? std::string::npos : nl - start) + "\n";
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out + "\n";
}

}  // namespace villagecam::county
