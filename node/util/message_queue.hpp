// The one way threads hand things to a loop here: post a message (a short
// lock, a push, a notify) and return. The loop takes every message posted so
// far at once, waiting until one comes, stop() is called or a deadline
// passes. Unbounded: what is posted is what must happen (state changes,
// events); producers that could flood it (frames) have their own bounded
// hand-offs before it.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>

#include "util/clock.hpp"

namespace villagecam {

template <class Message>
class MessageQueue {
 public:
  struct Batch {
    std::deque<Message> messages;
    bool stopping = false;  // stop() was called: this is the last batch worth taking
  };

  void post(Message message) {
    {
      std::lock_guard lock(mutex_);
      messages_.push_back(std::move(message));
    }
    posted_.notify_one();
  }

  void stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    posted_.notify_one();
  }

  // `deadline` is on the steady clock the queue's condition variable uses.
  Batch waitUntil(std::chrono::steady_clock::time_point deadline) {
    Batch batch;
    std::unique_lock lock(mutex_);
    posted_.wait_until(lock, deadline, [this] { return stopping_ || !messages_.empty(); });
    batch.messages.swap(messages_);
    batch.stopping = stopping_;
    return batch;
  }

 private:
  std::mutex mutex_;  // a leaf: nothing else is taken while it is held
  std::condition_variable posted_;
  std::deque<Message> messages_;
  bool stopping_ = false;
};

}  // namespace villagecam
