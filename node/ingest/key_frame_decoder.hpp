// A key frame decoded on its own, by libavcodec on the caller's thread: for
// the cameras read by FFmpeg's demuxer that decode key frames only (analysis
// modes keyframes and health) when the template's decoder is libavcodec's
// own (avdec_h264, avdec_h265), so the picture is the one avdec would give.
//
// Why not the template's chain (DecodeBranch) there: a decoder that keeps
// running between key frames a GOP apart holds its pictures, pool and tables
// (some 10 MiB a 720p camera) and, if the encoder reorders (B frames), gives
// each key frame's picture only with the next unit, a GOP late; stopping the
// chain after each key frame frees that but costs, in state changes and in
// freshly mapped pages, about a fifth of what the decoding itself does. Here
// the decoder is drained after each key frame (its picture now), keeps one
// picture's worth of buffers between key frames and can be let go entirely
// (release(), health mode between samples).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <opencv2/core.hpp>

typedef struct AVCodecContext AVCodecContext;  // no FFmpeg header leaks from here
typedef struct AVFrame AVFrame;
typedef struct AVPacket AVPacket;

namespace villagecam::ingest {

class KeyFrameDecoder {
 public:
  // `codec`: "h264" or "h265". Nothing is allocated until the first decode.
  explicit KeyFrameDecoder(std::string codec);
  ~KeyFrameDecoder();
  KeyFrameDecoder(const KeyFrameDecoder&) = delete;
  KeyFrameDecoder& operator=(const KeyFrameDecoder&) = delete;

  struct Picture {
    std::array<cv::Mat, 3> i420;  // empty: a pixel format the node cannot read (see format)
    std::string format;           // libavcodec's name of the pixel format
    bool corrupt = false;         // the decoder concealed errors in it
  };
  struct Outcome {
    std::optional<Picture> picture;  // valid until the next decode() or release()
    std::string error;               // set when nothing came out: why (the unit was not decodable)
    bool fatal = false;              // the decoder itself cannot work (missing, out of memory)
  };
  // Decodes one key frame (Annex B, its parameter sets in front).
  Outcome decode(const std::uint8_t* data, std::size_t size);

  // Lets the decoder and its buffers go; the next decode() opens it again.
  void release();
  bool open() const { return context_ != nullptr; }

 private:
  std::optional<std::string> openDecoder();

  std::string codec_;
  AVCodecContext* context_ = nullptr;  // owned
  AVPacket* packet_ = nullptr;         // owned, reused
  AVFrame* frame_ = nullptr;           // owned: the picture last given out
  AVFrame* spare_ = nullptr;           // owned: any further picture the drain gives, dropped
};

}  // namespace villagecam::ingest
