// Evidence clips in the console, end to end: a real node records an alert's
// clip; the console, asked by a page, fetches it from the node through the
// node's outbound push (RTSP RECORD into the receiver), keeps it across a
// restart and serves it to signed-in operators only; a clip the node does
// not have is said to be gone.
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "console_fixture.hpp"
#include "scratch_dir.hpp"
#include "test_cameras.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;
using namespace villagecam::testing;
using nlohmann::json;

int countOf(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

json fetchClip(const Console& console, const std::string& node, const std::string& alert) {
  httplib::Client http("127.0.0.1", console.port());
  const auto res = http.Post("/api/clips/" + node + "/" + alert, console.session(), "{}", "application/json");
  if (!res) return json{{"phase", "http"}};
  return json::parse(res->body);
}

TEST(Clips, AnAlertsClipIsFetchedFromTheNodeKeptAcrossARestartAndServedToOperatorsOnly) {
  ScratchDir dir("county-clips");
  Mosquitto broker;
  TestCameras cams({CameraSpec{.name = "gate"}});
  std::ofstream(dir / "push-passwords.yaml") << "n1: n1-push-password-clips\n";
  std::ofstream(dir / "push-password") << "n1-push-password-clips\n";
  const int live_port = freePort();
  const std::string county_extra = "live: {listen: \"127.0.0.1:" + std::to_string(live_port) + "\", push_passwords_file: " +
                                   (dir / "push-passwords.yaml").string() + "}\nclips: {max_bytes: 64MB, max_days: 7}\n";
  auto console = std::make_unique<Console>(dir.path(), broker, county_extra);
  const auto node_config = writeNodeConfig(
      dir.path(), broker, live_port, dir / "push-password", "  - {id: gate, rtsp_url: \"" + cams.url("gate") + "\"}\n",
      "clips: {enabled: true, pre_roll: 3s, post_roll: 2s, alert_types: [camera_stalled]}\n");
  ChildProcess node({nodeBinary(), "run", "--config", node_config.string()});
  ASSERT_FALSE(console->waitFor("/api/villages/n1", [](const json& v) {
    return !v["cameras"].empty() && v["cameras"][0]["state"] == "online";
  }, 30s).is_null()) << node.output();
  std::this_thread::sleep_for(4s);  // the camera's pre-roll fills: a clip of what it saw before it went
  cams.freeze("gate");  // the picture stops coming: stalled, with the seconds before in its clip
  std::string alert;
  console->waitFor("/api/alerts", [&](const json& rows) {
    for (const auto& r : rows) {
      if (r["type"] == "camera_stalled" && r["clip"].is_string()) alert = r["clip"];
    }
    return !alert.empty();
  }, 30s);
  ASSERT_FALSE(alert.empty()) << node.output();

  // Asked while the node may still be writing it: it comes once whole.
  const auto asked_at = std::chrono::steady_clock::now();
  json answer = fetchClip(*console, "n1", alert);
  std::set<std::string> phases{answer["phase"]};
  while (answer["phase"] != "stored" && std::chrono::steady_clock::now() - asked_at < 40s) {
    std::this_thread::sleep_for(500ms);  // as the page asks, each second
    answer = fetchClip(*console, "n1", alert);
    phases.insert(answer["phase"]);
  }
  ASSERT_EQ(answer["phase"], "stored") << answer << node.output() << console->process().output();
  std::cout << "clip kept " << std::chrono::duration<double>(std::chrono::steady_clock::now() - asked_at).count()
            << " s after it was asked for; phases seen:";
  for (const auto& p : phases) std::cout << " " << p;
  std::cout << "\n";
  EXPECT_EQ(answer["url"], "/clips/n1/" + alert + ".mp4");
  {
    httplib::Client http("127.0.0.1", console->port());
    const auto with = http.Get(answer["url"].get<std::string>(), console->session());
    ASSERT_TRUE(with);
    ASSERT_EQ(with->status, 200);
    EXPECT_EQ(with->get_header_value("Content-Type"), "video/mp4");
    std::ofstream(dir / "fetched.mp4", std::ios::binary) << with->body;
    const auto without = http.Get(answer["url"].get<std::string>());
    ASSERT_TRUE(without);
    EXPECT_EQ(without->status, 401);
  }
  // A player nobody here wrote reads it: H.264, frame for frame the node's clip.
  auto probe = [](const std::filesystem::path& file) {
    const auto [rc, out] = runCommand({"/usr/bin/ffprobe", "-v", "error", "-count_frames", "-show_entries",
                                       "stream=codec_name,nb_read_frames:format=duration", "-of", "json", file.string()});
    EXPECT_EQ(rc, 0) << out;
    return rc == 0 ? json::parse(out) : json();
  };
  const auto fetched = probe(dir / "fetched.mp4");
  const auto original = probe(dir / "node-state" / "clips" / (alert + ".mp4"));
  ASSERT_FALSE(fetched.is_null());
  ASSERT_FALSE(original.is_null());
  EXPECT_EQ(fetched["streams"][0]["codec_name"], "h264") << fetched;
  EXPECT_EQ(fetched["streams"][0]["nb_read_frames"], original["streams"][0]["nb_read_frames"]) << fetched << original;
  EXPECT_NEAR(std::stod(fetched["format"]["duration"].get<std::string>()),
              std::stod(original["format"]["duration"].get<std::string>()), 0.05)
      << fetched << original;
  // Once, or again when an upload did not finish (the console asks up to 3 times).
  const int uploads = countOf(node.output(), "uploading clip");
  EXPECT_GE(uploads, 1);
  EXPECT_LE(uploads, 3);

  // A clip the node does not have: gone, in its words.
  const auto gone = [&] {
    json a = fetchClip(*console, "n1", "0f0f0f0f-1111-4222-8333-444455556666");
    for (int i = 0; i < 40 && a["phase"] == "asking"; ++i) {
      std::this_thread::sleep_for(250ms);
      a = fetchClip(*console, "n1", "0f0f0f0f-1111-4222-8333-444455556666");
    }
    return a;
  }();
  EXPECT_EQ(gone["phase"], "gone") << gone;
  EXPECT_EQ(gone["code"], "clip_gone") << gone;

  // The console restarts: the clip is kept, and served without asking the node again.
  console->process().signal(SIGTERM);
  ASSERT_TRUE(console->process().wait(15s));
  console.reset();
  Console again(dir.path(), broker, county_extra);
  again.waitFor("/api/villages/n1", [](const json& v) { return !v["cameras"].empty(); }, 20s);
  const auto kept = fetchClip(again, "n1", alert);
  EXPECT_EQ(kept["phase"], "stored") << kept;
  EXPECT_EQ(countOf(node.output(), "uploading clip"), uploads) << "a kept clip is not fetched again";
  EXPECT_EQ(node.output().find("n1-push-password-clips"), std::string::npos);
  EXPECT_EQ(again.process().output().find("n1-push-password-clips"), std::string::npos);
}

}  // namespace
}  // namespace villagecam
