// Evidence clips without a camera: the ring of encoded units (what it keeps,
// where a clip starts) with real GStreamer buffers, and the store on disk
// (what a crash leaves, the byte bound).
#include <gst/gst.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "ingest/gstreamer.hpp"
#include "record/clip_ring.hpp"
#include "record/clip_store.hpp"
#include "util/time_format.hpp"

namespace villagecam::record {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

const WallTime kT0 = WallTime(std::chrono::seconds(1'796'544'000));  // 2026-12-06T08:00:00Z

// Unit i of a 10 fps stream with a key frame every `gop` units, `size` bytes.
ingest::EncodedUnit unitAt(int i, int gop, std::size_t size = 1000) {
  GstBuffer* b = gst_buffer_new_allocate(nullptr, size, nullptr);
  if (i % gop != 0) GST_BUFFER_FLAG_SET(b, GST_BUFFER_FLAG_DELTA_UNIT);
  GST_BUFFER_PTS(b) = static_cast<GstClockTime>(i) * 100 * GST_MSECOND;
  ingest::EncodedUnit u(b, kT0 + i * 100ms, SteadyTime{} + i * 100ms);
  gst_buffer_unref(b);
  return u;
}

class Ring : public ::testing::Test {
 protected:
  void SetUp() override { ingest::initGStreamer(); }
};

TEST_F(Ring, KeepsTheRollFromAKeyFrameAndDropsWholeGopsBeforeIt) {
  ClipRing ring(3s, 1u << 30);
  ring.format({"h264", "video/x-h264"});
  for (int i = 0; i < 100; ++i) ring.unit(unitAt(i, 20));  // 10 s, a key frame every 2 s
  // Newest at 9.9 s: 3 s back is 6.9 s; the GOP from 6.0 s reaches it, the one from 4.0 s is not needed.
  EXPECT_NEAR(ring.seconds(), 3.9, 1e-9);
  EXPECT_EQ(ring.units(), 40u);
  EXPECT_EQ(ring.bytes(), 40'000u);
  const auto take = ring.takeFrom(kT0 + 7100ms);
  ASSERT_TRUE(take);
  EXPECT_TRUE(take->units.front().key());
  EXPECT_EQ(toRfc3339(take->units.front().arrived()), toRfc3339(kT0 + 8s))
      << "the key frame nearest 7.1 s is 8.0 s, not 6.0 s";
  EXPECT_EQ(take->format.codec, "h264");
  EXPECT_EQ(toRfc3339(ring.takeFrom(kT0)->units.front().arrived()), toRfc3339(kT0 + 6s))
      << "before what is held: the oldest";
}

TEST_F(Ring, IsBoundedByBytesKeepsTheSecondsBeforeALossAndStartsAgainOnTheNextConnection) {
  ClipRing ring(60s, 25'000);
  ring.format({"h264", "video/x-h264"});
  for (int i = 0; i < 100; ++i) ring.unit(unitAt(i, 10));
  EXPECT_LE(ring.bytes(), 25'000u);
  EXPECT_TRUE(ring.takeFrom(kT0)->units.front().key());
  EXPECT_FALSE(ring.takeFrom(kT0)->stale);
  const auto held = ring.units();
  ring.interrupted();  // the camera went: what it sent last is what a camera_offline clip shows
  EXPECT_EQ(ring.units(), held);
  const auto before_loss = ring.takeFrom(kT0);
  ASSERT_TRUE(before_loss);
  EXPECT_TRUE(before_loss->stale) << "nothing follows these: the clip ends with them";
  ring.unit(unitAt(101, 10));  // the next connection, a delta frame first: nothing to decode it from
  EXPECT_EQ(ring.units(), 0u) << "the old connection's units never mix with the new one's";
  ring.unit(unitAt(110, 10));
  EXPECT_EQ(ring.units(), 1u);
  EXPECT_FALSE(ring.takeFrom(kT0)->stale);
}

class Store : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("vc-clips-" + std::to_string(::getpid()));
  void SetUp() override { fs::remove_all(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
  ClipInfo written(ClipStore& store, const std::string& id, int minute, std::size_t bytes) {
    std::ofstream(store.mp4For(id), std::ios::binary) << std::string(bytes, 'x');
    ClipInfo c{id, "gate", "intrusion", kT0 + std::chrono::minutes(minute), kT0 + std::chrono::minutes(minute) + 10s,
               bytes, 100};
    store.add(c);
    return c;
  }
};

TEST_F(Store, RemovesTheOldestBeyondItsBytesAndKeepsClipsAcrossARestart) {
  const std::string a = "aaaaaaaa-0000-4000-8000-000000000001", b = "bbbbbbbb-0000-4000-8000-000000000002",
                    c = "cccccccc-0000-4000-8000-000000000003";
  {
    ClipStore store(dir_, 2500);
    written(store, b, 2, 1000);
    written(store, a, 1, 1000);
    EXPECT_EQ(store.list().size(), 2u);
    EXPECT_EQ(store.list().front().id, b) << "newest first";
    const auto kept = written(store, c, 3, 1000);  // 3000 > 2500: the oldest (a, minute 1) goes
    EXPECT_FALSE(store.find(a));
    EXPECT_FALSE(fs::exists(store.mp4For(a)));
    EXPECT_EQ(store.bytes(), 2000u);
    EXPECT_EQ(*store.find(c), kept);
  }
  ClipStore again(dir_, 2500);
  EXPECT_EQ(again.list().size(), 2u);
  EXPECT_EQ(again.recovered(), 0);
}

TEST_F(Store, WhatACrashLeftIsRemovedAtStartAndNeverListed) {
  const std::string whole = "aaaaaaaa-0000-4000-8000-000000000001", torn = "bbbbbbbb-0000-4000-8000-000000000002",
                    unrecorded = "cccccccc-0000-4000-8000-000000000003";
  {
    ClipStore store(dir_, 1u << 30);
    written(store, whole, 1, 1000);
    written(store, torn, 2, 1000);
  }
  std::ofstream(dir_ / (torn + ".mp4"), std::ios::app) << "more";            // not the size recorded
  std::ofstream(dir_ / (unrecorded + ".mp4.part")) << "half a file";         // killed while writing
  std::ofstream(dir_ / (unrecorded + ".mp4")) << "renamed, record not yet";  // killed between the two
  ClipStore store(dir_, 1u << 30);
  ASSERT_EQ(store.list().size(), 1u);
  EXPECT_EQ(store.list()[0].id, whole);
  EXPECT_EQ(store.recovered(), 4);  // torn's mp4 and record, the .part, the unrecorded mp4
  for (const auto& e : fs::directory_iterator(dir_)) {
    EXPECT_TRUE(e.path().filename().string().rfind(whole, 0) == 0) << e.path();
  }
  EXPECT_FALSE(isClipId("../../etc/passwd"));
  EXPECT_TRUE(isClipId(whole));
}

}  // namespace
}  // namespace villagecam::record
