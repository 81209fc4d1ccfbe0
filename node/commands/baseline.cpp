#include "commands/baseline.hpp"

#include <fmt/format.h>

#include <iostream>

#include "commands/exit_codes.hpp"

#include <algorithm>
#include <optional>

#include "analysis/baseline_store.hpp"
#include "analysis/baseline_vetting.hpp"
#include "analysis/view_quality.hpp"
#include "analysis/analysis_frame.hpp"
#include "ingest/camera_pipeline.hpp"
#include "ingest/pipeline_template.hpp"
#include "i18n/messages.hpp"
#include "ingest/stream_failure.hpp"

namespace villagecam::commands {

using i18n::Msg;
using i18n::tr;


BaselineResult takeBaseline(const config::Config& config, const config::CameraConfig& camera, int frames,
                            double seconds) {
  using namespace std::chrono;
  BaselineResult result;
  result.camera = camera.id;
  config::CameraConfig cam = camera;
  // Frames at the analysis size, at the rate that spreads `frames` over `seconds`.
  cam.analysis.width = analysis::kAnalysisWidth;
  cam.analysis.height = analysis::kAnalysisHeight;
  cam.analysis.fps = std::clamp(frames / seconds, 0.1, 30.0);
  try {
    const auto tmpl = ingest::loadTemplate(ingest::pipelinesDir(config.ingest.pipelines_dir), config.ingest.pipeline);
    const auto rendered = ingest::render(tmpl, ingest::templateVars(cam, config.ingest));
    auto mailbox = std::make_shared<ingest::Mailbox>();
    auto counters = std::make_shared<ingest::StreamCounters>();
    ingest::CameraPipeline pipeline(rendered, cam.url, cam.credentials, mailbox, counters,
                                    ingest::FrameOutput{{cam.analysis.width, cam.analysis.height}, cam.analysis.fps, {}, nullptr});
    pipeline.play();
    std::vector<cv::Mat> collected;
    std::vector<analysis::Chroma> colours;  // of each frame collected, where the camera sends colour
    // The first second of a stream is left out: a camera just connected to
    // may still be settling its exposure, and a test pattern or encoder its
    // first pictures, none of which is the view to keep.
    constexpr auto kWarmUp = std::chrono::seconds{1};
    std::optional<steady_clock::time_point> first_frame;
    const auto deadline =
        steady_clock::now() + kWarmUp +
        duration_cast<steady_clock::duration>(duration<double>(seconds * 2 + config.ingest.connect_timeout.count()));
    while (static_cast<int>(collected.size()) < frames && steady_clock::now() < deadline) {
      auto batch = mailbox->waitUntil(deadline);
      if (!batch.failures.empty()) {
        result.error = ingest::explainFailure(batch.failures.front(), cam.url, std::chrono::seconds(2)).reason;
        return result;
      }
      cv::Mat grey, colour;
      if (!batch.frame) continue;
      const auto now = steady_clock::now();
      if (!first_frame) first_frame = now;
      if (now - *first_frame < kWarmUp) continue;
      // Grey as the node judges views, and their colour where the camera
      // sends it (a colour cast is judged against it).
      const analysis::AnalysisFrame frame(mailbox->latestFrame(), grey, colour);
      collected.push_back(frame.grey().clone());
      if (const auto c = frame.chroma()) colours.push_back(*c);
    }
    result.frames = static_cast<int>(collected.size());
    result.kept_from_decoder = counters->without_reference.load() + counters->corrupt.load();
    if (static_cast<int>(collected.size()) < frames) {
      result.error = tr(Msg::BaselineTooFewArrived, collected.size(), frames);
      if (result.kept_from_decoder > 0) result.error += tr(Msg::BaselineUndecodable, result.kept_from_decoder);
      return result;
    }
    analysis::ViewThresholds thresholds;
    thresholds.blank_contrast = config.view_quality.blank_contrast;  // the one vetting uses
    result.vetting = analysis::vetBaselineFrames(collected, thresholds);
    if (result.vetting.refusal) {
      result.error = tr(Msg::BaselineRefused, *result.vetting.refusal);
      return result;
    }
    std::vector<cv::Mat> agreeing;
    std::vector<analysis::Chroma> agreeing_colours;
    for (int i : result.vetting.kept) {
      agreeing.push_back(collected[static_cast<std::size_t>(i)]);
      if (colours.size() == collected.size()) agreeing_colours.push_back(colours[static_cast<std::size_t>(i)]);
    }
    analysis::StoredBaseline stored{analysis::makeBaseline(agreeing, agreeing_colours), system_clock::now(),
                                    static_cast<int>(agreeing.size())};
    analysis::saveBaseline(config.state_dir / "baselines", cam.id, stored);
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  return result;
}

int baseline(const std::string& path, const std::string& only, int frames, double seconds) {
  const auto cfg = loadOrReport(path);
  if (!cfg) return kExitBadConfig;
  int failed = 0, done = 0;
  for (const auto& cam : cfg->cameras) {
    if (!only.empty() && cam.id != only) continue;
    ++done;
    const auto r = takeBaseline(*cfg, cam, frames, seconds);
    const auto& f = r.vetting.figures;
    if (r.ok) {
      std::cout << tr(Msg::BaselineSaved, cam.id, (cfg->state_dir / "baselines").string(), r.vetting.kept.size(),
                      r.frames, fmt::format("{:.0f}", f.sharpness), fmt::format("{:.1f}", f.contrast),
                      fmt::format("{:.0f}", f.brightness), fmt::format("{:.2f}", f.temporal_noise))
                << '\n';
    } else {
      std::cerr << tr(Msg::Failed, cam.id, r.error) << '\n';
      ++failed;
    }
    for (const auto& d : r.vetting.dropped) {
      (r.ok ? std::cout : std::cerr) << tr(Msg::BaselineFrameLeftOut, cam.id, d.index + 1, d.reason) << '\n';
    }
  }
  if (done == 0) {
    std::cerr << tr(Msg::BaselineNoSuchCamera, path, only) << '\n';
    return kExitBadConfig;
  }
  return failed ? kExitFailure : kExitOk;
}

}  // namespace villagecam::commands
