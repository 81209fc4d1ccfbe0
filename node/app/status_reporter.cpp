#include "app/status_reporter.hpp"

#include <nlohmann/json.hpp>

#include "contract/topics.hpp"
#include "util/atomic_file.hpp"
#include "util/logging.hpp"
#include "util/time_format.hpp"

namespace villagecam::app {

StatusReporter::StatusReporter(mqtt::Publisher& publisher, std::string topic_prefix, std::string node_id,
                               std::filesystem::path published_file)
    : publisher_(publisher),
      prefix_(std::move(topic_prefix)),
      node_id_(std::move(node_id)),
      published_file_(std::move(published_file)) {}

void StatusReporter::camera(const health::CameraHealth& h, const health::UptimeStats& uptime,
                            const contract::ViewReport& view, const std::optional<contract::DetectionReport>& detection,
                            WallTime now) {
  publisher_.setRetained(contract::topics::cameraStatus(prefix_, h.id),
                         contract::cameraStatusJson(h, uptime, view, node_id_, now, detection).dump());
}

void StatusReporter::node(const contract::NodeStatus& status) {
  publisher_.setRetained(contract::topics::status(prefix_), contract::nodeStatusJson(status).dump());
}

void StatusReporter::coverage(const contract::CoverageSummary& coverage) {
  publisher_.setRetained(contract::topics::coverage(prefix_), contract::coverageJson(coverage).dump());
}

void StatusReporter::snapshot(const contract::Snapshot& shot) {
  publisher_.setRetained(contract::topics::cameraSnapshot(prefix_, shot.camera_id),
                         contract::snapshotJson(shot, node_id_).dump());
}

std::vector<std::string> StatusReporter::clearRemoved(const std::set<std::string>& running) {
  std::set<std::string> before;
  if (auto text = readFileIfExists(published_file_)) {
    try {
      before = nlohmann::json::parse(*text).get<std::set<std::string>>();
    } catch (const std::exception& e) {  // forget it: the worst is a stale camera topic left
      logger("node")->warn("{}: {}", published_file_.string(), e.what());
    }
  }
  std::vector<std::string> cleared;
  for (const auto& id : before) {
    if (running.count(id)) continue;
    publisher_.clearRetained(contract::topics::cameraStatus(prefix_, id));
    publisher_.clearRetained(contract::topics::cameraSnapshot(prefix_, id));
    cleared.push_back(id);
  }
  writeFileAtomically(published_file_, nlohmann::json(running).dump());
  return cleared;
}

contract::ViewReport viewReportOf(const ViewState& s) {
  contract::ViewReport r;
  r.state = viewStateName(s);
  for (auto i : s.raised) r.issues.push_back(analysis::toString(i));
  r.covered_share = s.covered_share;
  r.baseline_at = s.baseline_taken_at;
  if (const auto& f = s.figures) {
    r.measures = contract::ViewMeasuresReport{f->light,       f->contrast,    f->sharpness,   f->colour_cast,
                                              f->noise,       f->glare_share, f->cover_share, f->moved,
                                              f->stripes};
  }
  if (const auto& c = s.cadence) {
    r.cadence = contract::CadenceReport{c->own_rate, c->rate, c->largest_gap, c->timestamp_jumps, c->bursts};
  }
  return r;
}

contract::NodeStatus nodeStatusOf(const NodeFacts& f, const health::CoverageReport& coverage) {
  contract::NodeStatus s;
  s.node_id = f.node.id;
  s.place = contract::originOf(f.node).place;
  s.gb_code = f.node.gb_code;
  s.version = f.version;
  s.started_at = f.started_at;
  s.now = f.now;
  s.cameras_by_state = contract::countByState(f.cameras);
  s.cameras_disabled = f.cameras_disabled;
  s.outbox_depth = f.outbox_depth;
  s.outbox_bytes = f.outbox_bytes;
  s.outbox_dropped = f.outbox_dropped;
  s.coverage_ratio = coverage.ratio();
  s.areas_total = static_cast<int>(coverage.areas.size());
  s.areas_covered = coverage.count(health::AreaState::Covered);
  s.areas_unverified = coverage.count(health::AreaState::Unverified);
  s.coverage_unverified_share = coverage.unverifiedShare();
  s.clock = f.clock;
  s.status_interval_s = f.status_interval_s;
  return s;
}

contract::CoverageSummary coverageSummaryOf(const contract::Origin& origin, const health::CoverageReport& report,
                                            const std::vector<config::AreaConfig>& areas,
                                            const health::UptimeStore& history, WallTime now) {
  contract::CoverageSummary summary;
  summary.node_id = origin.node_id;
  summary.place = origin.place;
  summary.now = now;
  summary.report = report;
  const auto today = std::chrono::duration_cast<std::chrono::seconds>(now - startOfLocalDay(now));
  for (const auto& area : areas) {
    contract::UncoveredMinutes m{history.window(area.id, today).down_s / 60.0,
                                 history.stats(area.id).last_7d.down_s / 60.0};
    summary.uncovered[area.id] = m;
    summary.uncovered_total.today += m.today;
    summary.uncovered_total.last_7d += m.last_7d;
  }
  return summary;
}

}  // namespace villagecam::app
