#include "analysis/view_quality.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace villagecam::analysis {

const char* toString(ViewIssue issue) {
  switch (issue) {
    case ViewIssue::Blank: return "blank";
    case ViewIssue::Frozen: return "frozen";
    case ViewIssue::Defocus: return "defocus";
    case ViewIssue::Occluded: return "occluded";
    case ViewIssue::Shifted: return "shifted";
    case ViewIssue::Shaking: return "shaking";
    case ViewIssue::Glare: return "glare";
    case ViewIssue::Dark: return "dark";
    case ViewIssue::LowContrast: return "low_contrast";
    case ViewIssue::ColourCast: return "colour_cast";
    case ViewIssue::Snow: return "snow";
    case ViewIssue::Stripes: return "stripes";
    case ViewIssue::Stutter: return "stutter";
    case ViewIssue::OffPreset: return "off_preset";
  }
  return "unknown";
}

std::optional<ViewIssue> viewIssueFrom(const std::string& name) {
  for (auto i : kViewIssues) {
    if (name == toString(i)) return i;
  }
  return std::nullopt;
}

bool ViewAssessment::has(ViewIssue i) const { return std::find(issues.begin(), issues.end(), i) != issues.end(); }

cv::Mat rawSmallGrey(const cv::Mat& frame) {
  cv::Mat grey;
  if (frame.channels() == 3) {
    cv::cvtColor(frame, grey, cv::COLOR_BGR2GRAY);
  } else {
    grey = frame;
  }
  cv::Mat small;
  cv::resize(grey, small, cv::Size(kAnalysisWidth, kAnalysisHeight), 0, 0, cv::INTER_AREA);
  return small;
}

std::vector<double> cellClipped(const cv::Mat& raw, int grid_columns, int grid_rows) {
  cv::Mat clipped, share;
  cv::compare(raw, kClippedLevel - 1, clipped, cv::CMP_GT);  // 255 where clipped
  cv::resize(clipped, share, cv::Size(grid_columns, grid_rows), 0, 0, cv::INTER_AREA);
  share.convertTo(share, CV_64F, 1.0 / 255);
  return {share.begin<double>(), share.end<double>()};
}

std::vector<double> cellLevels(const cv::Mat& raw, int grid_columns, int grid_rows) {
  cv::Mat levels;
  cv::resize(raw, levels, cv::Size(grid_columns, grid_rows), 0, 0, cv::INTER_AREA);
  levels.convertTo(levels, CV_64F);
  return {levels.begin<double>(), levels.end<double>()};
}

namespace {
constexpr double kBlackLevel = 16;  // black in the video range decoders give
}  // namespace

double lightRatio(const ViewMeasures& baseline, const ViewMeasures& now, double quantile) {
  const size_t cells = baseline.cell_level.size();
  if (cells == 0 || now.cell_level.size() != cells) return 1;
  std::vector<double> ratios;
  for (size_t i = 0; i < cells; ++i) {
    const double then = baseline.cell_level[i] - kBlackLevel;
    if (then >= 8) ratios.push_back(std::max(0.0, now.cell_level[i] - kBlackLevel) / then);
  }
  if (ratios.empty()) return 1;
  const auto q = std::min(ratios.size() - 1, static_cast<size_t>(quantile * static_cast<double>(ratios.size())));
  std::nth_element(ratios.begin(), ratios.begin() + static_cast<long>(q), ratios.end());
  return ratios[q];
}

