// The hand-off from GStreamer's threads to a camera's worker. Callbacks only
// post here (a short lock, a swap, a notify) and return; the worker waits on
// it.
//
// Frames go through three preallocated slots (a triple buffer): the streaming
// thread writes the next frame into its own slot (frameToFill), posting swaps
// it with the shared one; the worker swaps the shared one with its own when it
// takes a batch. Only the latest frame is kept (an unread one is replaced and
// counted as dropped), nobody waits for anybody, and once the slots have their
// size no frame allocates. The slots hold analysis-size frames, not the
// decoder's pictures: a picture goes back to the decoder as soon as it is
// scaled.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "ingest/stream_failure.hpp"
#include "analysis/analysis_frame.hpp"
#include "util/clock.hpp"

namespace villagecam::ingest {

class Mailbox {
 public:
  struct Batch {
    std::vector<StreamFailure> failures;
    bool frame = false;  // a new frame came: see latestFrame()
    bool first_frame = false;
  };

  void postFailure(StreamFailure failure);
  // Streaming thread only: the slot to write the next frame into, then post it.
  analysis::ScaledFrame& frameToFill() { return slots_[writer_]; }
  void postFrame();
  void postFirstEncodedFrame();
  void wake();

  // Waits until something is posted, wake() is called or the deadline passes,
  // then takes everything posted so far.
  Batch waitUntil(SteadyTime deadline);
  // Worker only: the newest frame taken by waitUntil (empty before the first).
  // Valid until the next waitUntil or clear(); clone it to keep it longer.
  const analysis::ScaledFrame& latestFrame() const { return slots_[reader_]; }
  // Drops what a stream that is gone left behind.
  void clear();

  std::uint64_t framesDropped() const;

 private:
  bool pendingLocked() const { return !failures_.empty() || fresh_ || first_frame_ || woken_; }

  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<StreamFailure> failures_;
  analysis::ScaledFrame slots_[3];
  int writer_ = 0;  // owned by the streaming thread
  int shared_ = 1;  // guarded by mutex_
  int reader_ = 2;  // owned by the worker
  bool fresh_ = false;  // shared_ holds a frame nobody took yet
  bool first_frame_ = false;
  bool woken_ = false;
  std::uint64_t frames_dropped_ = 0;
};

}  // namespace villagecam::ingest
