// GStreamer pipeline templates (pipelines/*.pipeline): parsing and rendering.
// Pure string work, tested without GStreamer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "config/config.hpp"

namespace villagecam::ingest {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct PipelineTemplate {
  std::string name;
  std::string source;                          // [source]: the RTSP client element
  std::map<std::string, std::string> decoders;  // [h264], [h265]: depay ! parse ! decode
  std::string output;                          // [output]: ... ! appsink name=sink
};

// How FFmpeg's RTSP demuxer reads a camera (RtspDemuxer).
struct DemuxerSettings {
  config::Transport transport = config::Transport::Auto;
  std::int64_t io_timeout_us = 10'000'000;  // a socket read or write that takes longer fails
  std::int64_t max_delay_us = 200'000;      // how long UDP packets wait to be put back in order
  bool operator==(const DemuxerSettings&) const = default;
};

// A template ready for gst_parse_launch: every placeholder filled in.
struct RenderedPipeline {
  std::string source;
  std::map<std::string, std::string> decoders;
  std::string output;
  // Set: FFmpeg's demuxer reads the camera instead of [source], and each
  // codec chain is used from its parser on (decodeChainFor).
  std::optional<DemuxerSettings> demuxer;

  // The chain to link behind the source for a codec, or nullopt if the
  // template cannot decode that codec.
  std::optional<std::string> chainFor(const std::string& codec) const;
  // The same from the element named "parse" on: what follows a source that
  // hands out parsed access units, not RTP. nullopt as chainFor.
  std::optional<std::string> decodeChainFor(const std::string& codec) const;
  // Whether the chain ends in the sink named "sink" (a stream only passed on
  // decodes nothing).
  bool decodes() const;
  // Whether the codec's chain decodes with libavcodec's own decoder
  // (avdec_h264, avdec_h265): then the node may call libavcodec itself for
  // a key frame alone (KeyFrameDecoder), with the same result.
  bool decodesWithLibavcodec(const std::string& codec) const;
};

using TemplateVars = std::map<std::string, std::string>;

// Parses the text of a template; `name` is used in errors.
PipelineTemplate parseTemplate(const std::string& text, const std::string& name);

// Fills {{placeholders}}; an unknown placeholder is an error naming it.
RenderedPipeline render(const PipelineTemplate& tmpl, const TemplateVars& vars);

// The placeholder values for one camera.
TemplateVars templateVars(const config::CameraConfig& camera, const config::IngestConfig& ingest);

// Where templates live: the configured folder, else $VILLAGECAM_PIPELINES_DIR,
// else the installed folder, else this source tree's pipelines/.
std::filesystem::path pipelinesDir(const std::filesystem::path& configured);

// Loads <dir>/<name>.pipeline (or `name` itself if it is a path to a file).
PipelineTemplate loadTemplate(const std::filesystem::path& dir, const std::string& name);

// The pipeline for an analysis mode, from one rendered for full decoding:
// keyframes puts `identity drop-buffer-flags=delta-unit` right after the
// element named "parse"; health keeps the chain as it is (the pipeline
// samples key frames at the parser, FrameOutput::sample_every). Throws
// TemplateError if a codec section has no "name=parse" element followed by
// the decoder.
RenderedPipeline forMode(RenderedPipeline rendered, config::AnalysisMode mode);

// The pipeline of a stream that is only passed on (a camera's main stream,
// re-served): each codec chain up to its parser, then a fakesink; nothing is
// decoded. Throws TemplateError as forMode does.
RenderedPipeline forRelay(RenderedPipeline rendered);

// The pipeline read by the RTSP client `client` chooses for a camera in
// `mode` (nullopt: a stream only passed on, never analysed): with the
// demuxer, `demuxer` is set from the camera's transport and the ingest
// timeouts; else it is left unset.
RenderedPipeline withRtspClient(RenderedPipeline rendered, config::RtspClient client,
                                std::optional<config::AnalysisMode> mode, const config::CameraConfig& camera,
                                const config::IngestConfig& ingest);

// rtspsrc's protocols value for a transport setting.
std::string protocolsFor(config::Transport transport);

}  // namespace villagecam::ingest
