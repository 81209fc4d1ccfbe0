// Live video under faults, end to end: a real node with a test camera
// pushing into a real console (its HTTP API driven as a page drives it):
// the uplink cut, the node killed and restarted, the console restarted, a
// node that never answers. Each ends in a phase the page shows, nothing is
// left streaming, and the console keeps no thread or descriptor per view.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "console_fixture.hpp"
#include "process_stats.hpp"
#include "scratch_dir.hpp"
#include "tcp_proxy.hpp"
#include "test_cameras.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
using nlohmann::json;

int openFds(pid_t pid) {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A page showing one camera live: it renews its lease as the player does.
class Page {
 public:
  Page(const Console& console, std::string node, std::string camera, std::string viewer = "page-0123456789")
      : console_(console), node_(std::move(node)), camera_(std::move(camera)), viewer_(std::move(viewer)) {}

  json watch(bool again = false) const {
    httplib::Client http("127.0.0.1", console_.port());
    const auto res = http.Post("/api/live/" + node_ + "/" + camera_, console_.session(),
                               json{{"viewer", viewer_}, {"again", again}}.dump(), "application/json");
    if (!res || res->status != 200) return json{{"phase", "http"}, {"code", res ? std::to_string(res->status) : "none"}};
    return json::parse(res->body);
  }
  void leave() const {
    httplib::Client http("127.0.0.1", console_.port());
    http.Post("/api/live/" + node_ + "/" + camera_ + "/leave", console_.session(), json{{"viewer", viewer_}}.dump(),
              "application/json");
  }
  // Renews every half second until `ok` holds for an answer; asks again
  // (the operator's button) after a view that ended. Returns the last answer.
  json until(const std::function<bool(const json&)>& ok, std::chrono::seconds timeout, bool press_again = false) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json last = watch();
    while (!ok(last) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(500ms);  // the player's renewal period while it waits for video
      static const std::set<std::string> kFinished{"refused", "ended", "no_answer", "no_video", "busy"};
      last = watch(press_again && kFinished.count(last.value("phase", "")) > 0);
    }
    return last;
  }
  static bool playing(const json& a) { return a["phase"] == "playing" && a["playlist"].is_string(); }

 private:
  const Console& console_;
  std::string node_, camera_, viewer_;
};

class LiveFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ / "push-passwords.yaml") << "n1: n1-push-password-faults\n";
    std::ofstream(dir_ / "push-password") << "n1-push-password-faults\n";
  }
  std::string liveYaml(int port) const {
    return "live: {listen: \"127.0.0.1:" + std::to_string(port) + "\", push_passwords_file: " +
           (dir_ / "push-passwords.yaml").string() + "}\n";
  }
  std::filesystem::path nodeConfig(const Mosquitto& broker, const std::string& camera_url, int push_port) const {
    return writeNodeConfig(dir_.path(), broker, push_port, dir_ / "push-password",
                           "  - {id: gate, rtsp_url: \"" + camera_url + "\"}\n");
  }
  static bool gateOnline(const json& v) {
    for (const auto& c : v["cameras"]) {
      if (c["id"] == "gate" && c["state"] == "online") return true;
    }
    return false;
  }
  ScratchDir dir_{"county-live-faults"};
};

