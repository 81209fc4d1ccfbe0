// Pushes cameras' streams to the county when it asks (docs/mqtt.md,
// Commands): from the camera's one connection (its EncodedFanout), never
// re-encoded, out over one TCP connection per push, RTSP RECORD
// (rtspclientsink) to <county_link>/<node>/<camera>, as user <node id> with
// the node's push credential. One push per camera however many operators
// watch: the county serves them all from it.
//
// A push ends when asked (stop), or on its own when the county closes it or
// the link fails: rtspclientsink reports a closed server as a mere warning
// and would go on sending into nothing, so any error or warning of the sink
// ends the push, and `ended` is called (on the push's own thread: it must
// only hand the news on).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "ingest/encoded_fanout.hpp"

namespace villagecam::relay {

class CountyPusher {
 public:
  // camera, and why: the contract's code (link_lost, push_failed).
  using Ended = std::function<void(const std::string& camera, const std::string& code, const std::string& detail)>;

  CountyPusher(config::CountyLinkConfig link, std::string node_id, Ended ended);
  ~CountyPusher();
  CountyPusher(const CountyPusher&) = delete;
  CountyPusher& operator=(const CountyPusher&) = delete;

  // Starts pushing the camera's stream; false (with why) if it cannot start.
  bool start(const std::string& camera, const std::shared_ptr<ingest::EncodedFanout>& fanout, std::string& why);
  // Ends the push of a camera (nothing if none). `ended` is not called.
  void stop(const std::string& camera);
  void stopAll();
  bool pushing(const std::string& camera) const;
  // The location a camera is pushed to, for logs (no credential in it).
  std::string locationOf(const std::string& camera) const;

 private:
  struct Push;
  const config::CountyLinkConfig link_;
  const std::string node_id_;
  Ended ended_;
  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Push>> pushes_;
};

}  // namespace villagecam::relay