cv::Mat prepare(const cv::Mat& frame) {
  // Normalise brightness and contrast so that dusk, auto-exposure and the
  // infrared switch do not read as lost texture; a blank picture stays flat
  // because its spread is first checked on the raw image.
  cv::Mat small = rawSmallGrey(frame);
  // The spread of the view, not of its brightest 2 %: street lamps at night
  // (small, far brighter than the dark view around them) would otherwise
  // set the scale and squeeze the rest of the view to nothing, a blur.
  int histogram[256] = {};
  for (int y = 0; y < small.rows; ++y) {
    const uchar* row = small.ptr<uchar>(y);
    for (int x = 0; x < small.cols; ++x) ++histogram[row[x]];
  }
  const long top = static_cast<long>(small.total()) / 50;
  int ceiling = 255;
  for (long above = 0; ceiling > 0 && above + histogram[ceiling] <= top; --ceiling) above += histogram[ceiling];
  cv::Scalar mean, stddev;
  cv::meanStdDev(cv::min(small, ceiling), mean, stddev);
  cv::Mat out;
  const double scale = stddev[0] > 1.0 ? 48.0 / stddev[0] : 1.0;
  small.convertTo(out, CV_32F, scale, 128.0 - mean[0] * scale);
  return out;
}

ViewMeasures measure(const cv::Mat& prepared, int grid_columns, int grid_rows) {
  ViewMeasures m;
  m.grid_columns = grid_columns;
  m.grid_rows = grid_rows;
  cv::Scalar mean, stddev;
  cv::meanStdDev(prepared, mean, stddev);
  m.mean = mean[0];
  m.contrast = stddev[0];
  cv::Mat lap;
  cv::Laplacian(prepared, lap, CV_32F, 3);
  cv::meanStdDev(lap, mean, stddev);
  m.sharpness = stddev[0] * stddev[0];
  cv::Mat gx, gy, magnitude;
  cv::Sobel(prepared, gx, CV_32F, 1, 0, 3);
  cv::Sobel(prepared, gy, CV_32F, 0, 1, 3);
  cv::magnitude(gx, gy, magnitude);
  const int cw = prepared.cols / grid_columns, ch = prepared.rows / grid_rows;
  std::vector<float> v;
  v.reserve(static_cast<size_t>(cw * ch));
  for (int r = 0; r < grid_rows; ++r) {
    for (int c = 0; c < grid_columns; ++c) {
      // The median, not the mean: a cover's edge through a cell is a strong
      // line that would lend a half-covered cell the texture it lost.
      v.clear();
      for (int y = r * ch; y < (r + 1) * ch; ++y) {
        const float* row = magnitude.ptr<float>(y) + c * cw;
        v.insert(v.end(), row, row + cw);
      }
      std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
      m.cell_texture.push_back(v[v.size() / 2]);
    }
  }
  return m;
}

