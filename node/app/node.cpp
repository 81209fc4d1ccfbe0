#include "app/node.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "ingest/pipeline_template.hpp"
#include "util/logging.hpp"

namespace villagecam::app {

void prepareStateDir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw std::runtime_error("state_dir '" + dir.string() + "': cannot create it: " + ec.message());
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error("state_dir '" + dir.string() + "': not writable: " + std::strerror(errno));
  }
}

health::Presence presenceOf(ingest::CameraState state) {
  switch (state) {
    case ingest::CameraState::Online: return health::Presence::Up;
    case ingest::CameraState::Connecting: return health::Presence::Unknown;  // not yet known since start
    default: return health::Presence::Down;
  }
}

Node::Node(config::Config config, const Clock& clock)
    : config_(std::move(config)), clock_(clock), log_(logger("node")), uptime_(config_.state_dir, clock) {
  prepareStateDir(config_.state_dir);
  uptime_.setFlushInterval(std::chrono::duration_cast<Duration>(config_.uptime_flush_interval));
  const auto dir = ingest::pipelinesDir(config_.ingest.pipelines_dir);
  const auto tmpl = ingest::loadTemplate(dir, config_.ingest.pipeline);
  for (const auto& camera : config_.cameras) {
    if (!camera.enabled) {
      log_->info("camera {} is disabled in the config", camera.id);
      continue;
    }
    auto rendered = ingest::render(tmpl, ingest::templateVars(camera, config_.ingest));
    workers_.push_back(std::make_unique<ingest::CameraWorker>(camera, config_.ingest, std::move(rendered), clock_));
  }
}

Node::~Node() { stop(); }

void Node::start() {
  uptime_.load();
  last_tick_ = clock_.wall();
  next_summary_ = clock_.steady() + kSummaryPeriod;
  for (auto& w : workers_) w->start();
  started_ = true;
  log_->info("node {} started with {} camera(s); state in {}", config_.node.id, workers_.size(),
             config_.state_dir.string());
}

void Node::tick() {
  const WallTime now = clock_.wall();
  std::vector<ingest::CameraHealth> healths;
  for (const auto& w : workers_) {
    healths.push_back(w->health());
    uptime_.account(healths.back().id, last_tick_, now, presenceOf(healths.back().state));
  }
  last_tick_ = now;
  uptime_.flush();
  if (clock_.steady() >= next_summary_) {
    next_summary_ = clock_.steady() + kSummaryPeriod;
    logSummary(healths, now);
  }
}

void Node::logSummary(const std::vector<ingest::CameraHealth>& healths, WallTime now) const {
  size_t online = 0;
  std::string trouble;
  for (const auto& h : healths) {
    if (h.state == ingest::CameraState::Online) {
      ++online;
      continue;
    }
    const auto minutes = std::chrono::duration_cast<std::chrono::minutes>(now - h.since).count();
    trouble += fmt::format("; {} {} for {} min ({})", h.id, ingest::toString(h.state), minutes, h.reason);
  }
  if (trouble.empty()) {
    log_->info("all {} camera(s) online", healths.size());
  } else {
    log_->warn("{} of {} camera(s) online{}", online, healths.size(), trouble);
  }
}

void Node::stop() {
  if (!started_) return;
  started_ = false;
  tick();
  // Tear the cameras down side by side: a camera stuck in a slow teardown
  // must not add its time to every other camera's.
  std::vector<std::thread> stoppers;
  for (auto& w : workers_) stoppers.emplace_back([&w] { w->stop(); });
  for (auto& t : stoppers) t.join();
  uptime_.flush(/*force=*/true);
  log_->info("node stopped");
}

std::vector<CameraStatus> Node::status() const {
  std::vector<CameraStatus> out;
  for (const auto& w : workers_) {
    auto health = w->health();
    auto uptime = uptime_.stats(health.id);
    out.push_back({std::move(health), uptime});
  }
  return out;
}

}  // namespace villagecam::app
