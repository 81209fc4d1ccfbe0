// The test camera server (villagecam-test-cameras) as a test fixture: started
// on ephemeral 127.0.0.1 ports, driven by commands, killed and restarted on
// the same ports, and always cleaned up.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace villagecam::testing {

struct CameraSpec {
  std::string name;
  std::string codec = "h264";
  std::string user = "";  // with a password: served on the auth port
  std::string password = "";
  int width = 640;
  int height = 360;
  int fps = 10;
  std::string file = "";  // an H.264/H.265 elementary stream to loop instead of a synthetic scene
  bool mid_gop = false;   // file cameras: every session starts halfway into a GOP
  double loss_percent = 0;  // RTP packets dropped on the way out
  double idle_seconds = 0;  // file cameras: loop only the clip's first seconds until play()
  double gop_seconds = 2;   // synthetic cameras: the key-frame interval
  bool stamp = false;       // synthetic cameras: each frame's wall-clock time in its top left (see the server)
};

class TestCameras {
 public:
  explicit TestCameras(std::vector<CameraSpec> cameras, bool hang_port = false, bool garbage_port = false);
  ~TestCameras();

  // rtsp://127.0.0.1:<port>/<name>, with credentials if asked.
  std::string url(const std::string& name, bool with_credentials = false) const;
  int rtspPort() const { return rtsp_port_; }
  int authPort() const { return auth_port_; }
  int hangPort() const { return hang_port_; }
  int garbagePort() const { return garbage_port_; }

  void stop(const std::string& name) { command("stop " + name); }
  void start(const std::string& name) { command("start " + name); }
  // idle_seconds cameras: mount it again; its next session sees the case
  // from `case_seconds` into it (a camera unplugged while the case went on).
  void startAt(const std::string& name, double case_seconds);
  // idle_seconds cameras: the case time of the frame last sent to its
  // viewers (nullopt: idling, or nobody watching).
  std::optional<double> position(const std::string& name);
  void freeze(const std::string& name) { command("freeze " + name); }
  void thaw(const std::string& name) { command("thaw " + name); }
  // The picture stops, the encoder goes on (a hung image pipeline).
  void still(const std::string& name) { command("still " + name); }
  void stutter(const std::string& name) { command("stutter " + name); }
  void smooth(const std::string& name) { command("smooth " + name); }
  void move(const std::string& name) { command("move " + name); }
  void cap(const std::string& name) { command("cap " + name); }
  void uncap(const std::string& name) { command("uncap " + name); }
  void enter(const std::string& name) { command("enter " + name); }  // an intruder in the lower right
  void leave(const std::string& name) { command("leave " + name); }
  void stand(const std::string& name) { command("stand " + name); }  // the intruder stands still
  // idle_seconds cameras: play the rest of the clip once, straight on from
  // the idle part. Returns the seconds until its first frame is sent.
  double play(const std::string& name);
  // How many RTSP connections each server has accepted so far.
  std::map<std::string, int> connections();

  // SIGKILL the whole server (every camera gone at once), and bring it back
  // on the same ports.
  void kill();
  void restart();

 private:
  void launch();
  std::string command(const std::string& line);

  std::vector<CameraSpec> cameras_;
  bool hang_, garbage_;
  int rtsp_port_ = 0, auth_port_ = 0, hang_port_ = 0, garbage_port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  size_t consumed_ = 0;  // output lines already read
};

// Paths of the built binaries (from CMake).
std::string testCamerasBinary();
std::string nodeBinary();
std::string pipelinesSourceDir();
std::string alertSimBinary();

}  // namespace villagecam::testing
