// The relay's decisions without a network: who may watch (ViewerBook), what a
// camera's stream costs (BitRate), and the fan-out of encoded units
// (EncodedFanout) with real GStreamer buffers.
#include <gst/gst.h>
#include <gtest/gtest.h>

#include "ingest/encoded_fanout.hpp"
#include "ingest/gstreamer.hpp"
#include "relay/viewer_book.hpp"

namespace villagecam::relay {
namespace {

TEST(ViewerBook, CapsViewersPerCameraAndLetsAWatcherPlayAgain) {
  ViewerBook book({2, 100'000'000});
  const ViewerBook::Rates rates{{"gate", 2'000'000}, {"lane", 1'000'000}};
  EXPECT_EQ(book.check(1, "gate", rates), Refusal::None);
  EXPECT_TRUE(book.join(1, "gate"));
  EXPECT_FALSE(book.join(1, "gate"));  // booked once
  EXPECT_TRUE(book.join(2, "gate"));
  EXPECT_EQ(book.check(3, "gate", rates), Refusal::TooManyViewers);
  EXPECT_EQ(book.check(1, "gate", rates), Refusal::None) << "PLAY after PAUSE";
  EXPECT_EQ(book.check(3, "lane", rates), Refusal::None) << "the cap is per camera";
  EXPECT_TRUE(book.leave(2, "gate"));
  EXPECT_EQ(book.check(3, "gate", rates), Refusal::None);
  EXPECT_EQ(book.viewers("gate"), 1);
}

TEST(ViewerBook, RefusesAViewerThatWouldExceedTheOutgoingBudget) {
  ViewerBook book({8, 5'000'000});
  const ViewerBook::Rates rates{{"gate", 2'000'000}, {"lane", 1'500'000}};
  ASSERT_TRUE(book.join(1, "gate"));
  ASSERT_TRUE(book.join(2, "gate"));
  EXPECT_EQ(book.outgoing(rates), 4'000'000u);
  EXPECT_EQ(book.check(3, "gate", rates), Refusal::NotEnoughBandwidth);  // 6 Mbit/s > 5
  EXPECT_EQ(book.check(3, "lane", {{"gate", 2'000'000}, {"lane", 900'000}}), Refusal::None);  // 4.9 fits
  EXPECT_EQ(book.check(3, "lane", rates), Refusal::NotEnoughBandwidth);  // 5.5 does not
}

TEST(ViewerBook, AClosedConnectionLeavesEveryCameraItWatched) {
  ViewerBook book({4, 100'000'000});
  book.join(7, "gate");
  book.join(7, "lane");
  book.join(8, "gate");
  const auto left = book.leaveAll(7);
  EXPECT_EQ(left, (std::vector<std::string>{"gate", "lane"}));
  EXPECT_EQ(book.viewers(), 1);
  EXPECT_EQ(book.watchersOf("gate"), std::vector<ViewerBook::ViewerId>{8});
}

TEST(ViewerBook, EachRefusalHasItsRtspStatus) {
  EXPECT_EQ(rtspStatus(Refusal::UnknownCamera), 404);
  EXPECT_EQ(rtspStatus(Refusal::CameraOffline), 503);
  EXPECT_EQ(rtspStatus(Refusal::TooManyViewers), 503);
  EXPECT_EQ(rtspStatus(Refusal::NotEnoughBandwidth), 453);
  EXPECT_STREQ(toString(Refusal::NotEnoughBandwidth), "not_enough_bandwidth");
}

TEST(BitRate, IsTheRateOverItsWindowAndStartsAgainWhenTheCounterGoesBack) {
  BitRate rate(4);
  EXPECT_EQ(rate.bitsPerSecond(), 0u);
  rate.sample(0, 0);
  EXPECT_EQ(rate.bitsPerSecond(), 0u);
  for (int s = 1; s <= 10; ++s) rate.sample(s, static_cast<std::uint64_t>(s) * 125'000);  // 1 Mbit/s
  EXPECT_EQ(rate.bitsPerSecond(), 1'000'000u);
  rate.sample(11, 10 * 125'000 + 250'000);  // 2 Mbit/s in the last second: 1.25 over the window of 4
  EXPECT_EQ(rate.bitsPerSecond(), 1'250'000u);
  rate.sample(12, 0);  // a new fan-out
  EXPECT_EQ(rate.bitsPerSecond(), 0u);
}

class RecordingSink : public ingest::EncodedSink {
 public:
  void format(const ingest::EncodedFormat& f) override { formats.push_back(f.codec); }
  void unit(const ingest::EncodedUnit& u) override { units.push_back(u); }
  void interrupted() override { ++interruptions; }
  void closed() override { ++closings; }
  std::vector<std::string> formats;
  std::vector<ingest::EncodedUnit> units;
  int interruptions = 0, closings = 0;
};

ingest::EncodedUnit unitOf(std::size_t size, bool key) {
  GstBuffer* b = gst_buffer_new_allocate(nullptr, size, nullptr);
  if (!key) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  GST_BUFFER_PTS(b) = 40 * GST_MSECOND;
  ingest::EncodedUnit u(b, WallTime{}, SteadyTime{});
  gst_buffer_unref(b);
  return u;
}

TEST(EncodedFanout, HandsEachUnitToEverySinkWithoutACopyAndStopsAtUnsubscribe) {
  ingest::initGStreamer();
  auto fanout = std::make_shared<ingest::EncodedFanout>("gate");
  fanout->setFormat({"h264", "video/x-h264"});
  auto a = std::make_shared<RecordingSink>(), b = std::make_shared<RecordingSink>();
  auto sa = ingest::EncodedFanout::subscribe(fanout, a);
  EXPECT_EQ(a->formats, std::vector<std::string>{"h264"}) << "told the format on subscribing";
  {
    auto sb = ingest::EncodedFanout::subscribe(fanout, b);
    const auto key = unitOf(1000, true);
    fanout->push(key);
    EXPECT_EQ(a->units.size(), 1u);
    EXPECT_EQ(b->units.size(), 1u);
    EXPECT_EQ(a->units[0].buffer(), key.buffer()) << "the same buffer, referenced";
    EXPECT_TRUE(a->units[0].key());
    EXPECT_EQ(a->units[0].pts(), 40 * GST_MSECOND);
  }
  fanout->push(unitOf(200, false));
  EXPECT_EQ(a->units.size(), 2u);
  EXPECT_EQ(b->units.size(), 1u) << "unsubscribed when its subscription went";
  EXPECT_FALSE(a->units[1].key());
  EXPECT_EQ(fanout->bytes(), 1200u);
  EXPECT_TRUE(fanout->streaming());
  fanout->interrupted();
  EXPECT_FALSE(fanout->streaming());
  EXPECT_EQ(a->interruptions, 1);
  fanout->close();
  EXPECT_EQ(a->closings, 1);
  fanout->push(unitOf(10, true));
  EXPECT_EQ(a->units.size(), 2u) << "nothing after close";
  auto late = std::make_shared<RecordingSink>();
  auto sl = ingest::EncodedFanout::subscribe(fanout, late);
  EXPECT_EQ(late->closings, 1) << "a sink that comes after the close is told at once";
}

// A live view to the county starts from the latest key frame: its first
// picture comes now, not at the camera's next key frame.
TEST(EncodedFanout, ASubscriberFromTheKeyFrameGetsTheGopSoFarFirst) {
  ingest::initGStreamer();
  auto fanout = std::make_shared<ingest::EncodedFanout>("gate");
  fanout->setFormat({"h264", "video/x-h264"});
  fanout->push(unitOf(100, false));  // before any key frame: not decodable, not kept
  const auto key = unitOf(1000, true);
  fanout->push(key);
  fanout->push(unitOf(200, false));
  fanout->push(unitOf(200, false));
  auto late = std::make_shared<RecordingSink>(), plain = std::make_shared<RecordingSink>();
  auto sl = ingest::EncodedFanout::subscribe(fanout, late, /*from_key=*/true);
  auto sp = ingest::EncodedFanout::subscribe(fanout, plain);
  ASSERT_EQ(late->units.size(), 3u);
  EXPECT_EQ(late->units[0].buffer(), key.buffer());
  EXPECT_TRUE(plain->units.empty()) << "a plain subscriber starts with the next unit";
  fanout->push(unitOf(200, false));
  EXPECT_EQ(late->units.size(), 4u);

  // A gap in the GOP, or an interruption, and nothing is kept until the next key frame.
  fanout->interrupted();
  auto after = std::make_shared<RecordingSink>();
  auto sa = ingest::EncodedFanout::subscribe(fanout, after, true);
  EXPECT_TRUE(after->units.empty());
  fanout->push(unitOf(1000, true));
  GstBuffer* b = gst_buffer_new_allocate(nullptr, 10, nullptr);
  GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DISCONT);
  fanout->push(ingest::EncodedUnit(b, WallTime{}, SteadyTime{}));
  gst_buffer_unref(b);
  auto gap = std::make_shared<RecordingSink>();
  auto sg = ingest::EncodedFanout::subscribe(fanout, gap, true);
  EXPECT_TRUE(gap->units.empty()) << "a GOP with a hole is not handed out";

  // A GOP over the bound is not kept.
  fanout->push(unitOf(1000, true));
  fanout->push(unitOf(ingest::EncodedFanout::kMaxGopBytes, false));
  auto big = std::make_shared<RecordingSink>();
  auto sb = ingest::EncodedFanout::subscribe(fanout, big, true);
  EXPECT_TRUE(big->units.empty());
}

}  // namespace
}  // namespace villagecam::relay
