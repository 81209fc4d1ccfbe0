#include <gst/gst.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "analysis/analysis_frame.hpp"
#include "ingest/frame_scaler.hpp"
#include "ingest/frame_view.hpp"
#include "ingest/gst_ptr.hpp"
#include "ingest/pipeline_template.hpp"

namespace villagecam::ingest {
namespace {

const char* kTemplate = R"(# a comment
[source]
rtspsrc protocols={{protocols}}
        latency={{latency_ms}}
[h264]
rtph264depay ! h264parse name=parse ! avdec_h264
[output]
videoscale ! video/x-raw,width={{width}},height={{height}} ! appsink name=sink
)";

TEST(PipelineTemplate, ParsesSectionsAndJoinsContinuationLines) {
  const auto t = parseTemplate(kTemplate, "t");
  EXPECT_EQ(t.source, "rtspsrc protocols={{protocols}} latency={{latency_ms}}");
  ASSERT_EQ(t.decoders.count("h264"), 1u);
  EXPECT_EQ(t.decoders.at("h264"), "rtph264depay ! h264parse name=parse ! avdec_h264");
}

TEST(PipelineTemplate, RendersEveryPlaceholder) {
  const auto r = render(parseTemplate(kTemplate, "t"),
                        {{"protocols", "tcp"}, {"latency_ms", "200"}, {"width", "640"}, {"height", "360"}});
  EXPECT_EQ(r.source, "rtspsrc protocols=tcp latency=200");
  EXPECT_EQ(*r.chainFor("h264"),
            "rtph264depay ! h264parse name=parse ! avdec_h264 ! videoscale ! video/x-raw,width=640,height=360 ! "
            "appsink name=sink");
  EXPECT_FALSE(r.chainFor("jpeg").has_value());
}

TEST(PipelineTemplate, UnknownPlaceholderIsNamed) {
  auto t = parseTemplate(kTemplate, "t");
  t.output += " {{colour}}";
  try {
    render(t, {{"protocols", "tcp"}, {"latency_ms", "1"}, {"width", "1"}, {"height", "1"}});
    FAIL();
  } catch (const TemplateError& e) {
    EXPECT_STREQ(e.what(), "t [output]: unknown placeholder {{colour}}");
  }
}

TEST(PipelineTemplate, StructuralMistakesAreRejected) {
  EXPECT_THROW(parseTemplate("[h264]\nx name=parse\n[output]\nappsink name=sink\n", "t"), TemplateError);
  EXPECT_THROW(parseTemplate("[source]\nrtspsrc\n[h264]\nx\n[output]\nappsink name=sink\n", "t"), TemplateError);
  EXPECT_THROW(parseTemplate("[source]\nrtspsrc\n[h264]\nx name=parse\n[output]\nfakesink\n", "t"), TemplateError);
  EXPECT_THROW(parseTemplate("stray\n[source]\nrtspsrc\n", "t"), TemplateError);
}

TEST(PipelineTemplate, VarsForACamera) {
  config::CameraConfig cam;
  cam.transport = config::Transport::Udp;
  cam.analysis = {config::AnalysisMode::Full, 2.5, 320, 180};
  config::IngestConfig ingest;
  const auto v = templateVars(cam, ingest);
  EXPECT_EQ(v.at("protocols"), "udp");
  EXPECT_EQ(v.at("fps_n"), "5");
  EXPECT_EQ(v.at("fps_d"), "2");
  EXPECT_EQ(v.at("width"), "320");
  EXPECT_EQ(v.at("tcp_timeout_us"), "10000000");
}

// A camera that detects streams at its detection rate when that is higher:
// the template's rate and the node's own ceiling (CameraWorker) both use it.
TEST(PipelineTemplate, ADetectingCameraStreamsAtTheHigherOfItsTwoRates) {
  config::CameraConfig cam;
  cam.analysis = {config::AnalysisMode::Full, 2, 640, 360};
  EXPECT_EQ(config::streamedFps(cam), 2);
  cam.detection.zones.emplace_back();
  cam.detection.fps = 5;
  EXPECT_EQ(config::streamedFps(cam), 5);
  EXPECT_EQ(templateVars(cam, config::IngestConfig{}).at("fps_n"), "5");
  cam.analysis.fps = 8;
  EXPECT_EQ(config::streamedFps(cam), 8);
}

// Every shipped template parses and renders; the software one must also run.
class ShippedTemplates : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedTemplates, ParseAndRender) {
  const auto t = loadTemplate(VILLAGECAM_SOURCE_DIR "/pipelines", GetParam());
  config::CameraConfig cam;
  const auto r = render(t, templateVars(cam, config::IngestConfig{}));
  EXPECT_TRUE(r.chainFor("h264").has_value());
  EXPECT_TRUE(r.chainFor("h265").has_value());
  EXPECT_EQ(r.source.find("{{"), std::string::npos);
  // Every shipped template supports every analysis mode.
  EXPECT_NO_THROW(forMode(r, config::AnalysisMode::Keyframes));
  EXPECT_NO_THROW(forMode(r, config::AnalysisMode::Health));
}

