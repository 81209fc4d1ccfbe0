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

void Mailbox::postFrame(gst::SamplePtr sample) {
  gst::SamplePtr replaced;  // released outside the lock
  {
    std::lock_guard lock(mutex_);
    if (frame_) ++frames_dropped_;
    replaced = std::exchange(frame_, std::move(sample));
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
  batch.frame = std::move(frame_);
  batch.first_frame = std::exchange(first_frame_, false);
  woken_ = false;
  return batch;
}

void Mailbox::clear() {
  gst::SamplePtr dropped;
  std::lock_guard lock(mutex_);
  failures_.clear();
  dropped = std::move(frame_);
  first_frame_ = false;
}

std::uint64_t Mailbox::framesDropped() const {
  std::lock_guard lock(mutex_);
  return frames_dropped_;
}

}  // namespace villagecam::ingest