ViewBaseline makeBaseline(const std::vector<cv::Mat>& frames, const std::vector<Chroma>& chroma) {
  ViewBaseline b;
  cv::Mat sum;
  for (const auto& f : frames) {
    cv::Mat p = prepare(f);
    if (sum.empty()) sum = cv::Mat::zeros(p.size(), CV_32F);
    sum += p;
  }
  b.reference = sum / static_cast<double>(std::max<size_t>(1, frames.size()));
  b.shift_reference = makeShiftReference(b.reference);
  std::vector<double> differences;
  for (size_t i = 1; i < frames.size(); ++i) {
    const cv::Mat a = rawSmallGrey(frames[i - 1]), c = rawSmallGrey(frames[i]);
    differences.push_back(cv::norm(a, c, cv::NORM_L1) / static_cast<double>(a.total()));
  }
  if (!differences.empty()) {
    std::nth_element(differences.begin(), differences.begin() + static_cast<long>(differences.size() / 2),
                     differences.end());
    b.temporal_noise = differences[differences.size() / 2];
  }
  // Measures are the median over frames of each single frame (an average
  // image is blurred by motion and would flatter later frames).
  std::vector<ViewMeasures> each;
  for (const auto& f : frames) {
    const cv::Mat raw = rawSmallGrey(f);
    each.push_back(measure(prepare(f)));
    each.back().cell_clipped = cellClipped(raw, kGridColumns, kGridRows);
    each.back().cell_level = cellLevels(raw, kGridColumns, kGridRows);
    cv::Scalar mean, stddev;
    cv::meanStdDev(raw, mean, stddev);
    each.back().raw_contrast = stddev[0];
    each.back().raw_mean = mean[0];
    each.back().noise = noiseLevel(raw);
    if (chroma.size() == frames.size()) {
      each.back().chroma = chroma[each.size() - 1];
    } else if (f.channels() == 3) {
      each.back().chroma = chromaOf(f);
    }
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  auto medianOf = [&](auto field) {
    std::vector<double> v;
    for (const auto& m : each) v.push_back(field(m));
    return median(v);
  };
  if (!each.empty()) {
    b.measures.raw_mean = medianOf([](const ViewMeasures& m) { return m.raw_mean; });
    b.measures.noise = medianOf([](const ViewMeasures& m) { return m.noise; });
    if (std::all_of(each.begin(), each.end(), [](const ViewMeasures& m) { return m.chroma.has_value(); })) {
      b.measures.chroma = Chroma{medianOf([](const ViewMeasures& m) { return m.chroma->u; }),
                                 medianOf([](const ViewMeasures& m) { return m.chroma->v; }),
                                 medianOf([](const ViewMeasures& m) { return m.chroma->saturation; })};
    }
  }
  std::vector<double> sharp;
  for (const auto& m : each) sharp.push_back(m.sharpness);
  b.measures.sharpness = median(sharp);
  b.measures.cell_texture.resize(static_cast<size_t>(kGridColumns * kGridRows));
  for (size_t cell = 0; cell < b.measures.cell_texture.size(); ++cell) {
    std::vector<double> v;
    for (const auto& m : each) v.push_back(m.cell_texture[cell]);
    b.measures.cell_texture[cell] = median(v);
  }
  b.measures.cell_clipped.resize(b.measures.cell_texture.size());
  b.measures.cell_level.resize(b.measures.cell_texture.size());
  for (size_t cell = 0; cell < b.measures.cell_clipped.size() && !each.empty(); ++cell) {
    std::vector<double> v, l;
    for (const auto& m : each) {
      v.push_back(m.cell_clipped[cell]);
      l.push_back(m.cell_level[cell]);
    }
    b.measures.cell_clipped[cell] = median(v);
    b.measures.cell_level[cell] = median(l);
  }
  std::vector<double> contrast;
  for (const auto& m : each) contrast.push_back(m.raw_contrast);
  if (!contrast.empty()) b.measures.raw_contrast = median(contrast);
  b.stripe_reference = stripeReferenceOf(b.reference, b.measures.raw_contrast);
  return b;
}

StripeReference stripeReferenceOf(const cv::Mat& reference, double raw_contrast) {
  // prepare() scaled the picture's spread to 48.
  return makeStripeReference(reference, raw_contrast > 0 ? raw_contrast / 48.0 : 1.0);
}

// Smoothed first: sensor noise, rain and compression speckle would
// otherwise dilute the correlation peak of a view that has not moved.
namespace {
cv::Mat smoothedForShift(const cv::Mat& picture) {
  cv::Mat out;
  cv::GaussianBlur(picture, out, cv::Size(0, 0), 2.0);
  return out;
}

// The window goes on before phaseCorrelate (which would otherwise multiply
// it into its inputs in place, a cached reference included).
cv::Mat windowed(const cv::Mat& picture, const cv::Mat& window) {
  cv::Mat out;
  cv::multiply(window, smoothedForShift(picture), out);
  return out;
}

}  // namespace

ShiftReference makeShiftReference(const cv::Mat& reference) {
  ShiftReference r;
  if (reference.empty()) return r;
  cv::createHanningWindow(r.window, reference.size(), CV_32F);
  r.windowed = windowed(reference, r.window);
  return r;
}

ShiftEstimate estimateShift(const ShiftReference& reference, const cv::Mat& prepared) {
  double response = 0;
  const cv::Point2d d = cv::phaseCorrelate(reference.windowed, windowed(prepared, reference.window), cv::noArray(),
                                           &response);
  return {d.x, d.y, response};
}

ShiftEstimate estimateShift(const cv::Mat& reference, const cv::Mat& prepared) {
  return estimateShift(makeShiftReference(reference), prepared);
}

double textureLayoutSimilarity(const std::vector<double>& baseline, const std::vector<double>& now) {
  // Pearson correlation of the per-cell texture: the same view keeps its
  // layout (textured here, plain there) through light and people.
  const size_t n = std::min(baseline.size(), now.size());
  if (n < 2) return 1.0;
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) {
    ma += baseline[i];
    mb += now[i];
  }
  ma /= static_cast<double>(n);
  mb /= static_cast<double>(n);
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (baseline[i] - ma) * (now[i] - mb);
    saa += (baseline[i] - ma) * (baseline[i] - ma);
    sbb += (now[i] - mb) * (now[i] - mb);
  }
  return saa > 0 && sbb > 0 ? sab / std::sqrt(saa * sbb) : 1.0;
}

