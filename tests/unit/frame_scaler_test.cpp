// FrameScaler: the decoder's I420 picture, as GStreamer lays it out (with
// padded strides where the width asks for them), comes out at the analysis
// size as the same BGR picture OpenCV's own area resize gives.
#include "ingest/frame_scaler.hpp"

#include "analysis/analysis_frame.hpp"

#include <gst/gst.h>
#include <gst/video/video.h>
#include <gtest/gtest.h>

#include <cstring>
#include <opencv2/imgproc.hpp>

namespace villagecam::ingest {
namespace {

// A scene with smooth shading, hard edges and colour.
cv::Mat scene(cv::Size size) {
  cv::Mat bgr(size, CV_8UC3);
  for (int y = 0; y < size.height; ++y) {
    for (int x = 0; x < size.width; ++x) {
      bgr.at<cv::Vec3b>(y, x) = {static_cast<uchar>(x * 255 / size.width), static_cast<uchar>(y * 255 / size.height),
                                 static_cast<uchar>((x + y) % 256)};
    }
  }
  cv::rectangle(bgr, {size.width / 4, size.height / 4, size.width / 3, size.height / 3}, {20, 200, 240}, cv::FILLED);
  cv::circle(bgr, {size.width * 3 / 4, size.height * 2 / 3}, size.height / 6, {250, 30, 30}, cv::FILLED);
  return bgr;
}

// The scene as a GStreamer I420 sample, each plane at the offset and stride
// GstVideoInfo gives for this size.
gst::SamplePtr i420Sample(const cv::Mat& bgr) {
  gst_init(nullptr, nullptr);
  cv::Mat packed;
  cv::cvtColor(bgr, packed, cv::COLOR_BGR2YUV_I420);
  const int w = bgr.cols, h = bgr.rows;
  GstVideoInfo info;
  gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, static_cast<guint>(w), static_cast<guint>(h));
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&info), nullptr);
  GstMapInfo map;
  gst_buffer_map(buffer, &map, GST_MAP_WRITE);
  std::memset(map.data, 0x55, map.size);  // padding holds junk, as it may in a decoder's buffer
  const uchar* from[3] = {packed.data, packed.data + w * h, packed.data + w * h * 5 / 4};
  for (int p = 0; p < 3; ++p) {
    const int pw = p == 0 ? w : w / 2, ph = p == 0 ? h : h / 2;
    for (int row = 0; row < ph; ++row) {
      std::memcpy(map.data + GST_VIDEO_INFO_PLANE_OFFSET(&info, p) + row * GST_VIDEO_INFO_PLANE_STRIDE(&info, p),
                  from[p] + row * pw, static_cast<size_t>(pw));
    }
  }
  gst_buffer_unmap(buffer, &map);
  GstCaps* caps = gst_video_info_to_caps(&info);
  gst::SamplePtr sample(gst_sample_new(buffer, caps, nullptr, nullptr));
  gst_caps_unref(caps);
  gst_buffer_unref(buffer);
  return sample;
}

double meanAbsDifference(const cv::Mat& a, const cv::Mat& b) {
  cv::Mat diff;
  cv::absdiff(a, b, diff);
  const auto m = cv::mean(diff);
  return (m[0] + m[1] + m[2]) / 3;
}

TEST(FrameScaler, AnI420PictureComesOutAtTheAnalysisSizeAsTheSameBgrPicture) {
  for (const cv::Size source : {cv::Size(1280, 720), cv::Size(1920, 1080), cv::Size(642, 362)}) {
    const cv::Mat bgr = scene(source);
    const auto sample = i420Sample(bgr);
    FrameView view(*sample);
    ASSERT_TRUE(view.ok());
    ASSERT_EQ(view.layout(), FrameView::Layout::I420);
    EXPECT_EQ(view.size(), source);

    FrameScaler scaler({640, 360});
    analysis::ScaledFrame scaled;
    scaler.scale(view, scaled);
    EXPECT_TRUE(scaled.i420) << "I420 travels as I420: half the bytes of BGR";
    cv::Mat grey_buffer, colour_buffer;
    const analysis::AnalysisFrame frame(scaled, grey_buffer, colour_buffer);
    const cv::Mat& out = frame.colour();
    ASSERT_EQ(out.size(), cv::Size(640, 360));
    ASSERT_EQ(out.type(), CV_8UC3);
    cv::Mat expected;
    cv::resize(bgr, expected, {640, 360}, 0, 0, cv::INTER_AREA);
    // Chroma is shared by 2x2 pixels in I420: edges blur a little, no more.
    EXPECT_LT(meanAbsDifference(out, expected), 4.0) << source;

    // Its buffers are reused from the second frame on.
    // The grey picture the analysers read is the luma plane itself.
    cv::Mat expected_grey;
    cv::cvtColor(expected, expected_grey, cv::COLOR_BGR2GRAY);
    ASSERT_EQ(frame.grey().size(), cv::Size(640, 360));
    EXPECT_EQ(frame.grey().data, scaled.data.data) << "no copy";
    EXPECT_LT(cv::norm(frame.grey(), expected_grey, cv::NORM_L1) / expected_grey.total(), 20.0)
        << "luma is video range (16..235), close to the BGR picture's grey";

    // Its buffers are reused from the second frame on.
    const uchar* first = scaled.data.data;
    const uchar* first_bgr = out.data;
    scaler.scale(view, scaled);
    EXPECT_EQ(scaled.data.data, first);
    EXPECT_EQ(analysis::AnalysisFrame(scaled, grey_buffer, colour_buffer).colour().data, first_bgr);
  }
}

TEST(FrameScaler, KeepsTheFramesOwnSizeWhenAskedTo) {
  const cv::Mat bgr = scene({640, 360});
  const auto sample = i420Sample(bgr);
  FrameView view(*sample);
  FrameScaler own;  // the probe's snapshot: the camera's own resolution
  analysis::ScaledFrame scaled;
  own.scale(view, scaled);
  cv::Mat grey_buffer, colour_buffer;
  const analysis::AnalysisFrame frame(scaled, grey_buffer, colour_buffer);
  EXPECT_EQ(frame.colour().size(), cv::Size(640, 360));
  EXPECT_LT(meanAbsDifference(frame.colour(), bgr), 4.0);
}

}  // namespace
}  // namespace villagecam::ingest