// Keyframes drops delta units after the parser; health keeps the chain (the
// pipeline lets one key frame a while through, KeyFrameSampler) but still
// needs the parser named.
TEST(PipelineTemplate, KeyframesCutsTheChainAtTheParserAndHealthSamplesThere) {
  RenderedPipeline r;
  r.decoders["h264"] = "rtph264depay ! h264parse name=parse ! avdec_h264 max-threads=1";
  r.output = "videoconvert ! appsink name=sink";
  EXPECT_EQ(*forMode(r, config::AnalysisMode::Full).chainFor("h264"),
            "rtph264depay ! h264parse name=parse ! avdec_h264 max-threads=1 ! videoconvert ! appsink name=sink");
  EXPECT_EQ(*forMode(r, config::AnalysisMode::Keyframes).chainFor("h264"),
            "rtph264depay ! h264parse name=parse ! identity drop-buffer-flags=delta-unit !  avdec_h264 max-threads=1 ! "
            "videoconvert ! appsink name=sink");
  EXPECT_EQ(*forMode(r, config::AnalysisMode::Health).chainFor("h264"),
            "rtph264depay ! h264parse name=parse ! avdec_h264 max-threads=1 ! videoconvert ! appsink name=sink");
  r.decoders["h264"] = "rtph264depay ! h264parse ! avdec_h264";
  EXPECT_THROW(forMode(r, config::AnalysisMode::Keyframes), TemplateError);
  EXPECT_THROW(forMode(r, config::AnalysisMode::Health), TemplateError);
}

// A key frame alone may be decoded by libavcodec directly only where the
// template's own decoder is libavcodec's (KeyFrameDecoder gives avdec's picture).
TEST(PipelineTemplate, KnowsWhichChainsDecodeWithLibavcodec) {
  const config::CameraConfig cam;
  const config::IngestConfig ingest;
  const auto software = render(loadTemplate(VILLAGECAM_SOURCE_DIR "/pipelines", "software"), templateVars(cam, ingest));
  EXPECT_TRUE(software.decodesWithLibavcodec("h264"));
  EXPECT_TRUE(software.decodesWithLibavcodec("h265"));
  EXPECT_FALSE(software.decodesWithLibavcodec("mjpeg"));
  const auto vaapi = render(loadTemplate(VILLAGECAM_SOURCE_DIR "/pipelines", "vaapi"), templateVars(cam, ingest));
  EXPECT_FALSE(vaapi.decodesWithLibavcodec("h264"));
  RenderedPipeline r;
  r.decoders["h264"] = "rtph264depay ! h264parse name=parse ! avdec_h264_custom";
  EXPECT_FALSE(r.decodesWithLibavcodec("h264")) << "a factory name, not a prefix";
}

