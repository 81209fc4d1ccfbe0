#include "test_cameras.hpp"

#include <signal.h>

#include <regex>
#include <sstream>
#include <stdexcept>

namespace villagecam::testing {

std::string testCamerasBinary() { return VILLAGECAM_TEST_CAMERAS_BIN; }
std::string nodeBinary() { return VILLAGECAM_NODE_BIN; }
std::string pipelinesSourceDir() { return VILLAGECAM_PIPELINES_SOURCE_DIR; }
std::string alertSimBinary() { return VILLAGECAM_ALERT_SIM_BIN; }

TestCameras::TestCameras(std::vector<CameraSpec> cameras, bool hang_port, bool garbage_port)
    : cameras_(std::move(cameras)), hang_(hang_port), garbage_(garbage_port) {
  launch();
}

TestCameras::~TestCameras() = default;

void TestCameras::launch() {
  std::vector<std::string> argv{testCamerasBinary()};
  if (rtsp_port_) argv.insert(argv.end(), {"--port", std::to_string(rtsp_port_)});
  if (auth_port_) argv.insert(argv.end(), {"--auth-port", std::to_string(auth_port_)});
  for (const auto& c : cameras_) {
    std::ostringstream spec;
    spec << c.name << ",codec=" << c.codec << ",size=" << c.width << "x" << c.height << ",fps=" << c.fps;
    if (!c.user.empty()) spec << ",user=" << c.user << ",password=" << c.password;
    if (!c.file.empty()) spec << ",file=" << c.file;
    if (c.mid_gop) spec << ",start=midgop";
    if (c.loss_percent > 0) spec << ",loss=" << c.loss_percent;
    if (c.idle_seconds > 0) spec << ",idle=" << c.idle_seconds;
    if (c.gop_seconds != 2) spec << ",gop=" << c.gop_seconds;
    if (c.stamp) spec << ",stamp=1";
    argv.insert(argv.end(), {"--camera", spec.str()});
  }
  if (hang_ && !hang_port_) argv.push_back("--hang-port");
  if (garbage_ && !garbage_port_) argv.push_back("--garbage-port");
  process_ = std::make_unique<ChildProcess>(argv);
  consumed_ = 0;
  size_t index = 0;
  const auto ready = process_->waitForSubstring("READY", std::chrono::seconds(20), 0, &index);
  if (!ready) throw std::runtime_error("test cameras did not start:\n" + process_->output());
  consumed_ = index + 1;
  auto port = [&](const char* key) {
    std::smatch m;
    const std::regex re(std::string(key) + "=(\\d+)");
    return std::regex_search(*ready, m, re) ? std::stoi(m[1]) : 0;
  };
  rtsp_port_ = port("rtsp_port");
  auth_port_ = port("auth_port");
  if (int p = port("hang_port")) hang_port_ = p;
  if (int p = port("garbage_port")) garbage_port_ = p;
}

std::string TestCameras::url(const std::string& name, bool with_credentials) const {
  for (const auto& c : cameras_) {
    if (c.name != name) continue;
    const bool auth = !c.user.empty();
    const std::string userinfo = auth && with_credentials ? c.user + ":" + c.password + "@" : "";
    return "rtsp://" + userinfo + "127.0.0.1:" + std::to_string(auth ? auth_port_ : rtsp_port_) + "/" + name;
  }
  return "rtsp://127.0.0.1:" + std::to_string(rtsp_port_) + "/" + name;
}

std::string TestCameras::command(const std::string& line) {
  process_->writeLine(line);
  size_t index = 0;
  const auto reply = process_->waitForLine(
      [](const std::string& l) { return l.rfind("OK", 0) == 0 || l.rfind("ERR", 0) == 0; },
      std::chrono::seconds(10), consumed_, &index);
  if (!reply) throw std::runtime_error("test cameras did not answer '" + line + "':\n" + process_->output());
  consumed_ = index + 1;
  if (reply->rfind("ERR", 0) == 0) throw std::runtime_error("test cameras: " + *reply);
  return *reply;
}

double TestCameras::play(const std::string& name) {
  const std::string reply = command("play " + name);
  const auto in = reply.rfind(" in ");
  if (in == std::string::npos) throw std::runtime_error("test cameras: unexpected answer '" + reply + "'");
  return std::stod(reply.substr(in + 4));
}

void TestCameras::startAt(const std::string& name, double case_seconds) {
  command("start " + name + " at=" + std::to_string(case_seconds));
}

std::optional<double> TestCameras::position(const std::string& name) {
  std::string reply;
  try {
    reply = command("position " + name);
  } catch (const std::runtime_error&) {
    return std::nullopt;  // nobody watching yet
  }
  const auto last = reply.rfind(' ');
  if (last == std::string::npos || reply.substr(last + 1) == "idle") return std::nullopt;
  return std::stod(reply.substr(last + 1));
}

std::map<std::string, int> TestCameras::connections() {
  const std::string reply = command("connections");
  std::map<std::string, int> out;
  const std::regex re("(\\w+)=(\\d+)");
  for (std::sregex_iterator it(reply.begin(), reply.end(), re), end; it != end; ++it) {
    out[(*it)[1]] = std::stoi((*it)[2]);
  }
  return out;
}

void TestCameras::kill() {
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
}

void TestCameras::restart() {
  kill();
  launch();
}

}  // namespace villagecam::testing
