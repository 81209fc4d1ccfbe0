// Mailbox, rate meter, atomic files and error classification.
#include <glib.h>
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>

#include "service/liveness.hpp"
#include "ingest/error_classifier.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/mailbox.hpp"
#include "ingest/rate_meter.hpp"
#include "util/atomic_file.hpp"

namespace villagecam {
namespace {

using namespace std::chrono_literals;

TEST(Mailbox, LatestFrameWinsAndDropsAreCounted) {
  ingest::Mailbox box;
  box.frameToFill().data = cv::Mat(4, 4, CV_8UC1, cv::Scalar(1));
  box.postFrame();
  box.frameToFill().data = cv::Mat(4, 4, CV_8UC1, cv::Scalar(2));
  box.postFrame();
  auto batch = box.waitUntil(std::chrono::steady_clock::now());
  ASSERT_TRUE(batch.frame);
  EXPECT_EQ(box.latestFrame().data.at<uchar>(0, 0), 2);
  EXPECT_EQ(box.framesDropped(), 1u);
  EXPECT_FALSE(box.waitUntil(std::chrono::steady_clock::now()).frame) << "nothing new";
  EXPECT_EQ(box.latestFrame().data.at<uchar>(0, 0), 2) << "the taken frame stays until the next one";
}

// The three slots keep their buffers: once they have their size, frames go
// through without allocating, and the writer never writes into the slot the
// reader holds.
TEST(Mailbox, FramesReuseThreeBuffersAndNeverTheOneBeingRead) {
  ingest::Mailbox box;
  std::set<const uchar*> buffers;
  for (int i = 0; i < 50; ++i) {
    cv::Mat& slot = box.frameToFill().data;
    slot.create(8, 8, CV_8UC1);
    slot.setTo(i);
    buffers.insert(slot.data);
    box.postFrame();
    if (i % 3 == 0) {
      ASSERT_TRUE(box.waitUntil(std::chrono::steady_clock::now()).frame);
      EXPECT_EQ(box.latestFrame().data.at<uchar>(0, 0), i);
      EXPECT_NE(box.frameToFill().data.data, box.latestFrame().data.data);
    }
  }
  EXPECT_EQ(buffers.size(), 3u);
}

TEST(Mailbox, WaitEndsWhenSomethingIsPostedFromAnotherThread) {
  ingest::Mailbox box;
  std::thread poster([&] { box.postFailure({health::FailureKind::StreamEnded, "eos"}); });
  auto batch = box.waitUntil(std::chrono::steady_clock::now() + 30s);
  poster.join();
  ASSERT_EQ(batch.failures.size(), 1u);
  EXPECT_EQ(batch.failures[0].kind, health::FailureKind::StreamEnded);
}

TEST(RateMeter, MeasuresOverItsWindow) {
  ingest::RateMeter meter(5s);
  SteadyTime t{};
  for (int s = 0; s <= 10; ++s) meter.sample(t + std::chrono::seconds(s), 25u * s, 100000u * s);
  EXPECT_DOUBLE_EQ(meter.framesPerSecond(), 25.0);
  EXPECT_DOUBLE_EQ(meter.bitsPerSecond(), 800000.0);
}

TEST(ErrorClassifier, NamesTheCommonRtspFailures) {
  GError* e401 = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_AUTHORIZED, "Unauthorized");
  EXPECT_EQ(ingest::classifyError(e401, "").kind, health::FailureKind::Unauthorized);
  g_error_free(e401);
  GError* e404 = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_NOT_FOUND, "Not found");
  EXPECT_EQ(ingest::classifyError(e404, "").kind, health::FailureKind::NotFound);
  g_error_free(e404);
  GError* open = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_OPEN_READ_WRITE,
                                     "Could not open resource for reading and writing.");
  const auto f = ingest::classifyError(open, "gstrtspsrc.c(8336): Failed to connect. (Generic error)");
  EXPECT_EQ(f.kind, health::FailureKind::Refused);
  EXPECT_EQ(f.reason, ingest::couldNotConnect());
  g_error_free(open);
  GError* leak = g_error_new_literal(GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
                                     "Could not open rtsp://admin:123456@10.0.0.7/ch1");
  EXPECT_EQ(ingest::classifyError(leak, "").reason.find("123456"), std::string::npos);
  g_error_free(leak);
}

class AtomicFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("vc-atomic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(AtomicFile, ReplacesWholeAndLeavesNoTemporaryBehind) {
  const auto file = dir_ / "x.json";
  writeFileAtomically(file, "one");
  writeFileAtomically(file, "two");
  EXPECT_EQ(*readFileIfExists(file), "two");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
  EXPECT_FALSE(readFileIfExists(dir_ / "missing").has_value());
}

TEST_F(AtomicFile, AFailedWriteNamesThePathAndKeepsTheOldFile) {
  const auto file = dir_ / "x.json";
  writeFileAtomically(file, "old");
  try {
    writeFileAtomically(dir_ / "no-such-dir" / "x.json", "new");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no-such-dir"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file or directory"), std::string::npos) << e.what();
  }
  EXPECT_EQ(*readFileIfExists(file), "old");
}

TEST(Liveness, OnlyHeartbeatsOlderThanTheLimitAreStale) {
  const SteadyTime now{std::chrono::seconds(100)};
  const std::vector<service::Heartbeat> beats{
      {"event loop", now - 1s}, {"camera gate", now - 16s}, {"camera river", now - 15s}, {"camera school", now}};
  EXPECT_EQ(service::staleHeartbeats(beats, now, 15s), std::vector<std::string>{"camera gate"});
  EXPECT_TRUE(service::staleHeartbeats(beats, now, 20s).empty());
}

}  // namespace
}  // namespace villagecam
