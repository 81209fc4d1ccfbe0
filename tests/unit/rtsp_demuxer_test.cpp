// The pure parts of the FFmpeg-read camera path: Annex B parameter sets, and
// FFmpeg's error codes as the failures an installer reads.
#include <gtest/gtest.h>

extern "C" {
#include <libavutil/error.h>
}

#include <vector>

#include "ingest/rtsp_demuxer.hpp"

namespace villagecam::ingest {
namespace {

using Bytes = std::vector<std::uint8_t>;

// An H.264 key frame as rtph264pay's config-interval repeats it: SPS, PPS,
// then the IDR slice; and an H.265 one (VPS, SPS, PPS, IDR_W_RADL).
const Bytes kH264Key{0, 0, 0, 1, 0x67, 0x42, 0xc0, 0x16, 0, 0, 0, 1, 0x68, 0xce, 0x09, 0, 0, 1, 0x65, 0x88, 0x84};
const Bytes kH265Key{0, 0, 0, 1, 0x40, 0x01, 0x0c, 0, 0, 0, 1, 0x42, 0x01, 0x01, 0, 0, 0, 1, 0x44, 0x01, 0xc1,
                     0, 0, 0, 1, 0x26, 0x01, 0xaf};

TEST(RtspDemuxer, FindsTheParameterSetsOfEitherCodecInAnAccessUnit) {
  EXPECT_TRUE(carriesParameterSets("h264", kH264Key.data(), kH264Key.size()));
  EXPECT_TRUE(carriesParameterSets("h265", kH265Key.data(), kH265Key.size()));
  const Bytes slice_only{0, 0, 0, 1, 0x65, 0x88, 0x84, 0x00, 0x21};
  EXPECT_FALSE(carriesParameterSets("h264", slice_only.data(), slice_only.size()));
  // 0x42 is an H.265 SPS header but, read as H.264, a coded slice of type 2.
  const Bytes h265_sps{0, 0, 1, 0x42, 0x01};
  EXPECT_FALSE(carriesParameterSets("h264", h265_sps.data(), h265_sps.size()));
  EXPECT_FALSE(carriesParameterSets("h264", nullptr, 0));
}

TEST(RtspDemuxer, SkipsTheRepeatedParameterSetsBeforeASecondSlice) {
  EXPECT_EQ(afterLeadingParameterSets("h264", kH264Key.data(), kH264Key.size()), 15u) << "at the IDR's start code";
  EXPECT_EQ(afterLeadingParameterSets("h265", kH265Key.data(), kH265Key.size()), 21u);
  const Bytes slice_only{0, 0, 0, 1, 0x65, 0x88};
  EXPECT_EQ(afterLeadingParameterSets("h264", slice_only.data(), slice_only.size()), 0u);
  const Bytes sets_only{0, 0, 0, 1, 0x67, 0x42, 0, 0, 1, 0x68, 0xce};
  EXPECT_EQ(afterLeadingParameterSets("h264", sets_only.data(), sets_only.size()), sets_only.size());
}

TEST(RtspDemuxer, NamesFfmpegsErrorsAsTheCameraFailuresTheyAre) {
  using health::FailureKind;
  EXPECT_EQ(classifyDemuxerError(AVERROR_HTTP_UNAUTHORIZED).kind, FailureKind::Unauthorized);
  EXPECT_NE(classifyDemuxerError(AVERROR_HTTP_UNAUTHORIZED).reason.find("401"), std::string::npos);
  EXPECT_EQ(classifyDemuxerError(AVERROR_HTTP_NOT_FOUND).kind, FailureKind::NotFound);
  EXPECT_NE(classifyDemuxerError(AVERROR_HTTP_NOT_FOUND).reason.find("404"), std::string::npos);
  EXPECT_EQ(classifyDemuxerError(AVERROR(ECONNREFUSED)).kind, FailureKind::Refused);
  EXPECT_EQ(classifyDemuxerError(AVERROR(ETIMEDOUT)).kind, FailureKind::Timeout);
  EXPECT_EQ(classifyDemuxerError(AVERROR(EHOSTUNREACH)).kind, FailureKind::Unreachable);
  EXPECT_EQ(classifyDemuxerError(AVERROR_EOF).kind, FailureKind::StreamEnded);
  // FFmpeg's bare EIO (a name that does not resolve, among others) is asked
  // about again by explainFailure.
  EXPECT_EQ(classifyDemuxerError(AVERROR(EIO)).reason, couldNotConnect());
  const auto other = classifyDemuxerError(AVERROR(ENOMEM));
  EXPECT_EQ(other.kind, FailureKind::Other);
  EXPECT_FALSE(other.reason.empty());
}

}  // namespace
}  // namespace villagecam::ingest