CoverEstimate estimateCover(const ViewMeasures& baseline, const ViewMeasures& now,
                            const std::vector<double>& now_cell_mean, const ViewThresholds& t) {
  CoverEstimate e;
  const size_t cells = baseline.cell_texture.size();
  if (cells == 0 || now.cell_texture.size() != cells ||
      static_cast<size_t>(baseline.grid_columns * baseline.grid_rows) != cells) {
    return e;
  }
  const bool clipping_known = baseline.cell_clipped.size() == cells && now.cell_clipped.size() == cells;
  // The share of a cell that clipped at white since the baseline: texture
  // there was taken by light, and is not expected back.
  auto clip_rise = [&](size_t i) {
    return clipping_known ? std::max(0.0, now.cell_clipped[i] - baseline.cell_clipped[i]) : 0.0;
  };
  auto newly_clipped = [&](size_t i) {
    return clipping_known && now.cell_clipped[i] >= t.glare_clipped_share && clip_rise(i) >= t.glare_clipped_rise;
  };
  // Dusk: what texture each cell could still show if only the light fell
  // (as much as it fell over the whole view); where that is below what the
  // dark's noise and the encoder leave, its loss says nothing of a cover.
  const double light = lightRatio(baseline, now, t.gain_quantile);
  const double raw_scale = baseline.raw_contrast > 0 ? baseline.raw_contrast / 48.0 : -1;
  auto lost_in_dark = [&](size_t i) {
    return raw_scale > 0 && baseline.cell_texture[i] * raw_scale * light < t.dark_texture;
  };
  auto judged = [&](size_t i) {
    return baseline.cell_texture[i] >= t.textured_cell &&
           (now_cell_mean.size() != cells || now_cell_mean[i] < t.saturated_cell) && !newly_clipped(i) &&
           !lost_in_dark(i);
  };
  std::vector<double> ratios;
  for (size_t i = 0; i < cells; ++i) {
    if (judged(i)) ratios.push_back(now.cell_texture[i] / baseline.cell_texture[i] / std::max(0.05, 1.0 - clip_rise(i)));
  }
  e.judged = static_cast<int>(ratios.size());
  if (e.judged < 4) return e;  // nothing to judge a cover on
  const auto q = std::min(ratios.size() - 1, static_cast<size_t>(t.gain_quantile * static_cast<double>(ratios.size())));
  std::nth_element(ratios.begin(), ratios.begin() + static_cast<long>(q), ratios.end());
  e.view_gain = ratios[q];
  if (e.view_gain <= 0) return e;
  // Per cell: the covered fraction; cells not judged may join a cover's piece.
  std::vector<double> fraction(cells, 0.0);
  cv::Mat joinable(baseline.grid_rows, baseline.grid_columns, CV_8U, cv::Scalar(0));
  std::vector<double> spared_base, spared_now;
  for (size_t i = 0; i < cells; ++i) {
    const int r = static_cast<int>(i) / baseline.grid_columns, c = static_cast<int>(i) % baseline.grid_columns;
    if (!judged(i)) {
      // Glare is no cover: a cover's piece does not grow through it.
      if (!newly_clipped(i)) joinable.at<uchar>(r, c) = 255;
      continue;
    }
    // What texture the cell can keep where light clipped part of it.
    const double unclipped = std::max(0.05, 1.0 - clip_rise(i));
    const double relative = now.cell_texture[i] / baseline.cell_texture[i] / e.view_gain / unclipped;
    fraction[i] = std::clamp((t.spared_cell_ratio - relative) / (t.spared_cell_ratio - t.covered_cell_ratio), 0.0, 1.0);
    if (fraction[i] > 0) {
      joinable.at<uchar>(r, c) = 255;
    } else {
      spared_base.push_back(baseline.cell_texture[i]);
      spared_now.push_back(now.cell_texture[i]);
    }
  }
  e.spared_layout = textureLayoutSimilarity(spared_base, spared_now);
  cv::Mat labels;
  const int n = cv::connectedComponents(joinable, labels, 8, CV_32S);
  std::vector<double> covered_in(static_cast<size_t>(n), 0.0);
  for (size_t i = 0; i < cells; ++i) {
    const int r = static_cast<int>(i) / baseline.grid_columns, c = static_cast<int>(i) % baseline.grid_columns;
    covered_in[static_cast<size_t>(labels.at<int>(r, c))] += fraction[i];
  }
  double largest = 0;
  for (int label = 1; label < n; ++label) largest = std::max(largest, covered_in[static_cast<size_t>(label)]);
  e.share = largest / e.judged;
  return e;
}

