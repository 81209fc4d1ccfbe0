// One camera's encoded stream, as it leaves the parser of whichever pipeline
// holds the camera's one connection, handed to everything else that wants
// it: re-served viewers, evidence clips. Nothing is decoded or copied: a unit
// is a reference to the parser's own buffer.
//
// Threads: push() runs on the camera pipeline's streaming thread and must
// never wait on a consumer, so every sink's unit() only queues (or drops for
// itself) and returns. Sinks are called under the fan-out's lock: once
// Subscription's destructor has returned, its sink is never called again.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "util/clock.hpp"

typedef struct _GstBuffer GstBuffer;  // no GStreamer header leaks from here

namespace villagecam::ingest {

// What the parser puts out: the codec, and its caps as a string
// (stream-format, codec_data, size) for whoever builds a pipeline on it.
struct EncodedFormat {
  std::string codec;  // "h264", "h265"
  std::string caps;
  bool operator==(const EncodedFormat&) const = default;
};

// One access unit: a counted reference to the parser's buffer.
class EncodedUnit {
 public:
  // Takes a reference of its own.
  EncodedUnit(GstBuffer* buffer, WallTime arrived, SteadyTime arrived_steady);
  EncodedUnit(const EncodedUnit& other);
  EncodedUnit& operator=(const EncodedUnit& other);
  EncodedUnit(EncodedUnit&& other) noexcept;
  EncodedUnit& operator=(EncodedUnit&& other) noexcept;
  ~EncodedUnit();

  GstBuffer* buffer() const { return buffer_; }  // borrowed
  bool key() const { return facts_.key; }
  bool discont() const { return facts_.discont; }  // data was lost just before it
  std::size_t size() const { return facts_.size; }
  // Stream time of the camera pipeline, in nanoseconds; nullopt if unknown.
  std::optional<std::uint64_t> pts() const { return facts_.pts; }
  WallTime arrived() const { return facts_.arrived; }
  SteadyTime arrivedSteady() const { return facts_.arrived_steady; }

 private:
  struct Facts {  // read from the buffer once
    bool key = false;
    bool discont = false;
    std::size_t size = 0;
    std::optional<std::uint64_t> pts;
    WallTime arrived{};
    SteadyTime arrived_steady{};
  };
  GstBuffer* buffer_ = nullptr;
  Facts facts_;
};

class EncodedSink {
 public:
  virtual ~EncodedSink() = default;
  // The format of the units that follow (again after every reconnect, and
  // when a camera changes its stream).
  virtual void format(const EncodedFormat& format) = 0;
  // Must not block: queue it or drop it.
  virtual void unit(const EncodedUnit& unit) = 0;
  // The connection to the camera ended; units may follow from a new one
  // after a new format(). Timestamps start again there.
  virtual void interrupted() {}
  // The camera is gone from the node (removed from the config): no unit
  // follows.
  virtual void closed() {}
};

class EncodedFanout {
 public:
  class Subscription {
   public:
    Subscription() = default;
    Subscription(std::weak_ptr<EncodedFanout> fanout, EncodedSink* sink) : fanout_(std::move(fanout)), sink_(sink) {}
    ~Subscription() { reset(); }
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    void reset();

   private:
    std::weak_ptr<EncodedFanout> fanout_;
    EncodedSink* sink_ = nullptr;
  };

  explicit EncodedFanout(std::string camera_id) : camera_id_(std::move(camera_id)) {}

  // The sink is told the current format (if known) before this returns,
  // then every unit from the next one on. It must outlive the subscription.
  // `from_key`: first the units from the latest key frame on (the GOP so
  // far), so that a new viewer's decoder starts now rather than at the
  // camera's next key frame (a live view's first picture at once).
  [[nodiscard]] static Subscription subscribe(const std::shared_ptr<EncodedFanout>& fanout,
                                              std::shared_ptr<EncodedSink> sink, bool from_key = false);
  // The same with a sink made by `make` under the fan-out's lock: nothing is
  // pushed between what `make` sees (of another sink fed by this fan-out)
  // and the new sink's first unit. `make` may return null: no subscription.
  [[nodiscard]] static Subscription subscribeMade(const std::shared_ptr<EncodedFanout>& fanout,
                                                  const std::function<std::shared_ptr<EncodedSink>()>& make,
                                                  bool from_key = false);

  // The GOP kept for `from_key` subscribers: at most this many bytes (a
  // longer GOP is not kept: those subscribers wait for the next key frame).
  static constexpr std::size_t kMaxGopBytes = 4u << 20;

  // The producer side (a camera pipeline's streaming threads).
  void setFormat(EncodedFormat format);
  void push(const EncodedUnit& unit);
  void interrupted();
  void close();

  const std::string& cameraId() const { return camera_id_; }
  std::optional<EncodedFormat> format() const;
  // Bytes pushed since the fan-out was made (for bit rates).
  std::uint64_t bytes() const;
  bool streaming() const;
  std::size_t sinks() const;

 private:
  void unsubscribe(EncodedSink* sink);

  const std::string camera_id_;
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<EncodedSink>> sinks_;
  std::optional<EncodedFormat> format_;
  bool streaming_ = false;
  bool closed_ = false;
  std::uint64_t bytes_ = 0;
  std::vector<EncodedUnit> gop_;  // from the latest key frame on (references, no copies)
  std::size_t gop_bytes_ = 0;
};

}  // namespace villagecam::ingest
