#include "ingest/rtsp_demuxer.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/dict.h>
#include <libavutil/log.h>
}

#include <chrono>
#include <cstdarg>
#include <cstring>
#include <mutex>

#include "i18n/messages.hpp"
#include "ingest/gst_ptr.hpp"
#include "util/logging.hpp"

namespace villagecam::ingest {

using i18n::Msg;
using i18n::tr;

namespace {

// FFmpeg's own log lines go to the "ffmpeg" logger at debug level, with any
// credentials in a URL redacted; nothing reaches stderr on its own.
void logFromFfmpeg(void* context, int level, const char* format, va_list args) {
  if (level > av_log_get_level()) return;
  // A warning of an RTSP demuxer of ours while it streams is how FFmpeg says
  // an RTP packet was lost or came too late ("RTP: missed 3 packets", "jitter
  // buffer full", a bad FU-A): its demuxer has no flag for it.
  if (context && *static_cast<const AVClass* const*>(context) == avformat_get_class()) {
    const auto* format_context = static_cast<const AVFormatContext*>(context);
    if (format_context->opaque && format_context->iformat && std::strcmp(format_context->iformat->name, "rtsp") == 0) {
      static_cast<RtspDemuxer*>(format_context->opaque)->noteLoss();
    }
  }
  char line[1024];
  int print_prefix = 1;
  av_log_format_line2(context, level, format, args, line, sizeof line, &print_prefix);
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  logger("ffmpeg")->debug("{}", config::redactUrlsIn(text));
}

void initialiseFfmpeg() {
  static std::once_flag once;
  std::call_once(once, [] {
    // GStreamer's libav plugin sets a log callback of its own when it loads:
    // load it first, so that ours stays.
    gst::ensureInitialised();
    if (GstPlugin* plugin = gst_plugin_load_by_name("libav")) gst_object_unref(plugin);
    av_log_set_level(AV_LOG_WARNING);
    av_log_set_callback(&logFromFfmpeg);
    avformat_network_init();
  });
}

// RFC 3986 userinfo: everything but the unreserved characters percent-encoded
// (FFmpeg decodes it again before it answers a challenge).
std::string percentEncoded(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The address FFmpeg is given: credentials in its userinfo, since it takes
// them no other way. It is never logged: FFmpeg's lines pass redactUrlsIn.
std::string addressFor(const config::RtspUrl& url, const std::optional<config::Credentials>& credentials) {
  const std::string plain = url.withoutCredentials();
  if (!credentials || credentials->username.empty()) return plain;
  const auto scheme_end = plain.find("://");
  if (scheme_end == std::string::npos) return plain;
  return plain.substr(0, scheme_end + 3) + percentEncoded(credentials->username) + ":" +
         percentEncoded(credentials->password) + "@" + plain.substr(scheme_end + 3);
}

struct Dictionary {
  AVDictionary* entries = nullptr;
  ~Dictionary() { av_dict_free(&entries); }
  void set(const char* key, const std::string& value) { av_dict_set(&entries, key, value.c_str(), 0); }
};

std::int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void AvPacketFree::operator()(AVPacket* p) const { av_packet_free(&p); }

StreamFailure classifyDemuxerError(int av_error) {
  using health::FailureKind;
  switch (av_error) {
    case AVERROR_HTTP_UNAUTHORIZED:
      return {FailureKind::Unauthorized, tr(Msg::CamRefusedCredentials, "401 Unauthorized")};
    case AVERROR_HTTP_FORBIDDEN:
      return {FailureKind::Unauthorized, tr(Msg::CamForbidden, "403 Forbidden")};
    case AVERROR_HTTP_NOT_FOUND:
      return {FailureKind::NotFound, tr(Msg::CamNoStreamAtPath, "404 Not Found")};
    case AVERROR(ECONNREFUSED):
      return {FailureKind::Refused, tr(Msg::CamConnectionRefused)};
    case AVERROR(ETIMEDOUT):
      return {FailureKind::Timeout, tr(Msg::CamNoAnswerInTime)};
    case AVERROR(EHOSTUNREACH):
    case AVERROR(ENETUNREACH):
      return {FailureKind::Unreachable, tr(Msg::CamUnreachable)};
    case AVERROR_EOF:
      return {FailureKind::StreamEnded, tr(Msg::CamEndedStream)};
    case AVERROR(ECONNRESET):
    case AVERROR(EPIPE):
      return {FailureKind::Other, tr(Msg::CamClosedConnection)};
    case AVERROR_INVALIDDATA:
    case AVERROR_HTTP_BAD_REQUEST:
      return {FailureKind::Other, tr(Msg::CamNotRtsp)};
    case AVERROR_HTTP_SERVER_ERROR:
      return {FailureKind::Other, tr(Msg::CamInternalError)};
    case AVERROR(EIO):
      // FFmpeg says no more when a host name does not resolve or a connection
      // fails in another way: the worker asks explainFailure().
      return {FailureKind::Refused, couldNotConnect()};
    default: {
      char text[AV_ERROR_MAX_STRING_SIZE] = {};
      av_strerror(av_error, text, sizeof text);
      return {FailureKind::Other, config::redactUrlsIn(text)};
    }
  }
}

bool carriesParameterSets(const std::string& codec, const std::uint8_t* data, std::size_t size) {
  for (std::size_t i = 0; i + 3 < size; ++i) {
    if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1) continue;
    const std::uint8_t header = data[i + 3];
    if (codec == "h264" && (header & 0x1f) == 7) return true;
    if (codec == "h265" && ((header >> 1) & 0x3f) == 33) return true;
    i += 2;
  }
  return false;
}

namespace {

bool isParameterSet(const std::string& codec, std::uint8_t header) {
  if (codec == "h264") {
    const int type = header & 0x1f;
    return type == 7 || type == 8;
  }
  if (codec == "h265") {
    const int type = (header >> 1) & 0x3f;
    return type >= 32 && type <= 34;
  }
  return false;
}

}  // namespace

std::size_t afterLeadingParameterSets(const std::string& codec, const std::uint8_t* data, std::size_t size) {
  for (std::size_t i = 0; i + 3 < size; ++i) {
    if (data[i] != 0 || data[i + 1] != 0 || data[i + 2] != 1) continue;
    const std::size_t start = i > 0 && data[i - 1] == 0 ? i - 1 : i;  // a four-byte start code
    if (!isParameterSet(codec, data[i + 3])) return start;
    i += 2;
  }
  return size;
}

RtspDemuxer::RtspDemuxer() { initialiseFfmpeg(); }

RtspDemuxer::~RtspDemuxer() {
  if (!context_) return;
  // An orderly goodbye (TEARDOWN, sent without waiting for the answer), so
  // that a camera that takes one or two sessions does not keep ours until
  // its own timeout; given one second at most, even after interrupt().
  close_deadline_ns_.store(steadyNowNs() + 1'000'000'000, std::memory_order_release);
  interrupted_.store(false, std::memory_order_release);
  avformat_close_input(&context_);
}

int RtspDemuxer::onInterruptCheck(void* self) {
  auto* demuxer = static_cast<RtspDemuxer*>(self);
  if (demuxer->interrupted()) return 1;
  const auto deadline = demuxer->close_deadline_ns_.load(std::memory_order_acquire);
  return deadline != 0 && steadyNowNs() > deadline ? 1 : 0;
}

std::optional<StreamFailure> RtspDemuxer::open(const config::RtspUrl& url,
                                               const std::optional<config::Credentials>& credentials,
                                               const DemuxerSettings& settings) {
  AVFormatContext* context = avformat_alloc_context();
  if (!context) return StreamFailure{health::FailureKind::Other, tr(Msg::OutOfMemory)};
  context->interrupt_callback.callback = &RtspDemuxer::onInterruptCheck;
  context->interrupt_callback.opaque = this;
  context->opaque = nullptr;  // no loss is noted while connecting
  Dictionary options;
  switch (settings.transport) {
    case config::Transport::Tcp: options.set("rtsp_transport", "tcp"); break;
    case config::Transport::Udp: options.set("rtsp_transport", "udp"); break;
    default: options.set("rtsp_transport", "udp+tcp"); break;  // UDP, TCP when UDP is refused or stays silent
  }
  options.set("timeout", std::to_string(settings.io_timeout_us));
  options.set("max_delay", std::to_string(settings.max_delay_us));
  // Over TCP as over UDP, a gap in the RTP sequence waits in a short queue
  // and is then reported (logFromFfmpeg): without it, TCP gaps go unsaid.
  options.set("reorder_queue_size", "32");
  options.set("allowed_media_types", "video");  // no session for audio or metadata
  options.set("user_agent", "villagecam");
  const int opened = avformat_open_input(&context, addressFor(url, credentials).c_str(), nullptr, &options.entries);
  if (opened < 0) {  // FFmpeg has freed the context
    return classifyDemuxerError(opened);
  }
  context_ = context;
  context_->opaque = this;
  for (unsigned i = 0; i < context_->nb_streams; ++i) {
    AVStream* stream = context_->streams[i];
    if (stream->codecpar->codec_type == AVMEDIA_TYPE_VIDEO && stream_index_ < 0) {
      stream_index_ = static_cast<int>(i);
    } else {
      stream->discard = AVDISCARD_ALL;
    }
  }
  if (stream_index_ < 0) return StreamFailure{health::FailureKind::Other, "camera offers no video stream"};
  const AVCodecParameters* parameters = context_->streams[stream_index_]->codecpar;
  switch (parameters->codec_id) {
    case AV_CODEC_ID_H264: codec_ = "h264"; break;
    case AV_CODEC_ID_HEVC: codec_ = "h265"; break;
    default: codec_ = avcodec_get_name(parameters->codec_id); break;
  }
  if (parameters->extradata && parameters->extradata_size > 0) {
    parameter_sets_.assign(parameters->extradata, parameters->extradata + parameters->extradata_size);
  }
  return std::nullopt;
}

RtspDemuxer::ReadResult RtspDemuxer::read() {
  if (next_) {
    ReadResult out{std::move(next_), std::nullopt};
    next_.reset();
    return out;
  }
  if (failed_) return {std::nullopt, failed_};
  while (true) {
    ReadResult r = readPacket();
    if (!r.unit) {
      if (!held_) return r;
      failed_ = std::move(r.failure);
      ReadResult out{std::move(held_), std::nullopt};
      held_.reset();
      return out;
    }
    Unit unit = std::move(*r.unit);
    if (held_) {
      // The rest of the held key frame: a key part of its time stamp (the
      // stream's very first part has none yet).
      if (unit.key && (!held_->stamp || held_->stamp == unit.stamp)) {
        held_ = joined(std::move(*held_), unit);
        continue;
      }
      ReadResult out{std::move(held_), std::nullopt};
      held_.reset();
      if (unit.key) {
        held_ = std::move(unit);
      } else {
        next_ = std::move(unit);
      }
      return out;
    }
    if (unit.key) {
      held_ = std::move(unit);
      continue;
    }
    return {std::move(unit), std::nullopt};
  }
}

// The second part's repeated parameter sets are left out: between two slices
// of one picture they would start a new access unit for any parser after us.
RtspDemuxer::Unit RtspDemuxer::joined(Unit first, const Unit& second) const {
  const std::size_t skip = afterLeadingParameterSets(codec_, second.data, second.size);
  const std::size_t rest = second.size - skip;
  AvPacketPtr packet(av_packet_alloc());
  if (!packet || av_new_packet(packet.get(), static_cast<int>(first.size + rest)) < 0) return first;
  av_packet_copy_props(packet.get(), first.packet.get());
  std::memcpy(packet->data, first.data, first.size);
  std::memcpy(packet->data + first.size, second.data + skip, rest);
  first.corrupt = first.corrupt || second.corrupt;
  if (!first.stamp) {
    first.stamp = second.stamp;
    first.pts_ns = second.pts_ns;
  }
  first.data = packet->data;
  first.size = first.size + rest;
  first.packet = std::move(packet);
  return first;
}

RtspDemuxer::ReadResult RtspDemuxer::readPacket() {
  AvPacketPtr packet(av_packet_alloc());
  if (!packet) return {std::nullopt, StreamFailure{health::FailureKind::Other, tr(Msg::OutOfMemory)}};
  while (true) {
    const int rc = av_read_frame(context_, packet.get());
    if (rc < 0) {
      if (interrupted() || rc == AVERROR_EXIT) return {std::nullopt, StreamFailure{health::FailureKind::Other, "interrupted"}};
      return {std::nullopt, classifyDemuxerError(rc)};
    }
    if (packet->stream_index == stream_index_ && packet->size > 0) break;
    av_packet_unref(packet.get());
  }
  Unit unit;
  unit.key = (packet->flags & AV_PKT_FLAG_KEY) != 0;
  unit.corrupt = (packet->flags & AV_PKT_FLAG_CORRUPT) != 0;
  // A loss noted while this unit was read may have hit it or, the parser
  // handing out a unit only when the next one begins, the next one.
  if (const int losses = losses_.load(std::memory_order_relaxed); losses != losses_seen_) {
    losses_seen_ = losses;
    suspect_units_ = 2;
  }
  if (suspect_units_ > 0) {
    unit.corrupt = true;
    --suspect_units_;
  }
  // The parser's first part of a frame may lack a pts where its decode time
  // is known: without B frames (cameras' streams) the two are one.
  const std::int64_t stamp = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
  if (stamp != AV_NOPTS_VALUE) {
    unit.stamp = stamp;
    if (!first_pts_) first_pts_ = stamp;
    unit.pts_ns = av_rescale_q(stamp - *first_pts_, context_->streams[stream_index_]->time_base, AVRational{1, 1'000'000'000});
  }
  unit.data = packet->data;
  unit.size = static_cast<std::size_t>(packet->size);
  unit.packet = std::move(packet);
  return {std::move(unit), std::nullopt};
}

}  // namespace villagecam::ingest
