// FFmpeg's RTSP client (libavformat's demuxer): one camera's video stream as
// access units, read on the caller's thread. No jitter buffer thread, no RTCP
// thread, no queue: one blocking read at a time, which the owner can cut
// short from any thread (interrupt()). Used for the streams nobody decodes
// every frame of (docs/architecture.md, ingest), where GStreamer's rtspsrc
// costs more in threads and wake-ups than the depayloading itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ingest/pipeline_template.hpp"
#include "ingest/stream_failure.hpp"

typedef struct AVFormatContext AVFormatContext;  // no FFmpeg header leaks from here
typedef struct AVPacket AVPacket;

namespace villagecam::ingest {


// An FFmpeg error code as a failure the worker and the installer understand.
StreamFailure classifyDemuxerError(int av_error);

struct AvPacketFree {
  void operator()(AVPacket* p) const;
};
using AvPacketPtr = std::unique_ptr<AVPacket, AvPacketFree>;

class RtspDemuxer {
 public:
  RtspDemuxer();
  ~RtspDemuxer();
  RtspDemuxer(const RtspDemuxer&) = delete;
  RtspDemuxer& operator=(const RtspDemuxer&) = delete;

  // Connects (OPTIONS, DESCRIBE, SETUP of the first video stream only, PLAY).
  // nullopt: streaming; else why not. The credentials never reach a log.
  std::optional<StreamFailure> open(const config::RtspUrl& url, const std::optional<config::Credentials>& credentials,
                                    const DemuxerSettings& settings);

  // The video stream's codec ("h264", "h265", or FFmpeg's name for another)
  // and its parameter sets from the SDP (Annex B, may be empty). After open().
  const std::string& codec() const { return codec_; }
  const std::vector<std::uint8_t>& parameterSets() const { return parameter_sets_; }

  struct Unit {
    AvPacketPtr packet;
    bool key = false;
    bool corrupt = false;               // data may be missing in or just before it
    std::optional<std::int64_t> pts_ns;  // from the stream's first unit; nullopt: unknown
    const std::uint8_t* data = nullptr;  // owned by packet
    std::size_t size = 0;
    std::optional<std::int64_t> stamp;  // FFmpeg's own, in the stream's time base
  };
  // The next access unit of the video stream, or why there is none (after
  // interrupt(): reason "interrupted"; ask interrupted()).
  struct ReadResult {
    std::optional<Unit> unit;
    std::optional<StreamFailure> failure;
  };
  // A key frame is held until the next unit shows whether FFmpeg's parser
  // cut it in two (it does when parameter sets come between its slices, as
  // rtph264pay's config-interval puts them): the parts, of one time stamp,
  // are joined again. Other units are not held.
  ReadResult read();

  // Any thread: the read or open under way returns at once, and every later
  // one too.
  void interrupt() { interrupted_.store(true, std::memory_order_release); }
  bool interrupted() const { return interrupted_.load(std::memory_order_acquire); }

  // FFmpeg's RTSP demuxer complained while streaming (a lost or late RTP
  // packet: it has no other way to say so); called from the log callback.
  void noteLoss() { losses_.fetch_add(1, std::memory_order_relaxed); }

 private:
  static int onInterruptCheck(void* self);
  ReadResult readPacket();
  Unit joined(Unit first, const Unit& second) const;

  AVFormatContext* context_ = nullptr;  // owned: avformat_close_input in the destructor
  int stream_index_ = -1;
  std::string codec_;
  std::vector<std::uint8_t> parameter_sets_;
  std::optional<std::int64_t> first_pts_;
  std::optional<Unit> held_;          // a key frame that may have a second part
  std::optional<Unit> next_;          // read after held_, given out after it
  std::optional<StreamFailure> failed_;  // came after held_, given out after it
  std::atomic<bool> interrupted_{false};
  std::atomic<std::int64_t> close_deadline_ns_{0};  // steady clock; 0: none
  std::atomic<int> losses_{0};
  int losses_seen_ = 0;
  int suspect_units_ = 0;  // units still to be marked corrupt after a loss
};

// Access units in Annex B (start codes): whether one carries its sequence
// parameter set (H.264 NAL type 7, H.265 type 33). Pure.
bool carriesParameterSets(const std::string& codec, const std::uint8_t* data, std::size_t size);

// Where the first NAL unit that is not a parameter set (H.264 SPS, PPS; H.265
// VPS, SPS, PPS) begins, at its start code; `size` if none does. Pure.
std::size_t afterLeadingParameterSets(const std::string& codec, const std::uint8_t* data, std::size_t size);

}  // namespace villagecam::ingest
