// An EncodedSink that feeds one appsrc (the source of a re-served media):
// never blocks the camera's streaming thread. When the appsrc's queue holds
// more than its bound (the media fell behind), units are dropped up to the
// next key frame, so what goes out stays decodable; so after a loss in the
// camera's stream (a delta unit marked discont) and at the start.
//
// Timestamps: units go out timed by their arrival (appsrc do-timestamp), so
// a camera that reconnects continues its viewers' timeline.
// Internal to the relay layer (GStreamer headers).
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <string>

#include "ingest/encoded_fanout.hpp"
#include "util/clock.hpp"

namespace villagecam::relay {

class AppsrcFeed final : public ingest::EncodedSink {
 public:
  // Takes a reference of its own to `appsrc`.
  AppsrcFeed(GstElement* appsrc, std::size_t max_queue_bytes, SteadyTime created);
  ~AppsrcFeed() override;
  AppsrcFeed(const AppsrcFeed&) = delete;
  AppsrcFeed& operator=(const AppsrcFeed&) = delete;

  void format(const ingest::EncodedFormat& format) override;
  void unit(const ingest::EncodedUnit& unit) override;
  void interrupted() override;
  void closed() override;

  // Sends end-of-stream: nothing more goes out. Idempotent.
  void end();
  bool ended() const;
  // When the last unit went out (or the feed was made, before any).
  SteadyTime lastUnit() const;
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
  // The codec the feed's media was built for (the first format it saw).
  std::optional<std::string> codec() const;

 private:
  GstElement* appsrc_;
  const std::size_t max_queue_bytes_;
  mutable std::mutex mutex_;
  std::optional<std::string> codec_;
  std::string caps_;
  bool waiting_for_key_ = true;
  bool ended_ = false;
  SteadyTime last_unit_;
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::uint64_t> sent_{0};
};

}  // namespace villagecam::relay
