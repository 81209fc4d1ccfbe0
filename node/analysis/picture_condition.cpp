#include "analysis/picture_condition.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
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

// A k x k box sum over a periodic grid (a spectrum wraps around).
cv::Mat wrappedBoxSum(const cv::Mat& m, int k) {
  const int r = k / 2;
  cv::Mat padded, summed;
  cv::copyMakeBorder(m, padded, r, r, r, r, cv::BORDER_WRAP);
  cv::boxFilter(padded, summed, -1, cv::Size(k, k), cv::Point(-1, -1), /*normalize=*/false, cv::BORDER_CONSTANT);
  return summed(cv::Rect(r, r, m.cols, m.rows));
}

constexpr int kSpectrumWidth = 160;
constexpr int kSpectrumHeight = 90;

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

cv::Mat spectrumSize(const cv::Mat& grey, double scale) {
  cv::Mat small;
  cv::resize(grey, small, cv::Size(kSpectrumWidth, kSpectrumHeight), 0, 0, cv::INTER_AREA);
  small.convertTo(small, CV_32F, scale);
  return small;
}

StripeReference makeStripeReference(const cv::Mat& reference, double scale) {
  StripeReference r;
  if (reference.empty()) return r;
  r.picture = spectrumSize(reference, scale);
  r.spectrum = powerSpectrum(r.picture);
  return r;
}

cv::Mat powerSpectrum(const cv::Mat& small) {
  static const cv::Mat kWindow = [] {
    cv::Mat w;
    cv::createHanningWindow(w, cv::Size(kSpectrumWidth, kSpectrumHeight), CV_32F);
    return w;
  }();
  cv::Mat windowed = small - cv::mean(small)[0];
  cv::multiply(windowed, kWindow, windowed);
  cv::Mat spectrum, planes[2], power;
  cv::dft(windowed, spectrum, cv::DFT_COMPLEX_OUTPUT);
  cv::split(spectrum, planes);
  cv::magnitude(planes[0], planes[1], power);
  return power.mul(power);
}

namespace {

// How evenly the power `now` gained over `reference` at the frequency
// (fx, fy) (cycles across the picture) is spread over a 4 x 3 grid of its
// parts: the participation ratio of each part's gain, 1 where every part
// gained alike, 1/12 where one part gained it all.
double spreadOf(const cv::Mat& reference, const cv::Mat& now, int fx, int fy) {
  constexpr int kColumns = 4, kRows = 3;
  const int w = now.cols / kColumns, h = now.rows / kRows;
  static const cv::Mat kWindow = [&] {
    cv::Mat win;
    cv::createHanningWindow(win, cv::Size(w, h), CV_32F);
    return win;
  }();
  // The wave e^-i(ax + by) is e^-iax times e^-iby: summed along each row
  // first, then down the rows.
  using Complex = std::complex<double>;
  std::vector<Complex> along_x(static_cast<size_t>(now.cols)), along_y(static_cast<size_t>(now.rows));
  for (int x = 0; x < now.cols; ++x) along_x[static_cast<size_t>(x)] = std::polar(1.0, -2 * std::numbers::pi * fx * x / now.cols);
  for (int y = 0; y < now.rows; ++y) along_y[static_cast<size_t>(y)] = std::polar(1.0, -2 * std::numbers::pi * fy * y / now.rows);
  auto power = [&](const cv::Mat& picture, int c0, int r0) {
    const cv::Mat part = picture(cv::Rect(c0, r0, w, h));
    const double mean = cv::mean(part)[0];
    Complex sum = 0;
    for (int y = 0; y < h; ++y) {
      const float* p = part.ptr<float>(y);
      const float* win = kWindow.ptr<float>(y);
      Complex row = 0;
      for (int x = 0; x < w; ++x) row += (static_cast<double>(p[x]) - mean) * win[x] * along_x[static_cast<size_t>(c0 + x)];
      sum += row * along_y[static_cast<size_t>(r0 + y)];
    }
    return std::norm(sum);
  };
  double sum = 0, sum2 = 0;
  for (int r = 0; r < kRows; ++r) {
    for (int c = 0; c < kColumns; ++c) {
      const double gain = std::max(0.0, power(now, c * w, r * h) - power(reference, c * w, r * h));
      sum += gain;
      sum2 += gain * gain;
    }
  }
  return sum2 > 0 ? sum * sum / (kColumns * kRows * sum2) : 0;
}

}  // namespace