// Auto reads with FFmpeg's demuxer what nobody decodes every frame of, over
// plain rtsp://; the demuxer feeds each chain from its parser on.
TEST(PipelineTemplate, TheDemuxerReadsWhatIsNotDecodedEveryFrameAndFeedsTheChainFromItsParser) {
  RenderedPipeline r;
  r.decoders["h264"] = "rtph264depay ! h264parse name=parse ! avdec_h264 max-threads=1";
  r.output = "videoconvert ! fakesink name=sink";
  config::CameraConfig cam;
  cam.url = *config::parseRtspUrl("rtsp://10.0.0.5/stream").url;
  cam.transport = config::Transport::Udp;
  config::IngestConfig ingest;
  ingest.latency_ms = 150;
  ingest.connect_timeout = config::Seconds(7);
  using config::AnalysisMode;
  using config::RtspClient;
  EXPECT_FALSE(withRtspClient(r, RtspClient::Auto, AnalysisMode::Full, cam, ingest).demuxer);
  const auto health = withRtspClient(r, RtspClient::Auto, AnalysisMode::Health, cam, ingest);
  ASSERT_TRUE(health.demuxer);
  EXPECT_EQ(*health.demuxer, (DemuxerSettings{config::Transport::Udp, 7'000'000, 150'000}));
  EXPECT_TRUE(withRtspClient(r, RtspClient::Auto, AnalysisMode::Keyframes, cam, ingest).demuxer);
  EXPECT_TRUE(withRtspClient(r, RtspClient::Auto, std::nullopt, cam, ingest).demuxer) << "a main stream re-served";
  EXPECT_TRUE(withRtspClient(r, RtspClient::Ffmpeg, AnalysisMode::Full, cam, ingest).demuxer);
  EXPECT_FALSE(withRtspClient(r, RtspClient::Gstreamer, AnalysisMode::Health, cam, ingest).demuxer);
  cam.url = *config::parseRtspUrl("rtsps://10.0.0.5/stream").url;
  EXPECT_FALSE(withRtspClient(r, RtspClient::Ffmpeg, AnalysisMode::Health, cam, ingest).demuxer)
      << "rtsps stays with rtspsrc, which verifies the certificate";

  EXPECT_EQ(*health.decodeChainFor("h264"), "h264parse name=parse ! avdec_h264 max-threads=1 ! videoconvert ! fakesink name=sink");
  EXPECT_FALSE(health.decodeChainFor("h265"));
  EXPECT_TRUE(health.decodes());
  EXPECT_FALSE(forRelay(health).decodes());
  EXPECT_EQ(*forRelay(health).decodeChainFor("h264"), "h264parse name=parse ! fakesink sync=false async=false enable-last-sample=false");
}

INSTANTIATE_TEST_SUITE_P(All, ShippedTemplates,
                         ::testing::Values("software", "vaapi", "v4l2-rpi", "jetson", "rockchip"));

// Smoke test: the software template's H.264 and H.265 chains decode an encoded
// videotestsrc stream into the decoder's own I420 pictures, which the
// FrameScaler brings to the analysis size and format.
class SoftwareChain : public ::testing::TestWithParam<std::string> {};

TEST_P(SoftwareChain, DecodesToTheAnalysisSize) {
  gst::ensureInitialised();
  const std::string codec = GetParam();
  const char* encoder = codec == "h264" ? "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph264pay"
                                        : "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=10 ! rtph265pay";
  const std::string element = codec == "h264" ? "x264enc" : "x265enc";
  if (gst::ElementPtr probe{gst_element_factory_make(element.c_str(), nullptr)}; !probe) {
    GTEST_SKIP() << element << " is not installed (gstreamer1.0-plugins-ugly / -bad)";
  }
  config::CameraConfig cam;
  cam.analysis = {config::AnalysisMode::Full, 10, 320, 180};
  const auto r = render(loadTemplate(VILLAGECAM_SOURCE_DIR "/pipelines", "software"),
                        templateVars(cam, config::IngestConfig{}));
  const std::string description = std::string("videotestsrc num-buffers=30 pattern=ball ! "
                                              "video/x-raw,width=640,height=360,framerate=10/1 ! ") +
                                  encoder + " ! " + *r.chainFor(codec);
  GError* raw = nullptr;
  gst::ElementPtr pipeline = gst::adoptFloating(gst_parse_launch(description.c_str(), &raw));
  gst::ErrorPtr error(raw);
  ASSERT_TRUE(pipeline && !error) << (error ? error->message : "") << " in " << description;
  // As the node does: frames are taken on the sink's input pad.
  struct Seen {
    FrameScaler scaler{{320, 180}};
    analysis::ScaledFrame scaled;
    cv::Mat grey_buffer, colour_buffer;
    int frames = 0;
    std::vector<std::string> problems;
  } seen;
  gst::ElementPtr sink(gst_bin_get_by_name(GST_BIN(pipeline.get()), "sink"));
  ASSERT_TRUE(sink);
  gst::PadPtr input(gst_element_get_static_pad(sink.get(), "sink"));
  gst_pad_add_probe(
      input.get(), GST_PAD_PROBE_TYPE_BUFFER,
      [](GstPad* pad, GstPadProbeInfo* info, gpointer data) {
        auto& s = *static_cast<Seen*>(data);
        const gst::CapsPtr caps(gst_pad_get_current_caps(pad));
        const FrameView view(GST_PAD_PROBE_INFO_BUFFER(info), caps.get());
        if (!view.ok() || view.layout() != FrameView::Layout::I420 || view.size() != cv::Size(640, 360)) {
          s.problems.push_back("not the decoder's 640x360 I420 picture");
          return GST_PAD_PROBE_DROP;
        }
        s.scaler.scale(view, s.scaled);
        const analysis::AnalysisFrame frame(s.scaled, s.grey_buffer, s.colour_buffer);
        if (frame.grey().size() != cv::Size(320, 180) || frame.colour().size() != cv::Size(320, 180) ||
            frame.colour().channels() != 3) {
          s.problems.push_back("not at the analysis size");
        }
        ++s.frames;
        return GST_PAD_PROBE_DROP;
      },
      &seen, nullptr);
  ASSERT_NE(gst_element_set_state(pipeline.get(), GST_STATE_PLAYING), GST_STATE_CHANGE_FAILURE);
  gst::BusPtr bus(gst_element_get_bus(pipeline.get()));
  gst::MessagePtr done(gst_bus_timed_pop_filtered(bus.get(), 20 * GST_SECOND,
                                                  static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR)));
  gst_element_set_state(pipeline.get(), GST_STATE_NULL);
  ASSERT_TRUE(done) << "no end of stream in 20 s";
  EXPECT_EQ(GST_MESSAGE_TYPE(done.get()), GST_MESSAGE_EOS);
  EXPECT_TRUE(seen.problems.empty()) << seen.problems.front();
  EXPECT_GE(seen.frames, 25);
}

INSTANTIATE_TEST_SUITE_P(Codecs, SoftwareChain, ::testing::Values("h264", "h265"));

}  // namespace
}  // namespace villagecam::ingest
