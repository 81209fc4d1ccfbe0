// Re-serves every camera over RTSP (gst-rtsp-server) from the node's one
// connection to it, without re-encoding: rtsp://<listen>/<camera-id>.
//
// A camera's viewers share one media: an appsrc fed from the camera's
// EncodedFanout, a payloader and gst-rtsp-server's per-viewer transports. A
// viewer that stalls loses packets alone (the server drops its backlog); the
// fan-out's side never waits (AppsrcFeed drops to the next key frame when
// the media falls behind). Viewers authenticate with RTSP digest when
// accounts are configured; the viewer cap and the bit-rate budget
// (ViewerBook) refuse with 503 or 453 and a log line naming the camera.
//
// Threads: one GLib main loop thread accepts connections and keeps the
// book; gst-rtsp-server's client threads (a pool) answer requests and call
// back here under mutex_. start() and stop() from the owner's thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "ingest/encoded_fanout.hpp"
#include "relay/stream_sources.hpp"

namespace villagecam::relay {

struct RestreamCameraStats {
  std::string camera;
  int viewers = 0;
  std::uint64_t connects = 0;      // viewers that started playing
  std::uint64_t disconnects = 0;   // ...and stopped
  std::map<std::string, std::uint64_t> refusals;  // by reason (toString(Refusal))
  std::uint64_t units_dropped = 0;  // by the media's feed, for all its viewers
  std::uint64_t bits_per_second = 0;  // of the camera's stream
};

struct RestreamStats {
  bool listening = false;
  std::string address;  // host:port
  std::uint64_t outgoing_bits_per_second = 0;
  std::vector<RestreamCameraStats> cameras;
};

class RestreamServer {
 public:
  // `sources` must outlive the server; it is called from the server's threads.
  RestreamServer(config::RestreamConfig config, StreamSources& sources);
  ~RestreamServer();
  RestreamServer(const RestreamServer&) = delete;
  RestreamServer& operator=(const RestreamServer&) = delete;

  // Mounts the cameras and listens; returns the bound port. Throws
  // std::runtime_error naming the address if it cannot listen.
  int start(const std::vector<std::string>& camera_ids);
  // The cameras after a reload: new ones mounted, removed ones unmounted
  // and their viewers disconnected.
  void setCameras(const std::vector<std::string>& camera_ids);
  // Disconnects every viewer and stops listening. Idempotent.
  void stop();

  RestreamStats stats() const;

 private:
  class Impl;  // the GStreamer side, in the .cpp
  std::unique_ptr<Impl> impl_;
};

}  // namespace villagecam::relay
