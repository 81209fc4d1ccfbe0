// The streams the restream server hands to viewers (relay::StreamSources):
// a camera's analysed stream, or, for a camera with a view_url, its main
// stream, pulled by a worker of its own (nothing decoded) from the first
// viewer on and let go restream.view_linger after the last one left.
//
// Threads: acquire()/release() come from the restream server's threads,
// expire() from the node's event thread; all under mutex_. A worker is
// stopped (joined) outside the lock.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ingest/camera_worker.hpp"
#include "ingest/encoded_fanout.hpp"
#include "ingest/pipeline_template.hpp"
#include "relay/stream_sources.hpp"
#include "util/clock.hpp"

namespace villagecam::app {

class ViewStreams final : public relay::StreamSources {
 public:
  // The analysed stream of a camera by id (the node's fan-outs).
  using Analysed = std::function<std::shared_ptr<ingest::EncodedFanout>(const std::string&)>;

  ViewStreams(Analysed analysed, const Clock& clock);
  ~ViewStreams() override;
  ViewStreams(const ViewStreams&) = delete;
  ViewStreams& operator=(const ViewStreams&) = delete;

  // The cameras and how to pull their main streams (at start and after a
  // reload): a main stream whose camera or URL changed is let go.
  // Throws ingest::TemplateError if the template cannot pass a stream on.
  void configure(const std::vector<config::CameraConfig>& cameras, const config::IngestConfig& ingest,
                 const ingest::PipelineTemplate& tmpl, Duration linger);
  // Lets go of main streams nobody has watched for the linger time.
  void expire(SteadyTime now);
  void stopAll();
  // Main streams pulled now.
  std::vector<std::string> pulled() const;

  std::shared_ptr<ingest::EncodedFanout> analysed(const std::string& camera) const override;
  std::shared_ptr<ingest::EncodedFanout> viewed(const std::string& camera) const override;
  std::shared_ptr<ingest::EncodedFanout> acquire(const std::string& camera) override;
  void release(const std::string& camera) override;

 private:
  struct Main {
    config::CameraConfig camera;  // url: the main stream's
    ingest::RenderedPipeline rendered;
    std::shared_ptr<ingest::EncodedFanout> fanout;
    std::unique_ptr<ingest::CameraWorker> worker;  // while pulled
    int users = 0;
    std::optional<SteadyTime> idle_since;
  };

  const Analysed analysed_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  config::IngestConfig ingest_;
  Duration linger_{};
  std::map<std::string, Main> mains_;  // cameras with a view_url
};

}  // namespace villagecam::app
