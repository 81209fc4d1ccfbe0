// The gates between the parser and the decoder, with no GStreamer: which
// encoded access units the decoder may see (ReferenceGate), and in analysis
// mode health which ones it is given at all (KeyFrameSampler).
#include <gtest/gtest.h>

#include "ingest/key_frame_sampler.hpp"
#include "ingest/reference_gate.hpp"

namespace villagecam::ingest {
namespace {

using namespace std::chrono_literals;

const SteadyTime kT0 = SteadyTime(std::chrono::hours(1));

TEST(ReferenceGate, DeltaUnitsPassOnlyWhenEveryReferenceSinceTheKeyFrameDid) {
  ReferenceGate gate;
  EXPECT_FALSE(gate.admit(false, true)) << "joined mid-GOP (the first unit is always a discontinuity)";
  EXPECT_TRUE(gate.waiting());
  EXPECT_FALSE(gate.admit(false, false));
  EXPECT_TRUE(gate.admit(true, false));
  EXPECT_TRUE(gate.admit(false, false));
  EXPECT_FALSE(gate.admit(false, true)) << "a lost packet";
  EXPECT_FALSE(gate.admit(false, false)) << "its successors miss it too";
  EXPECT_TRUE(gate.admit(true, false)) << "a key frame needs nothing before it";
  EXPECT_TRUE(gate.admit(false, false));
}

// A key frame after a loss may itself have lost slices: it and its GOP wait
// for the next whole key frame. The stream's first unit is a discontinuity
// by nature, not a loss.
TEST(ReferenceGate, AKeyFrameThatCameAfterALossIsNotTrusted) {
  ReferenceGate first;
  EXPECT_TRUE(first.admit(true, true)) << "a stream that starts on a key frame";
  ReferenceGate gate;
  EXPECT_TRUE(gate.admit(true, true));
  EXPECT_TRUE(gate.admit(false, false));
  EXPECT_FALSE(gate.admit(true, true)) << "packets lost in or before this key frame";
  EXPECT_FALSE(gate.admit(false, false)) << "its GOP is smeared too";
  EXPECT_TRUE(gate.admit(true, false));
  EXPECT_TRUE(gate.admit(false, false));
}

// One key frame each `every`, and the units after it until the decoder hands
// out a picture; nothing else.
TEST(KeyFrameSampler, LetsOneKeyFrameThroughEachIntervalAndItsFollowersUntilAPictureComesOut) {
  KeyFrameSampler sampler(60s);
  EXPECT_FALSE(sampler.admit(false, kT0)) << "no delta unit before the first sample";
  EXPECT_TRUE(sampler.admit(true, kT0 + 100ms)) << "the first key frame is a sample";
  EXPECT_TRUE(sampler.admit(false, kT0 + 200ms)) << "the decoder has not answered yet";
  sampler.decoded();
  EXPECT_FALSE(sampler.admit(false, kT0 + 300ms));
  EXPECT_FALSE(sampler.admit(true, kT0 + 2s)) << "the next key frame comes before a sample is due";
  EXPECT_FALSE(sampler.admit(false, kT0 + 60s));
  EXPECT_TRUE(sampler.admit(true, kT0 + 60s + 100ms)) << "due: the first key frame after the interval";
  sampler.decoded();
  EXPECT_FALSE(sampler.admit(true, kT0 + 62s));
}

// The stream looks frozen: the next key frame is a sample, whatever the
// interval says, and the interval runs from it.
TEST(KeyFrameSampler, AskedForAPictureItTakesTheNextKeyFrame) {
  KeyFrameSampler sampler(60s);
  ASSERT_TRUE(sampler.admit(true, kT0));
  sampler.decoded();
  sampler.askNow();
  EXPECT_FALSE(sampler.admit(false, kT0 + 10s)) << "a delta unit is no picture on its own";
  EXPECT_TRUE(sampler.admit(true, kT0 + 12s));
  sampler.decoded();
  EXPECT_FALSE(sampler.admit(true, kT0 + 14s)) << "asked once, sampled once";
  EXPECT_TRUE(sampler.admit(true, kT0 + 72s));
}

// Over a stream of 25 fps with a key frame every 2 s, ten minutes of it:
// ten pictures are asked of the decoder, each from a key frame.
TEST(KeyFrameSampler, TenMinutesOfAStreamGiveTenSamples) {
  KeyFrameSampler sampler(60s);
  int keys_passed = 0, passed = 0;
  for (int frame = 0; frame < 25 * 600; ++frame) {
    const bool key = frame % 50 == 0;
    const bool in = sampler.admit(key, kT0 + frame * 40ms);
    passed += in;
    keys_passed += in && key;
    if (in) sampler.decoded();  // a decoder without delay
  }
  EXPECT_EQ(keys_passed, 10);
  EXPECT_EQ(passed, 10);
}

}  // namespace
}  // namespace villagecam::ingest