// The uplink is cut under a playing view, then the node is killed and comes
// back: each time the console asks again and the page plays a new push; the
// page leaves and the push stops; the console holds no more threads or
// descriptors than before.
TEST_F(LiveFaults, AViewComesBackAfterTheUplinkIsCutAndAfterTheNodeRestartsAndLeavesNothingBehind) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  const int live_port = freePort();
  Console console(dir_.path(), broker, liveYaml(live_port));
  TcpProxy uplink(live_port);
  const auto config = nodeConfig(broker, cams.url("gate"), uplink.port());
  auto node = std::make_unique<ChildProcess>(std::vector<std::string>{nodeBinary(), "run", "--config", config.string()});
  ASSERT_TRUE(gateOnline(console.waitFor("/api/villages/n1", gateOnline, 30s))) << node->output();

  Page page(console, "n1", "gate");
  auto first = page.until(Page::playing, 20s);
  ASSERT_TRUE(Page::playing(first)) << first << node->output() << console.process().output();
  {  // the playlist is the session's only
    httplib::Client http("127.0.0.1", console.port());
    const auto with = http.Get(first["playlist"].get<std::string>(), console.session());
    ASSERT_TRUE(with);
    EXPECT_EQ(with->status, 200);
    EXPECT_NE(with->body.find("#EXTINF"), std::string::npos) << with->body;
    const auto without = http.Get(first["playlist"].get<std::string>());
    ASSERT_TRUE(without);
    EXPECT_EQ(without->status, 401);
  }
  page.leave();
  ASSERT_TRUE(node->waitForSubstring("live push of gate stopped", 10s)) << node->output();
  // What the console holds with no view, after one: the baseline.
  console.waitFor("/api/health", [](const json& h) { return h["live_video"]["pushes"] == 0; }, 5s);
  const pid_t pid = console.process().pid();
  const double threads_before = statusField(pid, "Threads:");
  const int fds_before = openFds(pid);

  first = page.until(Page::playing, 20s);
  ASSERT_TRUE(Page::playing(first)) << first;
  uplink.cut();
  const auto cut = page.until([](const json& a) { return a["phase"] != "playing"; }, 20s);
  EXPECT_TRUE(cut["phase"] == "interrupted" || cut["phase"] == "asking") << cut;
  uplink.restore();
  const auto again = page.until([&](const json& a) { return Page::playing(a) && a["playlist"] != first["playlist"]; }, 40s,
                                /*press_again=*/true);
  ASSERT_TRUE(Page::playing(again)) << again << node->output() << console.process().output();
  EXPECT_GE(count(node->output(), "pushing gate to "), 3) << node->output();  // and one per retry while the uplink was cut

  node->signal(SIGKILL);
  node->wait(10s);
  const auto lost = page.until([](const json& a) { return a["phase"] != "playing"; }, 30s);
  EXPECT_NE(lost["phase"], "playing");
  node = std::make_unique<ChildProcess>(std::vector<std::string>{nodeBinary(), "run", "--config", config.string()});
  const auto back = page.until([&](const json& a) { return Page::playing(a) && a["playlist"] != again["playlist"]; }, 60s,
                               /*press_again=*/true);
  ASSERT_TRUE(Page::playing(back)) << back << node->output() << console.process().output();

  page.leave();
  EXPECT_TRUE(node->waitForSubstring("live push of gate stopped", 10s)) << node->output();
  const auto health = console.waitFor("/api/health", [](const json& h) { return h["live_video"]["pushes"] == 0; }, 5s);
  EXPECT_EQ(health["live_video"]["pushes"], 0) << health;
  EXPECT_EQ(health["live_video"]["watched"], 0) << health;
  // The receiver's sessions are gone with their threads and sockets.
  const auto settled = std::chrono::steady_clock::now() + 10s;
  while ((statusField(pid, "Threads:") > threads_before || openFds(pid) > fds_before) &&
         std::chrono::steady_clock::now() < settled) {
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_LE(statusField(pid, "Threads:"), threads_before);
  EXPECT_LE(openFds(pid), fds_before);
  EXPECT_EQ(std::filesystem::exists(dir_ / "county-state" / "live" / "n1" / "gate"), false)
      << "the segments of a view nobody watches are removed";
}

// The console stops (a restart): its pushes stop with it, told over MQTT;
// the next console serves the page again. A node that never answers (the
// simulator's) ends in no_answer with nothing left asked.
TEST_F(LiveFaults, AConsoleRestartStopsItsPushesAndANodeThatNeverAnswersEndsInNoAnswer) {
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  const int live_port = freePort();
  auto console = std::make_unique<Console>(dir_.path(), broker, liveYaml(live_port));
  const auto config = nodeConfig(broker, cams.url("gate"), live_port);
  ChildProcess node({nodeBinary(), "run", "--config", config.string()});
  ASSERT_TRUE(gateOnline(console->waitFor("/api/villages/n1", gateOnline, 30s))) << node.output();
  ASSERT_TRUE(Page::playing(Page(*console, "n1", "gate").until(Page::playing, 20s))) << node.output();

  console->process().signal(SIGTERM);
  ASSERT_TRUE(console->process().wait(15s));
  EXPECT_TRUE(node.waitForSubstring("live push of gate stopped", 5s)) << node.output();

  Console next(dir_.path(), broker, liveYaml(live_port), "", "county-next");
  ASSERT_TRUE(gateOnline(next.waitFor("/api/villages/n1", gateOnline, 30s)));
  const auto answer = Page(next, "n1", "gate").until(Page::playing, 20s);
  EXPECT_TRUE(Page::playing(answer)) << answer << node.output() << next.process().output();

  // A simulated village: its node takes no command.
  auto sim = runSim(broker, {"--nodes", "1", "--cameras", "2", "--offline-share", "0", "--interval", "2"});
  json sim_node;
  const auto villages = next.waitFor("/api/villages", [&](const json& list) {
    for (const auto& v : list) if (v["key"] != "n1") sim_node = v;
    return !sim_node.is_null();
  }, 20s);
  ASSERT_FALSE(sim_node.is_null()) << villages;
  const std::string sim_key = sim_node["key"];
  const auto detail = next.waitFor("/api/villages/" + sim_key,
                                   [](const json& v) { return !v["cameras"].empty(); }, 20s);
  ASSERT_FALSE(detail["cameras"].empty()) << detail;
  Page silent(next, sim_key, detail["cameras"][0]["id"]);
  const auto asked = silent.watch();
  EXPECT_EQ(asked["phase"], "asking") << asked;
  const auto ended = silent.until([](const json& a) { return a["phase"] != "asking"; }, 20s);
  EXPECT_EQ(ended["phase"], "no_answer") << ended;
  EXPECT_TRUE(ended["playlist"].is_null());
  const auto health = next.get("/api/health");
  EXPECT_EQ(health["live_video"]["pushes"], 1) << "only the real node's view is running: " << health;
}

}  // namespace
}  // namespace villagecam
