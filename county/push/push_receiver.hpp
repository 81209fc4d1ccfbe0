// Where villages push live video to the county (docs/county.md, live video).
// The county cannot reach into a village (NAT, a mobile uplink), so a node
// asked for a camera connects out and pushes that camera's stream as it
// comes, never re-encoded: RTSP RECORD over one TCP connection (the node's
// rtspclientsink), into this gst-rtsp-server in record mode. Each push lands
// in an HLS playlist of short segments (hlssink2), which the console serves
// to the operators' browsers.
//
// A path /<node>/<camera> exists only while the console expects that push
// (expect()); only that node may record into it: each node has a credential
// of its own (digest, never the MQTT one), its token carries its id as its
// role, and each path admits that role alone. So a node pushes into no other
// node's camera, nor into a path nobody asked for.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace villagecam::county {

struct PushReceiverOptions {
  std::string host = "127.0.0.1";  // where nodes connect; loopback unless configured
  int port = 0;                    // 0: any free port (start() says which)
  std::filesystem::path hls_dir;   // <hls_dir>/<node>/<camera>/index.m3u8 and its segments
  // Segments are cut at key frames, each at least this long; the playlist
  // lists the last few (what a player joining now may start from).
  int segment_seconds = 1;
  int playlist_segments = 4;
};

struct PushState {
  bool receiving = false;           // a node is pushing into the path now
  std::uint64_t pushes = 0;         // sessions recorded into it so far
  std::filesystem::path playlist;   // live: exists once the first segment is written
  bool finished = false;            // clip: a push into it ended and its file is closed
};

class PushReceiver {
 public:
  // `node_passwords`: each node's push credential (node id to password).
  PushReceiver(PushReceiverOptions options, std::map<std::string, std::string> node_passwords);
  ~PushReceiver();
  PushReceiver(const PushReceiver&) = delete;
  PushReceiver& operator=(const PushReceiver&) = delete;

  // Listens; returns the bound port. Throws std::runtime_error naming the
  // address when it cannot.
  int start();
  void stop();

  // Opens /<node>/<camera> for that node's push (idempotent). Ids are the
  // contract's ([a-z0-9][a-z0-9_-]*); anything else throws
  // std::invalid_argument.
  void expect(const std::string& node, const std::string& camera);
  // Closes the path: a push into it ends, its playlist and segments go.
  void close(const std::string& node, const std::string& camera);
  std::optional<PushState> state(const std::string& node, const std::string& camera) const;

  // Evidence clips come the same way: /<node>/clips/<clip> exists while the
  // console expects that clip, for that node's credential alone; what the
  // node pushes (the clip's MP4, demuxed, as RTP) is written as it comes,
  // never decoded, to `file` (MP4; finished once the push ends: an EOS
  // closes it). The file is the caller's: closing the path leaves it.
  void expectClip(const std::string& node, const std::string& clip, const std::filesystem::path& file);
  void closeClip(const std::string& node, const std::string& clip);
  std::optional<PushState> clipState(const std::string& node, const std::string& clip) const;

  // The path a node records into, relative to the server (/<node>/<camera>).
  static std::string pathOf(const std::string& node, const std::string& camera);
  static std::string clipPathOf(const std::string& node, const std::string& clip);

 private:
  struct Impl;
  void open(const std::string& path, const std::string& node, const std::string& label, bool clip,
            const std::filesystem::path& target);
  void closePath(const std::string& path);
  std::unique_ptr<Impl> impl_;
};

}  // namespace villagecam::county
