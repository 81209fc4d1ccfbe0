// KeyFrameDecoder: a key frame decoded alone by libavcodec gives, at once,
// the very picture GStreamer's avdec gives for it in the whole stream, even
// when the encoder reorders (B frames); it can be let go and opened again;
// what it cannot decode it says so without giving up.
#include <gtest/gtest.h>

#include <gst/video/video.h>

#include <map>
#include <vector>

#include "ingest/gst_ptr.hpp"
#include "ingest/key_frame_decoder.hpp"

namespace villagecam::ingest {
namespace {

struct EncodedUnit {
  std::vector<std::uint8_t> bytes;
  GstClockTime pts = GST_CLOCK_TIME_NONE;
  bool key = false;
};

struct Stream {
  std::vector<EncodedUnit> units;
  std::map<GstClockTime, cv::Mat> decoded_luma;  // by avdec, the whole stream, by time stamp
};

GstPadProbeReturn onEncoded(GstPad*, GstPadProbeInfo* info, gpointer data) {
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const gst::MappedBuffer mapped(buffer);
  auto& units = static_cast<Stream*>(data)->units;
  units.push_back({std::vector<std::uint8_t>(mapped.data(), mapped.data() + mapped.size()), GST_BUFFER_PTS(buffer),
                   !GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DELTA_UNIT)});
  return GST_PAD_PROBE_OK;
}

GstPadProbeReturn onDecoded(GstPad* pad, GstPadProbeInfo* info, gpointer data) {
  GstBuffer* buffer = GST_PAD_PROBE_INFO_BUFFER(info);
  const gst::CapsPtr caps(gst_pad_get_current_caps(pad));
  GstVideoInfo video;
  const gst::MappedBuffer mapped(buffer);
  if (!caps || !gst_video_info_from_caps(&video, caps.get()) || !mapped.ok()) return GST_PAD_PROBE_OK;
  const cv::Mat luma(GST_VIDEO_INFO_HEIGHT(&video), GST_VIDEO_INFO_WIDTH(&video), CV_8UC1,
                     const_cast<guint8*>(mapped.data()) + GST_VIDEO_INFO_PLANE_OFFSET(&video, 0),
                     static_cast<size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&video, 0)));
  static_cast<Stream*>(data)->decoded_luma[GST_BUFFER_PTS(buffer)] = luma.clone();
  return GST_PAD_PROBE_OK;
}

// 3 s of a moving ball at 25 fps, a key frame a second, encoded with B
// frames, parameter sets before each key frame (the node puts the SDP's
// there when a camera does not); the units as they leave the encoder and
// avdec's pictures of them.
Stream encodeWithBFrames(const std::string& codec) {
  const std::string encoder =
      codec == "h264" ? "x264enc key-int-max=25 bframes=2 b-adapt=false speed-preset=ultrafast ! "
                        "video/x-h264,stream-format=byte-stream,alignment=au,profile=main"
                      : "x265enc key-int-max=25 speed-preset=ultrafast option-string=bframes=2:repeat-headers=1 ! "
                        "video/x-h265,stream-format=byte-stream,alignment=au";
  const std::string description = "videotestsrc num-buffers=75 pattern=ball ! video/x-raw,width=320,height=180,"
                                  "framerate=25/1,format=I420 ! " + encoder +
                                  " ! tee name=t t. ! queue ! fakesink name=encoded "
                                  "t. ! queue ! " + codec + "parse ! avdec_" + codec +
                                  " max-threads=1 ! fakesink name=decoded";
  GError* raw = nullptr;
  gst::ElementPtr pipeline = gst::adoptFloating(gst_parse_launch(description.c_str(), &raw));
  gst::ErrorPtr error(raw);
  if (!pipeline || error) throw std::runtime_error(std::string("does not build: ") + (error ? error->message : ""));
  Stream stream;
  for (const auto& [name, probe] : {std::pair{"encoded", &onEncoded}, std::pair{"decoded", &onDecoded}}) {
    gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), name));
    gst::PadPtr pad(gst_element_get_static_pad(sink.get(), "sink"));
    gst_pad_add_probe(pad.get(), GST_PAD_PROBE_TYPE_BUFFER, probe, &stream, nullptr);
  }
  gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
  gst::BusPtr bus(gst_element_get_bus(pipeline.get()));
  gst::MessagePtr message(gst_bus_timed_pop_filtered(bus.get(), 60 * GST_SECOND,
                                                     static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  if (!message || GST_MESSAGE_TYPE(message.get()) != GST_MESSAGE_EOS) throw std::runtime_error("encoding failed");
  return stream;
}

class KeyFrameDecoders : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    gst::ensureInitialised();
    const std::string element = GetParam() == "h264" ? "x264enc" : "x265enc";
    if (gst::ElementPtr probe{gst_element_factory_make(element.c_str(), nullptr)}; !probe) {
      GTEST_SKIP() << element << " is not installed";
    }
  }
};

