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
// only hand the news on) with the push's serial, so that the news of an old
// push cannot end a newer one of the same camera.
//
// A push is torn down on the pusher's own thread: a dead link can hold a
// pipeline's stop for seconds, and the caller (the node's event thread)
// never waits for it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <thread>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "config/config.hpp"
#include "ingest/encoded_fanout.hpp"
#include "util/clock.hpp"

namespace villagecam::relay {

class CountyPusher {
 public:
  // camera, and why: the contract's code (link_lost, push_failed).
  using Ended = std::function<void(const std::string& camera, std::uint64_t push, const std::string& code,
                                   const std::string& detail)>;

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
  // The serial of the camera's push now (0: none).
  std::uint64_t current(const std::string& camera) const;
  // The location a camera is pushed to, for logs (no credential in it).
  std::string locationOf(const std::string& camera) const;

  // Evidence clips go the same way, to <county_link>/<node>/clips/<clip>:
  // the MP4 demuxed and pushed as RTP (never re-encoded), at most
  // kUploadsAtOnce at a time. `uploaded` is called once per upload, on its
  // own thread, when the county has it all (ok) or it failed.
  using Uploaded = std::function<void(const std::string& clip, bool ok, const std::string& detail)>;
  void onUploaded(Uploaded uploaded) { uploaded_ = std::move(uploaded); }  // before the first upload
  static constexpr int kUploadsAtOnce = 2;
  // An upload that has not finished by then is given up (a clip is at most a minute or so).
  static constexpr auto kUploadTimeout = std::chrono::minutes(2);
  // `timeout`: given up after it (kUploadTimeout at most).
  bool upload(const std::string& clip, const std::filesystem::path& mp4, Duration timeout, std::string& why);
  // An upload reported (or to give up): torn down off the caller's thread.
  void finishUpload(const std::string& clip);
  int uploads() const;

 private:
  struct Push;
  const config::CountyLinkConfig link_;
  const std::string node_id_;
  Ended ended_;
  Uploaded uploaded_;
  std::map<std::string, std::unique_ptr<Push>> uploads_;  // by clip, under mutex_
  void retire(std::unique_ptr<Push> push);
  std::unique_ptr<Push> takeOut(std::map<std::string, std::unique_ptr<Push>>& from, const std::string& key);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Push>> pushes_;
  std::uint64_t serials_ = 0;
  // Pushes being torn down, by the reaper thread (started with the first).
  std::condition_variable retiring_cv_;
  std::deque<std::unique_ptr<Push>> retiring_;  // under mutex_
  bool closing_ = false;                        // under mutex_
  std::thread reaper_;
};

}  // namespace villagecam::relay
