#include "commands/probe.hpp"

#include <fstream>
#include <iostream>

#include "commands/exit_codes.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "analysis/analysis_frame.hpp"
#include "analysis/image_codec.hpp"
#include "analysis/key_frame_interval.hpp"
#include "i18n/messages.hpp"
#include "ingest/camera_pipeline.hpp"
#include "ingest/stream_failure.hpp"
#include "ingest/pipeline_template.hpp"

namespace villagecam::commands {
namespace {

using namespace std::chrono;
using i18n::Msg;
using i18n::tr;

// The probe decodes at the camera's own size, for a full-size snapshot.
constexpr const char* kProbeOutput =
    "videoconvert ! video/x-raw,format=I420 ! fakesink name=sink sync=false async=false enable-last-sample=false";  // not for operators

std::string failureText(health::FailureKind kind, const std::string& reason, double timeout_s) {
  switch (kind) {
    case health::FailureKind::Timeout:
      return tr(Msg::ProbeTimedOut, fmt::format("{:.0f}", timeout_s));
    default:
      return reason;
  }
}

}  // namespace

ProbeResult probeCamera(const ProbeOptions& options) {
  ProbeResult result;
  result.url = options.url.redacted();
  config::CameraConfig camera;
  camera.id = "probe";
  camera.transport = options.transport;
  config::IngestConfig ingest;
  ingest.connect_timeout = config::Seconds(options.timeout_s);
  ingest::RenderedPipeline rendered;
  try {
    const auto tmpl = ingest::loadTemplate(ingest::pipelinesDir(options.pipelines_dir), options.pipeline);
    rendered = ingest::render(tmpl, ingest::templateVars(camera, ingest));
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  rendered.output = kProbeOutput;

  auto mailbox = std::make_shared<ingest::Mailbox>();
  auto counters = std::make_shared<ingest::StreamCounters>();
  const auto started = steady_clock::now();
  const auto first_deadline = started + duration_cast<steady_clock::duration>(duration<double>(options.timeout_s));
  std::optional<steady_clock::time_point> first_frame_at;
  std::uint64_t frames_at_first = 0, bytes_at_first = 0;
  std::optional<ingest::StreamInfo> info;
  analysis::KeyFrameInterval key_frames;
  try {
    // Frames at the camera's own size: the installer's snapshot shows all of it.
    ingest::CameraPipeline pipeline(rendered, options.url, options.credentials, mailbox, counters,
                                    ingest::FrameOutput{{}, 2.0, {}, nullptr});  // the rate comes from the encoded frames
    pipeline.play();
    auto after_first = [&](double seconds) {
      return *first_frame_at + duration_cast<steady_clock::duration>(duration<double>(seconds));
    };
    while (true) {
      // At least measure_s; then on until two whole GOPs, up to max_measure_s.
      const auto deadline = !first_frame_at ? first_deadline
                            : key_frames.enough()
                                ? after_first(options.measure_s)
                                : after_first(std::max(options.measure_s, options.max_measure_s));
      auto batch = mailbox->waitUntil(std::min(deadline, steady_clock::now() + milliseconds(200)));
      for (const auto& t : counters->timings.take()) key_frames.add(t.key, t.timestamp_ns);
      if (!batch.failures.empty()) {
        const auto f = ingest::explainFailure(batch.failures.front(), options.url, std::chrono::seconds(2));
        result.failure = f.kind;
        result.error = failureText(f.kind, f.reason, options.timeout_s);
        return result;
      }
      if (batch.frame) {
        if (!first_frame_at) {
          first_frame_at = steady_clock::now();
          frames_at_first = counters->frames;
          bytes_at_first = counters->bytes;
          result.time_to_first_frame_s = duration<double>(*first_frame_at - started).count();
        }
      }
      const auto now = steady_clock::now();
      if (!first_frame_at && now >= first_deadline) {
        result.failure = health::FailureKind::Timeout;
        result.error = failureText(result.failure, "", options.timeout_s);
        return result;
      }
      if (first_frame_at && now >= deadline) break;
    }
    info = pipeline.info();
    const double elapsed = duration<double>(steady_clock::now() - *first_frame_at).count();
    result.measured_s = elapsed;
    if (elapsed > 0) {
      result.fps = static_cast<double>(counters->frames - frames_at_first) / elapsed;
      result.bitrate_kbps = 8.0 * static_cast<double>(counters->bytes - bytes_at_first) / elapsed / 1000.0;
    }
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;
  }
  result.ok = true;
  result.codec = info->codec;
  result.width = info->width;
  result.height = info->height;
  for (const auto& t : counters->timings.take()) key_frames.add(t.key, t.timestamp_ns);
  const auto gop = key_frames.estimate();
  result.keyframe_interval_s = gop.seconds.value_or(0);
  result.keyframe_gops = gop.gops;
  result.keyframe_at_least_s = gop.at_least_seconds;
  result.keyframe_shortest_s = gop.shortest_seconds;
  result.keyframe_longest_s = gop.longest_seconds;
  // The newest frame the probe took stays in the mailbox until another comes.
  cv::Mat grey, colour;
  if (options.snapshot && !mailbox->latestFrame().empty()) {
    const analysis::AnalysisFrame frame(mailbox->latestFrame(), grey, colour);
    const auto jpeg = analysis::encodeJpeg(frame.colour(), 90);
    std::ofstream out(*options.snapshot, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(jpeg.data()), static_cast<std::streamsize>(jpeg.size()));
    if (jpeg.empty() || !out.flush()) {
      result.ok = false;
      result.error = tr(Msg::ProbeSnapshotNotWritten, options.snapshot->string());
      return result;
    }
    result.snapshot = options.snapshot->string();
  }
  return result;
}

namespace {

std::string keyFrameIntervalText(const ProbeResult& r) {
  if (r.keyframe_interval_s > 0) {
    std::string text = tr(Msg::ProbeGop, fmt::format("{:.2f}", r.keyframe_interval_s), r.keyframe_gops);
    // A spread beyond a frame or two: the camera varies its GOP ("smart" codecs).
    if (r.keyframe_longest_s - r.keyframe_shortest_s > 0.1 * r.keyframe_interval_s + 0.1) {
      text += tr(Msg::ProbeGopVarying, fmt::format("{:.2f}", r.keyframe_shortest_s),
                 fmt::format("{:.2f}", r.keyframe_longest_s));
    }
    return text;
  }
  if (r.keyframe_gops == 1) {
    return tr(Msg::ProbeGopOneOnly, fmt::format("{:.2f}", r.keyframe_longest_s), fmt::format("{:.0f}", r.measured_s),
              "--seconds");
  }
  if (r.keyframe_at_least_s > 0) {
    return tr(Msg::ProbeGopLonger, fmt::format("{:.1f}", r.keyframe_at_least_s), fmt::format("{:.0f}", r.measured_s),
              "--seconds");
  }
  return tr(Msg::ProbeGopNoTimestamps);
}

}  // namespace

std::string formatProbeText(const ProbeResult& r) {
  if (!r.ok) return tr(Msg::Failed, r.url, r.error) + "\n";
  std::string out = tr(Msg::ProbeOk, r.url) + "\n";
  out += tr(Msg::ProbeCodec, r.codec) + "\n";
  out += tr(Msg::ProbeResolution, fmt::format("{}x{}", r.width, r.height)) + "\n";
  out += tr(Msg::ProbeFrameRate, fmt::format("{:.1f}", r.fps)) + "\n";
  out += tr(Msg::ProbeBitrate, fmt::format("{:.0f}", r.bitrate_kbps)) + "\n";
  out += tr(Msg::ProbeKeyFrameInterval, keyFrameIntervalText(r)) + "\n";
  out += tr(Msg::ProbeFirstFrame, fmt::format("{:.2f}", r.time_to_first_frame_s)) + "\n";
  if (!r.snapshot.empty()) out += tr(Msg::ProbeSnapshot, r.snapshot) + "\n";
  return out;
}

nlohmann::json probeToJson(const ProbeResult& r) {
  nlohmann::json j{{"ok", r.ok}, {"url", r.url}};
  if (!r.ok) {
    j["failure"] = health::toString(r.failure);
    j["error"] = r.error;
    return j;
  }
  j["codec"] = r.codec;
  j["width"] = r.width;
  j["height"] = r.height;
  j["fps"] = r.fps;
  j["bitrate_kbps"] = r.bitrate_kbps;
  j["keyframe_interval_s"] = r.keyframe_interval_s > 0 ? nlohmann::json(r.keyframe_interval_s) : nlohmann::json();
  j["keyframe_gops"] = r.keyframe_gops;
  if (r.keyframe_interval_s > 0) {
    j["keyframe_interval_range_s"] = {r.keyframe_shortest_s, r.keyframe_longest_s};
  } else if (r.keyframe_gops == 1) {
    j["keyframe_interval_one_gop_s"] = r.keyframe_longest_s;
  } else if (r.keyframe_at_least_s > 0) {
    j["keyframe_interval_at_least_s"] = r.keyframe_at_least_s;
  }
  j["measured_s"] = r.measured_s;
  j["time_to_first_frame_s"] = r.time_to_first_frame_s;
  if (!r.snapshot.empty()) j["snapshot"] = r.snapshot;
  return j;
}

int probe(const std::string& url_text, const std::optional<std::string>& snapshot, bool json, double timeout,
          double max_seconds, const std::string& transport, const std::string& pipelines_dir) {
  const auto parsed = config::parseRtspUrl(url_text);
  if (!parsed.url) {
    std::cerr << tr(Msg::ProbeMalformedUrl, config::redactUrlsIn(url_text), parsed.error) << '\n';
    return kExitBadConfig;
  }
  ProbeOptions options;
  options.url = *parsed.url;
  if (!parsed.url->username.empty() || !parsed.url->password.empty()) {
    options.credentials = config::Credentials{parsed.url->username, parsed.url->password};
  }
  options.transport = transport == "tcp" ? config::Transport::Tcp
                      : transport == "udp" ? config::Transport::Udp
                                           : config::Transport::Auto;
  options.timeout_s = timeout;
  options.max_measure_s = max_seconds;
  options.pipelines_dir = pipelines_dir;
  if (snapshot) options.snapshot = *snapshot;
  const auto result = probeCamera(options);
  if (json) {
    std::cout << probeToJson(result).dump(2) << '\n';
  } else {
    (result.ok ? std::cout : std::cerr) << formatProbeText(result);
  }
  return result.ok ? kExitOk : kExitFailure;
}

}  // namespace villagecam::commands
