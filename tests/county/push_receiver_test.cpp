// Where villages push live video: a real RTSP RECORD client nobody here
// wrote (gst-launch's rtspclientsink) pushes real H.264 into the county's
// receiver, and a real player (ffprobe) decodes the HLS it becomes. A node
// records into its own expected paths only.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "child_process.hpp"
#include "push/push_receiver.hpp"
#include "scratch_dir.hpp"

namespace villagecam::county {
namespace {

using namespace std::chrono_literals;
using testing::ChildProcess;
using testing::ScratchDir;

// A camera's stream pushed as a node pushes it: H.264, a key frame a second, over TCP.
std::vector<std::string> pushCommand(int port, const std::string& path, const std::string& user,
                                     const std::string& password) {
  return {"/usr/bin/gst-launch-1.0", "videotestsrc", "is-live=true", "pattern=ball", "!",
          "video/x-raw,width=320,height=240,framerate=10/1", "!", "x264enc", "tune=zerolatency", "speed-preset=ultrafast",
          "key-int-max=10", "!", "h264parse", "!", "rtspclientsink",
          "location=rtsp://127.0.0.1:" + std::to_string(port) + path, "protocols=tcp", "user-id=" + user,
          "user-pw=" + password};
}

int segmentsIn(const std::filesystem::path& playlist) {
  std::ifstream in(playlist);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) n += line.rfind("#EXTINF", 0) == 0;
  return n;
}

// Polls a condition the receiver's own thread brings about, with a deadline.
template <typename F>
bool eventually(F&& condition, std::chrono::milliseconds deadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(100ms);
  }
  return condition();
}

class PushReceiverTest : public ::testing::Test {
 protected:
  PushReceiverTest()
      : dir_("push"), receiver_({.host = "127.0.0.1", .port = 0, .hls_dir = dir_ / "hls"},
                                {{"village-a", "a-push-secret"}, {"village-b", "b-push-secret"}}) {
    port_ = receiver_.start();
  }
  ScratchDir dir_;
  PushReceiver receiver_;
  int port_ = 0;
};

TEST_F(PushReceiverTest, ANodesPushBecomesHlsThatAPlayerDecodes) {
  receiver_.expect("village-a", "gate");
  ChildProcess push(pushCommand(port_, "/village-a/gate", "village-a", "a-push-secret"));
  const auto playlist = receiver_.state("village-a", "gate")->playlist;
  ASSERT_TRUE(eventually([&] { return segmentsIn(playlist) >= 3; }, 30s)) << push.output();
  EXPECT_TRUE(receiver_.state("village-a", "gate")->receiving);
  EXPECT_EQ(receiver_.state("village-a", "gate")->pushes, 1u);

  // A live playlist has no end: two seconds of it are read.
  ChildProcess probe({"/usr/bin/ffprobe", "-v", "error", "-read_intervals", "%+2", "-count_frames", "-select_streams", "v:0", "-show_entries",
                      "stream=codec_name,width,height,nb_read_frames", "-of", "json", playlist.string()});
  ASSERT_EQ(probe.wait(60s).value_or(-1), 0) << probe.output();
  probe.waitForEndOfOutput(5s);
  const auto info = nlohmann::json::parse(probe.output());
  const auto& stream = info.at("streams").at(0);
  EXPECT_EQ(stream.at("codec_name"), "h264");
  EXPECT_EQ(stream.at("width"), 320);
  EXPECT_GE(std::stoi(stream.at("nb_read_frames").get<std::string>()), 15);  // 2 s at 10 fps, give or take a frame

  // Closing the path ends the push and takes its files away. rtspclientsink
  // hears of it as an error (a reset) or as a mere warning ("the server
  // closed the connection", after which it would go on sending into
  // nothing: the node's pusher ends on either).
  receiver_.close("village-a", "gate");
  EXPECT_TRUE(push.waitForSubstring("rtspclientsink0: Could not read from resource", 15s)) << push.output();
  EXPECT_FALSE(std::filesystem::exists(playlist.parent_path()));
  EXPECT_FALSE(receiver_.state("village-a", "gate"));
}

TEST_F(PushReceiverTest, ANodeRecordsIntoNoOtherNodesPathNorWithAWrongCredentialNorIntoAPathNotExpected) {
  receiver_.expect("village-a", "gate");
  // village-b's own, good credential, into village-a's camera.
  ChildProcess other(pushCommand(port_, "/village-a/gate", "village-b", "b-push-secret"));
  const auto other_status = other.wait(20s);
  ASSERT_TRUE(other_status) << "a push into another node's path was not refused";
  EXPECT_NE(*other_status, 0);
  // village-a with a wrong password.
  ChildProcess wrong(pushCommand(port_, "/village-a/gate", "village-a", "guessed"));
  const auto wrong_status = wrong.wait(20s);
  ASSERT_TRUE(wrong_status);
  EXPECT_NE(*wrong_status, 0);
  // village-a into a camera nobody asked for.
  ChildProcess unasked(pushCommand(port_, "/village-a/square", "village-a", "a-push-secret"));
  const auto unasked_status = unasked.wait(20s);
  ASSERT_TRUE(unasked_status);
  EXPECT_NE(*unasked_status, 0);

  const auto state = receiver_.state("village-a", "gate");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->pushes, 0u);
  EXPECT_FALSE(state->receiving);
  EXPECT_EQ(segmentsIn(state->playlist), 0);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "hls" / "village-a" / "square"));
  for (const auto* p : {&other, &wrong, &unasked}) {
    EXPECT_EQ(p->output().find("secret"), std::string::npos);
  }
}

TEST(PushReceiverIds, OnlyTheContractsIdsMakeAPath) {
  ScratchDir dir("push-ids");
  PushReceiver receiver({.host = "127.0.0.1", .port = 0, .hls_dir = dir / "hls"}, {});
  receiver.start();
  for (const auto& [node, camera] : std::vector<std::pair<std::string, std::string>>{
           {"..", "gate"}, {"a/b", "gate"}, {"village", "../../etc"}, {"Village", "gate"}, {"", "gate"}}) {
    EXPECT_THROW(receiver.expect(node, camera), std::invalid_argument) << node << "/" << camera;
  }
  EXPECT_TRUE(!std::filesystem::exists(dir / "hls") || std::filesystem::is_empty(dir / "hls"));
}

}  // namespace
}  // namespace villagecam::county
