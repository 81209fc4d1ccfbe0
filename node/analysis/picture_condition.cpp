#include "analysis/picture_condition.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace villagecam::analysis {
namespace {

// Chroma planes of `width` x `height` each, `u` then `v`, every other
// sample of every other row (plenty for a mean).
Chroma chromaOfPlanes(const std::uint8_t* u, const std::uint8_t* v, int width, int height) {
  std::int64_t su = 0, sv = 0, sat = 0, n = 0;
  for (int y = 0; y < height; y += 2) {
    const std::uint8_t* ur = u + static_cast<std::ptrdiff_t>(y) * width;
    const std::uint8_t* vr = v + static_cast<std::ptrdiff_t>(y) * width;
    for (int x = 0; x < width; x += 2) {
      const int du = ur[x] - 128, dv = vr[x] - 128;
      su += du;
      sv += dv;
      sat += std::abs(du) + std::abs(dv);
      ++n;
    }
  }
  if (n == 0) return {};
  const double count = static_cast<double>(n);
  return {static_cast<double>(su) / count, static_cast<double>(sv) / count, static_cast<double>(sat) / count};
}

}  // namespace

Chroma chromaOfI420(const cv::Mat& packed) {
  const cv::Mat data = packed.isContinuous() ? packed : packed.clone();
  const int width = data.cols, height = data.rows * 2 / 3;
  if (width < 2 || height < 2 || data.type() != CV_8UC1) return {};
  const std::uint8_t* y = data.ptr<std::uint8_t>(0);
  const std::uint8_t* u = y + static_cast<std::ptrdiff_t>(width) * height;
  const std::uint8_t* v = u + static_cast<std::ptrdiff_t>(width / 2) * (height / 2);
  return chromaOfPlanes(u, v, width / 2, height / 2);
}

Chroma chromaOf(const cv::Mat& picture) {
  if (picture.channels() != 3 || picture.empty()) return {};
  cv::Mat small, i420;
  cv::resize(picture, small, cv::Size(160, 90), 0, 0, cv::INTER_AREA);
  cv::cvtColor(small, i420, cv::COLOR_BGR2YUV_I420);
  return chromaOfI420(i420);
}

double noiseLevel(const cv::Mat& raw) {
  if (raw.empty()) return 0;
  static const cv::Mat kernel = (cv::Mat_<float>(3, 3) << 1, -2, 1, -2, 4, -2, 1, -2, 1);
  cv::Mat response, cells;
  cv::filter2D(raw, response, CV_32F, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT);
  response = cv::abs(response);
  cv::resize(response, cells, cv::Size(32, 18), 0, 0, cv::INTER_AREA);
  std::vector<float> v(cells.begin<float>(), cells.end<float>());
  const auto q = v.begin() + static_cast<long>(v.size() / 4);
  std::nth_element(v.begin(), q, v.end());
  // Immerkær (1996): sigma = sqrt(pi / 2) / 6 * mean |I * N|.
  return std::sqrt(std::numbers::pi / 2) / 6 * static_cast<double>(*q);
}

}  // namespace villagecam::analysis
