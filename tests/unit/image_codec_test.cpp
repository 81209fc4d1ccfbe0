// The node's own JPEG and PNG (analysis/image_codec): what it writes reads
// back, in its size and its picture, and what is not a picture is refused.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "analysis/image_codec.hpp"
#include "scratch_dir.hpp"
#include "util/atomic_file.hpp"

namespace villagecam::analysis {
namespace {

cv::Mat scene() {
  cv::Mat bgr(180, 320, CV_8UC3, cv::Scalar(40, 90, 160));
  cv::rectangle(bgr, {40, 30, 100, 80}, cv::Scalar(230, 230, 230), cv::FILLED);
  cv::circle(bgr, {240, 100}, 40, cv::Scalar(10, 200, 20), cv::FILLED);
  return bgr;
}

TEST(ImageCodec, AJpegReadsBackAsThePictureItWasMadeOf) {
  const cv::Mat bgr = scene();
  const auto jpeg = encodeJpeg(bgr, 90);
  ASSERT_GT(jpeg.size(), 100u);
  EXPECT_EQ(jpeg[0], 0xff);
  EXPECT_EQ(jpeg[1], 0xd8);
  EXPECT_EQ(jpegSize(jpeg), cv::Size(320, 180));
  const cv::Mat back = decodeJpeg(jpeg);
  ASSERT_EQ(back.size(), bgr.size());
  EXPECT_LT(cv::norm(back, bgr, cv::NORM_L1) / bgr.total() / 3, 3.0) << "mean error per channel";
  cv::Mat grey;
  cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
  EXPECT_EQ(jpegSize(encodeJpeg(grey, 80)), cv::Size(320, 180));
  EXPECT_LT(encodeJpeg(bgr, 30).size(), jpeg.size()) << "quality is honoured";
}

TEST(ImageCodec, RefusesWhatItCannotWriteOrRead) {
  EXPECT_TRUE(encodeJpeg(cv::Mat(), 90).empty());
  EXPECT_TRUE(encodeJpeg(cv::Mat(10, 10, CV_32FC1, cv::Scalar(1)), 90).empty());
  EXPECT_FALSE(jpegSize({'n', 'o', 't', ' ', 'a', ' ', 'j', 'p', 'e', 'g'}));
  EXPECT_FALSE(jpegSize({}));
  EXPECT_TRUE(decodeJpeg({0xff, 0xd8, 0xff}).empty());
  EXPECT_TRUE(encodePngGrey(scene()).empty()) << "grey only";
}

TEST(ImageCodec, AGreyPngReadsBackExactly) {
  testing::ScratchDir dir("image-codec");
  cv::Mat grey;
  cv::cvtColor(scene(), grey, cv::COLOR_BGR2GRAY);
  const cv::Mat view = grey(cv::Rect(10, 10, 200, 100));  // not continuous: rows have a stride
  const auto png = encodePngGrey(view);
  ASSERT_FALSE(png.empty());
  writeFileAtomically(dir / "b.png", std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
  const cv::Mat back = readPngGrey(dir / "b.png");
  ASSERT_EQ(back.size(), view.size());
  EXPECT_EQ(cv::norm(back, view, cv::NORM_INF), 0.0);
  EXPECT_TRUE(readPngGrey(dir / "missing.png").empty());
  writeFileAtomically(dir / "bad.png", "\x89PNG but not really");
  EXPECT_TRUE(readPngGrey(dir / "bad.png").empty());
}

}  // namespace
}  // namespace villagecam::analysis
