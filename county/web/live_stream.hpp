// The console's live events (Server-Sent Events): the event thread publishes,
// each connected page waits for what came after the last event it had. The
// last 4096 events are kept, so a page that reconnects (Last-Event-ID) gets
// what it missed; one that fell further behind is told to reload.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

namespace villagecam::county {

class LiveStream {
 public:
  struct Event {
    std::uint64_t id = 0;
    std::string name;  // alert, summary, reload
    std::string data;  // JSON
  };

  explicit LiveStream(std::size_t keep = 4096) : keep_(keep) {}

  void publish(std::string name, std::string data);
  // Events after `after`, waiting up to `timeout` for one; empty on timeout or
  // stop. A client too far behind gets one "reload" event.
  // `quit` (optional): returns at once, or as soon as it is set and wake() called.
  std::vector<Event> after(std::uint64_t after, std::chrono::milliseconds timeout,
                           const std::atomic<bool>* quit = nullptr);
  std::uint64_t lastId() const;
  // Wakes every waiting page at once (after() returns what it has, maybe
  // nothing), so each checks that its session still holds (a logout).
  void wake();
  void stop();
  bool stopped() const;

 private:
  const std::size_t keep_;
  mutable std::mutex mutex_;
  std::condition_variable published_;
  std::deque<Event> events_;
  std::uint64_t next_id_ = 1;
  std::uint64_t wakes_ = 0;
  bool stopped_ = false;
};

// One event in the text/event-stream format.
std::string formatEvent(const LiveStream::Event& event);

}  // namespace villagecam::county
