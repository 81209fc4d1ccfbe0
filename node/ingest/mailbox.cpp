#include "ingest/mailbox.hpp"

#include <utility>

namespace villagecam::ingest {

void Mailbox::postFailure(StreamFailure failure) {
  {
    std::lock_guard lock(mutex_);
    failures_.push_back(std::move(failure));
  }
  ready_.notify_one();
}

void Mailbox::postFrame() {
  {
    std::lock_guard lock(mutex_);
    if (fresh_) ++frames_dropped_;
    std::swap(writer_, shared_);
    fresh_ = true;
  }
  ready_.notify_one();
}

void Mailbox::postFirstEncodedFrame() {
  {
    std::lock_guard lock(mutex_);
    first_frame_ = true;
  }
  ready_.notify_one();
}

void Mailbox::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  ready_.notify_one();
}

Mailbox::Batch Mailbox::waitUntil(SteadyTime deadline) {
  std::unique_lock lock(mutex_);
  ready_.wait_until(lock, deadline, [this] { return pendingLocked(); });
  Batch batch;
  batch.failures = std::move(failures_);
  failures_.clear();
  if (std::exchange(fresh_, false)) {
    std::swap(reader_, shared_);
    batch.frame = true;
  }
  batch.first_frame = std::exchange(first_frame_, false);
  woken_ = false;
  return batch;
}

void Mailbox::clear() {
  std::lock_guard lock(mutex_);
  failures_.clear();
  fresh_ = false;
  first_frame_ = false;
  slots_[reader_].data.release();  // no stale picture for the next stream's readers; the buffers are kept otherwise
}

std::uint64_t Mailbox::framesDropped() const {
  std::lock_guard lock(mutex_);
  return frames_dropped_;
}

}  // namespace villagecam::ingest