StripeEstimate estimateStripes(const StripeReference& reference, const cv::Mat& now_grey, const StripeGates& gates) {
  StripeEstimate e;
  if (reference.empty()) return e;
  const cv::Mat now_picture = spectrumSize(now_grey, 1.0);
  const cv::Mat now_spectrum = powerSpectrum(now_picture);
  const cv::Mat& reference_spectrum = reference.spectrum;
  const int rows = now_spectrum.rows, cols = now_spectrum.cols;
  auto cycles = [](int index, int n) { return std::min(index, n - index); };
  auto layout = [&](int y, int x) { return cycles(y, rows) <= kLayoutCycles && cycles(x, cols) <= kLayoutCycles; };
  // The layout's change (light, a swaying tree) is no pattern's
  // surroundings: a pattern of a few more cycles stands out of the rest.
  cv::Mat excess = cv::max(now_spectrum - reference_spectrum, 0.0);
  for (int y = 0; y < rows; ++y) {
    for (int x = 0; x < cols; ++x) {
      if (layout(y, x)) excess.at<float>(y, x) = 0;
    }
  }
  const cv::Mat peak = wrappedBoxSum(now_spectrum, 3);
  const cv::Mat was = wrappedBoxSum(reference_spectrum, 3);
  const cv::Mat excess_near = wrappedBoxSum(excess, 5);
  const cv::Mat excess_around = wrappedBoxSum(excess, 11);
  constexpr double kRingBins = 11 * 11 - 5 * 5;
  double total = 0;
  struct Candidate {
    double gained;
    cv::Point at;  // cycles across the picture: x, and y signed (a wave and its mirror are one)
  };
  std::vector<Candidate> candidates;
  for (int y = 0; y < rows; ++y) {
    const float* p = now_spectrum.ptr<float>(y);
    const float* pk = peak.ptr<float>(y);
    const float* w = was.ptr<float>(y);
    const float* near = excess_near.ptr<float>(y);
    const float* around = excess_around.ptr<float>(y);
    for (int x = 0; x < cols; ++x) {
      if (layout(y, x)) continue;
      total += p[x];
      const double gained = static_cast<double>(pk[x]) - w[x];
      if (gained <= 0 || pk[x] < gates.growth * w[x]) continue;
      const double ring = (static_cast<double>(around[x]) - near[x]) / kRingBins * 9;
      if (gained < gates.prominence * ring) continue;
      // Of a wave and its mirror, the one with x in the lower half.
      if (x > cols / 2) continue;
      candidates.push_back({gained, {x, y <= rows / 2 ? y : y - rows}});
    }
  }
  if (total <= 0) return e;
  // The strongest few (a cluster's neighbours pass too): the first spread
  // over the picture is the pattern.
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.gained > b.gained; });
  if (candidates.size() > 8) candidates.resize(8);
  for (const auto& c : candidates) {
    const double spread = spreadOf(reference.picture, now_picture, c.at.x, c.at.y);
    if (spread < gates.spread) continue;
    // A sinusoid's power is in two places (its frequency and the negative one).
    e.share = std::min(1.0, 2 * c.gained / total);
    e.period = 1.0 / std::hypot(static_cast<double>(c.at.x) / cols, static_cast<double>(c.at.y) / rows);
    e.spread = spread;
    break;
  }
  return e;
}

}  // namespace villagecam::analysis
