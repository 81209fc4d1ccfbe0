// The hand-off from GStreamer's threads to a camera's worker. Callbacks only
// post here (a short lock, a move, a notify) and return; the worker waits on
// it. The frame slot holds only the latest frame: an older unread one is
// replaced and counted as dropped.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/camera_state.hpp"
#include "ingest/gst_ptr.hpp"
#include "util/clock.hpp"

namespace villagecam::ingest {

struct StreamFailure {
  FailureKind kind;
  std::string reason;
};

class Mailbox {
 public:
  struct Batch {
    std::vector<StreamFailure> failures;
    gst::SamplePtr frame;  // the latest decoded frame, if one came
    bool first_frame = false;
  };

  void postFailure(StreamFailure failure);
  void postFrame(gst::SamplePtr sample);
  void postFirstEncodedFrame();
  void wake();

  // Waits until something is posted, wake() is called or the deadline passes,
  // then takes everything posted so far.
  Batch waitUntil(SteadyTime deadline);
  // Drops what a stream that is gone left behind.
  void clear();

  std::uint64_t framesDropped() const;

 private:
  bool pendingLocked() const { return !failures_.empty() || frame_ || first_frame_ || woken_; }

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<StreamFailure> failures_;
  gst::SamplePtr frame_;
  bool first_frame_ = false;
  bool woken_ = false;
  std::uint64_t frames_dropped_ = 0;
};

}  // namespace villagecam::ingest
