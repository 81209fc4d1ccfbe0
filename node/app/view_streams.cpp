#include "app/view_streams.hpp"

#include "util/logging.hpp"

namespace villagecam::app {

ViewStreams::ViewStreams(Analysed analysed, const Clock& clock) : analysed_(std::move(analysed)), clock_(clock) {}

ViewStreams::~ViewStreams() { stopAll(); }

void ViewStreams::configure(const std::vector<config::CameraConfig>& cameras, const config::IngestConfig& ingest,
                            const ingest::PipelineTemplate& tmpl, Duration linger) {
  std::map<std::string, Main> next;
  for (const auto& c : cameras) {
    if (!c.enabled || !c.view_url) continue;
    Main m;
    m.camera = c;
    m.camera.id = c.id + "#main";  // its worker's logger: cam.<id>#main (no camera id has a '#')
    m.camera.name = c.name + " (main stream)";
    m.camera.url = *c.view_url;
    m.camera.credentials = c.view_credentials;
    m.rendered = ingest::withRtspClient(ingest::forRelay(ingest::render(tmpl, ingest::templateVars(m.camera, ingest))),
                                        ingest.rtsp_client, std::nullopt, m.camera, ingest);
    next.emplace(c.id, std::move(m));
  }
  std::vector<std::unique_ptr<ingest::CameraWorker>> stopping;
  std::vector<std::shared_ptr<ingest::EncodedFanout>> closing;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, m] : mains_) {
      const auto it = next.find(id);
      const bool same = it != next.end() && it->second.camera.url.withoutCredentials() == m.camera.url.withoutCredentials() &&
                        it->second.camera.credentials == m.camera.credentials &&
                        it->second.rendered.decoders == m.rendered.decoders &&
                        it->second.rendered.demuxer == m.rendered.demuxer && ingest == ingest_;
      if (same) {
        it->second.fanout = std::move(m.fanout);
        it->second.worker = std::move(m.worker);
        it->second.users = m.users;
        it->second.idle_since = m.idle_since;
      } else {
        if (m.worker) stopping.push_back(std::move(m.worker));
        closing.push_back(std::move(m.fanout));
      }
    }
    for (auto& [id, m] : next) {
      if (!m.fanout) m.fanout = std::make_shared<ingest::EncodedFanout>(id);
    }
    mains_ = std::move(next);
    ingest_ = ingest;
    linger_ = linger;
  }
  for (auto& w : stopping) w->stop();
  for (auto& f : closing) {
    if (f) f->close();
  }
}

std::shared_ptr<ingest::EncodedFanout> ViewStreams::analysed(const std::string& camera) const {
  return analysed_(camera);
}

std::shared_ptr<ingest::EncodedFanout> ViewStreams::viewed(const std::string& camera) const {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = mains_.find(camera); it != mains_.end()) return it->second.fanout;
  }
  return analysed_(camera);
}

std::shared_ptr<ingest::EncodedFanout> ViewStreams::acquire(const std::string& camera) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = mains_.find(camera); it != mains_.end()) {
      Main& m = it->second;
      ++m.users;
      m.idle_since.reset();
      if (!m.worker) {
        m.worker = std::make_unique<ingest::CameraWorker>(m.camera, ingest_, m.rendered, clock_);
        m.worker->relayTo(m.fanout);
        m.worker->start();
        cameraLogger(camera)->info("main stream pulled for its viewers ({})", m.camera.url.redacted());
      }
      return m.fanout;
    }
  }
  return analysed_(camera);
}

void ViewStreams::release(const std::string& camera) {
  std::lock_guard lock(mutex_);
  if (auto it = mains_.find(camera); it != mains_.end() && it->second.users > 0) {
    if (--it->second.users == 0) it->second.idle_since = clock_.steady();
  }
}

void ViewStreams::expire(SteadyTime now) {
  std::vector<std::pair<std::string, std::unique_ptr<ingest::CameraWorker>>> stopping;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, m] : mains_) {
      if (m.worker && m.users == 0 && m.idle_since && now - *m.idle_since >= linger_) {
        stopping.emplace_back(id, std::move(m.worker));
        m.idle_since.reset();
      }
    }
  }
  for (auto& [id, worker] : stopping) {
    worker->stop();
    cameraLogger(id)->info("main stream let go: nobody has watched it for {:.0f} s", toSeconds(linger_));
  }
}

void ViewStreams::stopAll() {
  std::vector<std::unique_ptr<ingest::CameraWorker>> stopping;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, m] : mains_) {
      if (m.worker) stopping.push_back(std::move(m.worker));
    }
  }
  for (auto& w : stopping) w->stop();
}

std::vector<std::string> ViewStreams::pulled() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [id, m] : mains_) {
    if (m.worker) out.push_back(id);
  }
  return out;
}

}  // namespace villagecam::app