double glareShare(const ViewMeasures& baseline, const ViewMeasures& now, const ViewThresholds& t) {
  const size_t cells = baseline.cell_level.size();
  if (cells == 0 || now.cell_level.size() != cells ||
      static_cast<size_t>(baseline.grid_columns * baseline.grid_rows) != cells) {
    return 0;
  }
  cv::Mat lit(baseline.grid_rows, baseline.grid_columns, CV_8U, cv::Scalar(0));
  for (size_t i = 0; i < cells; ++i) {
    if (now.cell_level[i] >= t.glare_level && baseline.cell_level[i] <= t.glare_was_below) {
      lit.at<uchar>(static_cast<int>(i) / baseline.grid_columns, static_cast<int>(i) % baseline.grid_columns) = 255;
    }
  }
  cv::Mat labels, stats, centroids;
  const int n = cv::connectedComponentsWithStats(lit, labels, stats, centroids, 8, CV_32S);
  int largest = 0;
  for (int label = 1; label < n; ++label) largest = std::max(largest, stats.at<int>(label, cv::CC_STAT_AREA));
  return static_cast<double>(largest) / static_cast<double>(cells);
}

namespace {

constexpr double kMinLevel = 8;  // grey levels above black a picture's mean is taken to have at least

// Contrast for brightness: the spread over the mean level above black.
double relativeContrast(const ViewMeasures& m) {
  return m.raw_contrast / std::max(kMinLevel, m.raw_mean - kBlackLevel);
}

// The picture is grey where the baseline was in colour: an infrared night view.
bool turnedGrey(const ViewMeasures& baseline, const ViewMeasures& now, const ViewThresholds& t) {
  return baseline.chroma && now.chroma && now.chroma->saturation < t.grey_saturation &&
         baseline.chroma->saturation >= 3 * t.grey_saturation;
}

}  // namespace

std::optional<double> colourCastAgainst(const ViewMeasures& baseline, const ViewMeasures& now, const ViewThresholds& t) {
  if (!baseline.chroma || !now.chroma || baseline.raw_mean < 0 || now.raw_mean < 0) return std::nullopt;
  if (now.chroma->saturation < t.grey_saturation) return std::nullopt;  // grey: no colour to cast
  if (lightRatio(baseline, now, t.gain_quantile) < t.daylight_share) return std::nullopt;
  // Chroma per grey level above black: dimming and gain scale both alike.
  const double then_level = std::max(kMinLevel, baseline.raw_mean - kBlackLevel);
  const double now_level = std::max(kMinLevel, now.raw_mean - kBlackLevel);
  const cv::Point2d then(baseline.chroma->u / then_level, baseline.chroma->v / then_level);
  const cv::Point2d seen(now.chroma->u / now_level, now.chroma->v / now_level);
  // Toward grey (fog's veil, a floodlight's white, infrared) is the segment
  // from the baseline's colour to none: the distance from it is the cast.
  const double length2 = then.dot(then);
  const double along = length2 > 0 ? std::clamp(seen.dot(then) / length2, 0.0, 1.0) : 0.0;
  const cv::Point2d off = seen - then * along;
  return std::hypot(off.x, off.y);
}

