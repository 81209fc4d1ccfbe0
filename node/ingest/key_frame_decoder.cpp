#include "ingest/key_frame_decoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/pixdesc.h>
}

namespace villagecam::ingest {
namespace {

std::string errorText(int av_error) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(av_error, text, sizeof text);
  return text;
}

bool isI420(int format) { return format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P; }

}  // namespace

KeyFrameDecoder::KeyFrameDecoder(std::string codec) : codec_(std::move(codec)) {}

KeyFrameDecoder::~KeyFrameDecoder() {
  release();
  av_packet_free(&packet_);
}

void KeyFrameDecoder::release() {
  av_frame_free(&frame_);
  av_frame_free(&spare_);
  avcodec_free_context(&context_);
}

std::optional<std::string> KeyFrameDecoder::openDecoder() {
  const AVCodecID id = codec_ == "h264" ? AV_CODEC_ID_H264 : codec_ == "h265" ? AV_CODEC_ID_HEVC : AV_CODEC_ID_NONE;
  const AVCodec* codec = id == AV_CODEC_ID_NONE ? nullptr : avcodec_find_decoder(id);
  if (!codec) return "libavcodec has no decoder for '" + codec_ + "'";
  if (!packet_) packet_ = av_packet_alloc();
  frame_ = av_frame_alloc();
  spare_ = av_frame_alloc();
  context_ = avcodec_alloc_context3(codec);
  if (!packet_ || !frame_ || !spare_ || !context_) {
    release();
    return std::string("out of memory for the decoder");
  }
  context_->thread_count = 1;  // one picture at a time: threads would only add their own buffers
  if (const int r = avcodec_open2(context_, codec, nullptr); r < 0) {
    release();
    return "the decoder does not open: " + errorText(r);
  }
  return std::nullopt;
}

KeyFrameDecoder::Outcome KeyFrameDecoder::decode(const std::uint8_t* data, std::size_t size) {
  Outcome out;
  if (!context_) {
    if (auto error = openDecoder()) {
      out.error = *error;
      out.fatal = true;
      return out;
    }
  }
  av_frame_unref(frame_);
  packet_->data = const_cast<std::uint8_t*>(data);  // not reference-counted: libavcodec copies what it keeps
  packet_->size = static_cast<int>(size);
  packet_->flags = AV_PKT_FLAG_KEY;
  const int sent = avcodec_send_packet(context_, packet_);
  av_packet_unref(packet_);
  // Drained at once: a decoder that reorders would otherwise hold this
  // picture until the next unit, a GOP later.
  avcodec_send_packet(context_, nullptr);
  int received = avcodec_receive_frame(context_, frame_);
  while (avcodec_receive_frame(context_, spare_) == 0) av_frame_unref(spare_);
  avcodec_flush_buffers(context_);  // out of draining, ready for the next key frame
  if (sent < 0 || received < 0) {
    if (sent == AVERROR(ENOMEM) || received == AVERROR(ENOMEM)) out.fatal = true;
    out.error = "the key frame does not decode: " + errorText(sent < 0 ? sent : received);
    av_frame_unref(frame_);
    return out;
  }
  Picture picture;
  const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame_->format));
  picture.format = name ? name : "unknown";
  picture.corrupt = (frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame_->decode_error_flags != 0;
  if (isI420(frame_->format) && frame_->width > 0 && frame_->height > 0) {
    const int cw = (frame_->width + 1) / 2, ch = (frame_->height + 1) / 2;
    picture.i420[0] = cv::Mat(frame_->height, frame_->width, CV_8UC1, frame_->data[0],
                              static_cast<size_t>(frame_->linesize[0]));
    picture.i420[1] = cv::Mat(ch, cw, CV_8UC1, frame_->data[1], static_cast<size_t>(frame_->linesize[1]));
    picture.i420[2] = cv::Mat(ch, cw, CV_8UC1, frame_->data[2], static_cast<size_t>(frame_->linesize[2]));
  }
  out.picture = std::move(picture);
  return out;
}

}  // namespace villagecam::ingest