INSTANTIATE_TEST_SUITE_P(Codecs, KeyFrameDecoders, ::testing::Values("h264", "h265"),
                         [](const auto& info) { return info.param; });

TEST_P(KeyFrameDecoders, GiveEachKeyFramesPictureAtOnceAndAsAvdecDoes) {
  const auto stream = encodeWithBFrames(GetParam());
  // The encoder reordered: some unit's time stamp is earlier than the one before it.
  bool reordered = false;
  for (size_t i = 1; i < stream.units.size(); ++i) reordered |= stream.units[i].pts < stream.units[i - 1].pts;
  ASSERT_TRUE(reordered) << "the stream has no B frames: the case is not made";
  KeyFrameDecoder decoder(GetParam());
  int keys = 0;
  for (const auto& unit : stream.units) {
    if (!unit.key) continue;
    ++keys;
    const auto out = decoder.decode(unit.bytes.data(), unit.bytes.size());
    ASSERT_TRUE(out.picture) << "key frame " << keys << ": " << out.error;
    EXPECT_FALSE(out.picture->corrupt);
    const cv::Mat& luma = out.picture->i420[0];
    ASSERT_EQ(luma.size(), cv::Size(320, 180)) << out.picture->format;
    EXPECT_EQ(out.picture->i420[1].size(), cv::Size(160, 90));
    const auto whole = stream.decoded_luma.find(unit.pts);
    ASSERT_NE(whole, stream.decoded_luma.end());
    EXPECT_EQ(cv::norm(luma, whole->second, cv::NORM_INF), 0) << "key frame " << keys << " differs from avdec's";
    if (keys == 2) {
      decoder.release();  // as between health samples: opened again by the next
      EXPECT_FALSE(decoder.open());
    }
  }
  EXPECT_EQ(keys, 3);
}

TEST_P(KeyFrameDecoders, SayWhatDoesNotDecodeAndGoOn) {
  KeyFrameDecoder decoder(GetParam());
  const std::vector<std::uint8_t> garbage{0, 0, 0, 1, 0x65, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x09};
  const auto out = decoder.decode(garbage.data(), garbage.size());
  EXPECT_FALSE(out.picture);
  EXPECT_FALSE(out.fatal);
  EXPECT_NE(out.error.find("does not decode"), std::string::npos) << out.error;
  const auto stream = encodeWithBFrames(GetParam());
  const auto out_after = decoder.decode(stream.units.front().bytes.data(), stream.units.front().bytes.size());
  EXPECT_TRUE(out_after.picture) << out_after.error;
}

TEST(KeyFrameDecoder, ACodecLibavcodecCannotDecodeIsFatalAndNamed) {
  KeyFrameDecoder decoder("mjpeg");
  const std::uint8_t byte = 0;
  const auto out = decoder.decode(&byte, 1);
  EXPECT_TRUE(out.fatal);
  EXPECT_NE(out.error.find("'mjpeg'"), std::string::npos) << out.error;
}

}  // namespace
}  // namespace villagecam::ingest