ViewAssessment assess(const cv::Mat& frame, const cv::Mat& previous_raw, const ViewBaseline& baseline,
                      const ViewThresholds& t, std::optional<Chroma> chroma) {
  ViewAssessment a;
  const cv::Mat raw = rawSmallGrey(frame);
  cv::Scalar raw_mean, raw_stddev;
  cv::meanStdDev(raw, raw_mean, raw_stddev);
  const cv::Mat prepared = prepare(frame);
  a.measures = measure(prepared, baseline.measures.grid_columns, baseline.measures.grid_rows);
  a.measures.cell_clipped = cellClipped(raw, baseline.measures.grid_columns, baseline.measures.grid_rows);

  cv::Mat raw_gx, raw_gy, raw_mag;
  cv::Sobel(raw, raw_gx, CV_32F, 1, 0, 3);
  cv::Sobel(raw, raw_gy, CV_32F, 0, 1, 3);
  cv::magnitude(raw_gx, raw_gy, raw_mag);
  const double raw_texture = cv::mean(raw_mag)[0];
  a.measures.cell_level = cellLevels(raw, baseline.measures.grid_columns, baseline.measures.grid_rows);
  a.light = lightRatio(baseline.measures, a.measures, t.gain_quantile);
  if (raw_stddev[0] < t.blank_contrast && raw_texture < t.blank_texture * 4) {
    a.issues.push_back(ViewIssue::Blank);
    return a;  // nothing else can be judged on an empty picture
  }

  if (!previous_raw.empty() && previous_raw.size() == raw.size()) {
    cv::Mat diff;
    cv::absdiff(raw, previous_raw, diff);
    a.frame_difference = cv::mean(diff)[0];
    if (a.frame_difference < t.frozen_difference) a.issues.push_back(ViewIssue::Frozen);
  }

  // Covered: part of the view lost its texture while the rest kept it and
  // still lines up with the baseline. A cover leaves the rest of the view as
  // it was; a blur dulls every cell; another view lines up nowhere.
  a.measures.raw_contrast = raw_stddev[0];
  a.measures.raw_mean = raw_mean[0];
  a.measures.noise = noiseLevel(raw);
  a.measures.chroma = chroma ? chroma : frame.channels() == 3 ? std::optional(chromaOf(frame)) : std::nullopt;
  const bool grey_now = turnedGrey(baseline.measures, a.measures, t);
  if (baseline.measures.raw_mean >= 0 && baseline.measures.raw_contrast > 0) {
    a.contrast_ratio = relativeContrast(a.measures) / std::max(1e-6, relativeContrast(baseline.measures));
  }
  if (const auto cast = colourCastAgainst(baseline.measures, a.measures, t)) a.colour_cast = *cast;
  a.cover = estimateCover(baseline.measures, a.measures, a.measures.cell_level, t);
  a.shift = baseline.shift_reference.empty() ? estimateShift(baseline.reference, prepared)
                                             : estimateShift(baseline.shift_reference, prepared);
  a.layout_similarity = textureLayoutSimilarity(baseline.measures.cell_texture, a.measures.cell_texture);
  const double moved = std::hypot(a.shift.dx / prepared.cols, a.shift.dy / prepared.rows);
  const bool moved_clearly = a.shift.response >= t.shift_min_response && moved > t.shift_fraction;
  const bool dulled = a.measures.sharpness < baseline.measures.sharpness * t.defocus_ratio;
  // The spared part is the same view if its texture lines up with the
  // baseline's or the picture still correlates with the reference.
  const bool same_view = a.cover.spared_layout >= t.cover_min_layout || a.shift.response >= t.shift_min_response;
  // A light into the lens whites out part of the view and washes out the
  // rest: that, not a blur or a cover, is what the view suffers, where the
  // rest is still the same view (another view may well hold a white sky).
  const bool other_view = a.shift.response < t.shift_min_response &&
                          (a.shift.response < t.shift_min_response / 2 || a.layout_similarity < t.layout_min_similarity);
  a.moved = moved_clearly || other_view;
  a.glare_share = glareShare(baseline.measures, a.measures, t);
  if (a.glare_share >= t.glare_share && !other_view) {
    a.issues.push_back(ViewIssue::Glare);
    return a;
  }
  // Stripes: a pattern laid over the view, where the view is still the one
  // it was underneath (a view turned to a fence or a tiled square has a new
  // pattern of its own). Judged on the raw picture: fog and night,
  // magnified by normalisation, would show the encoder's block grid.
  if (!baseline.stripe_reference.empty()) {
    a.stripes = estimateStripes(baseline.stripe_reference, raw);
    if (a.stripes.share >= t.stripe_share && !a.moved) {
      a.issues.push_back(ViewIssue::Stripes);
      return a;
    }
  }
  // Snow: noise everywhere, far above the view's own grain. It breaks the
  // correlation and buries texture: that, not a turn or a cover, is what
  // the view suffers.
  const double grain = baseline.measures.noise;
  if (grain >= 0 && a.measures.noise >= t.snow_ratio * grain &&
      std::sqrt(std::max(0.0, a.measures.noise * a.measures.noise - grain * grain)) >= t.snow_level) {
    a.issues.push_back(ViewIssue::Snow);
    return a;
  }
  const bool occluded = a.cover.share >= t.occluded_share && same_view &&
                        !moved_clearly && a.measures.sharpness >= baseline.measures.sharpness * t.cover_min_sharpness;
  if (occluded) {
    a.issues.push_back(ViewIssue::Occluded);
    return a;
  }

  // Veiled: a fogged or misted view's normalised picture is its own noise
  // and compression, magnified: a veil, not a blur. A picture burnt out at
  // white (light far beyond what the exposure takes) is not veiled.
  double clipped = 0;
  for (double c : a.measures.cell_clipped) clipped += c;
  clipped /= std::max<size_t>(1, a.measures.cell_clipped.size());
  if (a.contrast_ratio < t.low_contrast_ratio && clipped < t.veil_max_clipped && !grey_now && !a.moved) {
    a.issues.push_back(ViewIssue::LowContrast);
    return a;
  }

  // Out of focus: fine detail far below the baseline, texture still spread
  // over the view (a cover takes it away per cell instead).
  if (dulled) {
    a.issues.push_back(ViewIssue::Defocus);
    return a;
  }

  // Moved or turned: the view no longer lines up with the baseline. A clear
  // correlation peak away from the origin is a move; no peak and a changed
  // texture layout is a turn to another view.
  if (moved_clearly || other_view) {
    a.issues.push_back(ViewIssue::Shifted);
    return a;
  }
  // A colour cast, where the view is otherwise the view it was: a cover, a
  // turn to another view or a glare changes its colours too.
  if (a.colour_cast >= t.cast_distance && a.cover.share < t.occluded_share) {
    a.issues.push_back(ViewIssue::ColourCast);
  }
  return a;
}

ViewFigures figuresOf(const ViewAssessment& a, const ViewBaseline& baseline) {
  ViewFigures f;
  f.light = a.light;
  f.contrast = a.contrast_ratio;
  f.sharpness = baseline.measures.sharpness > 0 ? a.measures.sharpness / baseline.measures.sharpness : 1;
  f.colour_cast = a.colour_cast;
  f.noise = std::max(0.0, a.measures.noise);
  f.stripes = a.stripes.share;
  f.glare_share = a.glare_share;
  f.cover_share = a.cover.share;
  f.moved = a.shift.response > 0 ? std::hypot(a.shift.dx / kAnalysisWidth, a.shift.dy / kAnalysisHeight) : 0;
  return f;
}

}  // namespace villagecam::analysis
