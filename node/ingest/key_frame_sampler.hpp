// Analysis mode health decodes one picture a while, not the stream: which
// encoded access units reach the decoder then. Between samples nothing does;
// when a sample is due, the next key frame opens the way, and the units after
// it pass too until the decoder hands out a picture (a decoder may hold its
// first picture back for a few frames), then the way closes again. Every unit
// the decoder sees follows its key frame, so no picture it makes misses a
// reference. Pure: the pipeline's pad probes feed it the flags and the time.
#pragma once

#include <atomic>
#include <optional>

#include "util/clock.hpp"

namespace villagecam::ingest {

class KeyFrameSampler {
 public:
  explicit KeyFrameSampler(Duration every) : every_(every) {}

  // One access unit, in stream order (the parser's streaming thread).
  // True: pass it to the decoder.
  bool admit(bool key_frame, SteadyTime now) {
    if (passing_.load(std::memory_order_acquire)) return true;
    if (!key_frame) return false;
    const bool asked = asked_.exchange(false, std::memory_order_acq_rel);
    if (!asked && next_due_ && now < *next_due_) return false;
    next_due_ = now + every_;
    passing_.store(true, std::memory_order_release);
    return true;
  }
  // The decoder handed out a picture (its output thread, maybe another).
  void decoded() { passing_.store(false, std::memory_order_release); }
  // Units pass now: a sample's key frame went in, its picture has not come out.
  bool passing() const { return passing_.load(std::memory_order_acquire); }
  // A sample now, at the next key frame, whatever the interval says (any
  // thread): the stream looks frozen, and only a picture tells a still scene
  // from a capped lens.
  void askNow() { asked_.store(true, std::memory_order_release); }

 private:
  Duration every_;
  std::optional<SteadyTime> next_due_;  // nullopt: the first key frame is a sample
  std::atomic<bool> passing_{false};
  std::atomic<bool> asked_{false};
};

}  // namespace villagecam::ingest
