// The camera read by FFmpeg's demuxer (RtspDemuxer) on one thread of its own,
// which also counts, relays and, for what is to be decoded, pushes the unit
// through the template's chain from its parser on (DecodeBranch), all in
// turn: one thread a camera, however many consumers.
#include <gst/gst.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "ingest/decode_branch.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/key_frame_decoder.hpp"
#include "ingest/pipeline_backend.hpp"
#include "ingest/rtsp_demuxer.hpp"
#include "ingest/stream_taps.hpp"

namespace villagecam::ingest {
namespace {

std::string capsFor(const std::string& codec) {
  return "video/x-" + codec + ", stream-format=(string)byte-stream, alignment=(string)au";
}

void freePacket(gpointer packet) { AvPacketFree{}(static_cast<AVPacket*>(packet)); }

class DemuxerPipeline final : public PipelineBackend {
 public:
  DemuxerPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                  const std::optional<config::Credentials>& credentials, std::shared_ptr<Mailbox> mailbox,
                  std::shared_ptr<StreamCounters> counters, FrameOutput output)
      : rendered_(rendered),
        url_(url),
        credentials_(credentials),
        mailbox_(mailbox),
        taps_(std::move(mailbox), std::move(counters), std::move(output)) {
    gst::ensureInitialised();
    taps_.setDecodes(rendered_.decodes());
  }

  ~DemuxerPipeline() override {
    demuxer_.interrupt();
    if (thread_.joinable()) thread_.join();
    // The thread made the branch and the demuxer's connection; both go here,
    // after it: no push is under way.
  }

  void play() override {
    thread_ = std::thread([this] { run(); });
  }

  StreamInfo info() const override {
    std::lock_guard lock(info_mutex_);
    StreamInfo out = info_;
    if (branch_) {
      const auto [width, height] = branch_->size();
      if (width > 0) std::tie(out.width, out.height) = std::tie(width, height);
    }
    return out;
  }

  void askForPicture() override { taps_.askForPicture(); }

 private:
  void run();
  void fail(StreamFailure failure) {
    if (!demuxer_.interrupted()) mailbox_->postFailure(std::move(failure));
  }
  // The unit as a buffer for GStreamer: FFmpeg's packet, not copied, unless
  // a key frame comes without its parameter sets (the SDP's go before it, so
  // that a viewer, a clip or the decoder can start there).
  GstBuffer* bufferOf(RtspDemuxer::Unit& unit, bool discont);
  // Hands a unit that is to be decoded to the branch, made now if there is
  // none. In the health and keyframes modes the branch rests once the
  // picture is out (DecodeBranch::rest: its decoder and picture pool, some
  // 10 MiB at 720p, are freed; its elements stay). False: the branch failed
  // and said why.
  bool decode(GstBuffer* buffer);
  // The same for a key frame alone, by libavcodec directly (KeyFrameDecoder):
  // keyframes and health modes when the template decodes with avdec.
  bool decodeKeyFrame(GstBuffer* buffer);

  const RenderedPipeline rendered_;
  const config::RtspUrl url_;
  const std::optional<config::Credentials> credentials_;
  std::shared_ptr<Mailbox> mailbox_;
  StreamTaps taps_;
  RtspDemuxer demuxer_;
  std::string codec_;
  std::string decode_chain_, decode_caps_;  // set once the codec is known

  mutable std::mutex info_mutex_;  // guards info_ and branch_ (made once, by the thread)
  StreamInfo info_;
  std::unique_ptr<DecodeBranch> branch_;
  std::unique_ptr<KeyFrameDecoder> key_frame_decoder_;  // set: it decodes, not a branch
  std::thread thread_;
};

void DemuxerPipeline::run() {
  if (auto failure = demuxer_.open(url_, credentials_, *rendered_.demuxer)) return fail(std::move(*failure));
  codec_ = demuxer_.codec();
  const auto chain = rendered_.decodeChainFor(codec_);
  if (!chain || (codec_ != "h264" && codec_ != "h265")) {
    return fail({health::FailureKind::UnsupportedCodec, "unsupported codec '" + codec_ + "'"});
  }
  const std::string caps = capsFor(codec_);
  {
    gst::CapsPtr parsed(gst_caps_from_string(caps.c_str()));
    taps_.encodedCaps(parsed.get());
  }
  decode_chain_ = *chain;
  decode_caps_ = caps;
  if ((taps_.decodesKeyFramesOnly() || taps_.decodesSamplesOnly()) && rendered_.decodesWithLibavcodec(codec_)) {
    key_frame_decoder_ = std::make_unique<KeyFrameDecoder>(codec_);
  }
  {
    std::lock_guard lock(info_mutex_);
    info_.codec = codec_;
  }
  bool discont = true;  // the first unit of a connection follows nothing
  while (true) {
    auto result = demuxer_.read();
    if (!result.unit) return fail(std::move(*result.failure));
    GstBuffer* buffer = bufferOf(*result.unit, discont || result.unit->corrupt);
    discont = false;
    if (!buffer) return fail({health::FailureKind::Other, "out of memory"});
    if (taps_.encoded(buffer) && taps_.decodes()) {
      if (!(key_frame_decoder_ ? decodeKeyFrame(buffer) : decode(buffer))) return;  // it posted why
    } else {
      gst_buffer_unref(buffer);
    }
  }
}

bool DemuxerPipeline::decode(GstBuffer* buffer) {
  if (!branch_) {
    try {
      auto branch = std::make_unique<DecodeBranch>(decode_chain_, decode_caps_, taps_);
      std::lock_guard lock(info_mutex_);
      branch_ = std::move(branch);
    } catch (const std::exception& e) {
      gst_buffer_unref(buffer);
      fail({health::FailureKind::Other, e.what()});
      return false;
    }
  }
  if (!branch_->push(buffer)) return false;
  // keyframes: each key frame decodes on its own, its picture out now (not
  // when the next one comes a GOP later); health: the sample's picture is out.
  if (taps_.decodesKeyFramesOnly() || (taps_.decodesSamplesOnly() && !taps_.sampleUnderWay())) {
    {
      std::lock_guard lock(info_mutex_);
      std::tie(info_.width, info_.height) = branch_->size();
    }
    branch_->rest();
  }
  return true;
}

bool DemuxerPipeline::decodeKeyFrame(GstBuffer* buffer) {
  gst::BufferPtr owned(buffer);
  if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)) return true;  // a sample starts at a key frame
  const gst::MappedBuffer mapped(buffer);
  if (!mapped.ok()) return true;
  auto outcome = key_frame_decoder_->decode(mapped.data(), mapped.size());
  if (outcome.fatal) {
    fail({health::FailureKind::Other, outcome.error});
    return false;
  }
  if (!outcome.picture) {
    taps_.undecodable();  // counted; a health sample goes on to the next key frame
  } else if (outcome.picture->i420[0].empty()) {
    fail({health::FailureKind::UnsupportedCodec,
          "the camera's pictures are " + outcome.picture->format + ": the node reads 8-bit 4:2:0 pictures only"});
    return false;
  } else {
    {
      std::lock_guard lock(info_mutex_);
      std::tie(info_.width, info_.height) = std::pair(outcome.picture->i420[0].cols, outcome.picture->i420[0].rows);
    }
    const GstClockTime pts = GST_BUFFER_PTS(buffer);
    taps_.decoded(FrameView(outcome.picture->i420),
                  GST_CLOCK_TIME_IS_VALID(pts) ? std::optional<std::uint64_t>(pts) : std::nullopt,
                  outcome.picture->corrupt);
  }
  // health: a sample a while; the decoder need not wait for the next.
  if (taps_.decodesSamplesOnly() && !taps_.sampleUnderWay()) key_frame_decoder_->release();
  return true;
}

GstBuffer* DemuxerPipeline::bufferOf(RtspDemuxer::Unit& unit, bool discont) {
  GstBuffer* buffer = nullptr;
  const auto& sets = demuxer_.parameterSets();
  if (unit.key && !sets.empty() && !carriesParameterSets(codec_, unit.data, unit.size)) {
    buffer = gst_buffer_new_allocate(nullptr, sets.size() + unit.size, nullptr);
    if (!buffer) return nullptr;
    gst_buffer_fill(buffer, 0, sets.data(), sets.size());
    gst_buffer_fill(buffer, sets.size(), unit.data, unit.size);
  } else {
    AVPacket* packet = unit.packet.release();
    buffer = gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, const_cast<std::uint8_t*>(unit.data), unit.size, 0,
                                         unit.size, packet, &freePacket);
  }
  if (unit.pts_ns && *unit.pts_ns >= 0) {
    GST_BUFFER_PTS(buffer) = static_cast<GstClockTime>(*unit.pts_ns);
    GST_BUFFER_DTS(buffer) = static_cast<GstClockTime>(*unit.pts_ns);
  }
  if (!unit.key) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT);
  if (discont) GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_DISCONT);
  return buffer;
}

}  // namespace

std::unique_ptr<PipelineBackend> makeDemuxerPipeline(const RenderedPipeline& rendered, const config::RtspUrl& url,
                                                     const std::optional<config::Credentials>& credentials,
                                                     std::shared_ptr<Mailbox> mailbox,
                                                     std::shared_ptr<StreamCounters> counters, FrameOutput output) {
  return std::make_unique<DemuxerPipeline>(rendered, url, credentials, std::move(mailbox), std::move(counters),
                                           std::move(output));
}

}  // namespace villagecam::ingest
