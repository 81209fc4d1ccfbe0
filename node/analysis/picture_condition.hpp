// The picture's condition beyond its content: its colour, its noise and any
// periodic pattern laid over it, each measured so that it can be compared
// with the camera's own baseline (a view's colours, grain and fences are its
// own; what counts is how far they moved). Pure functions over small frames.
#pragma once

#include <opencv2/core.hpp>

namespace villagecam::analysis {

// The picture's colour: the mean chroma (U - 128, V - 128 of BT.601 YUV, in
// code values) and how coloured its pixels are (the mean of |U - 128| +
// |V - 128|: near 0 for a grey picture, an infrared night view).
struct Chroma {
  double u = 0;
  double v = 0;
  double saturation = 0;
};
// Of a BGR picture (a grey one is grey: all zero).
Chroma chromaOf(const cv::Mat& picture);
// Of an I420 frame, planes packed (height * 3 / 2 rows of `width`): read off
// its chroma planes, no conversion.
Chroma chromaOfI420(const cv::Mat& packed);

// The picture's noise, in grey levels (sigma): Immerkær's Laplacian-difference
// estimate, per cell of a 32 x 18 grid, at the lower quartile over cells (the
// flattest parts of the view, where edges do not read as noise). Of a raw
// small grey picture (rawSmallGrey).
double noiseLevel(const cv::Mat& raw);

// A pattern laid over the picture (interference stripes, still or rolling)
// is judged on 160 x 90 copies of the picture and of the reference, at the
// raw picture's levels.
struct StripeReference {
  cv::Mat picture;   // 160 x 90, CV_32F
  cv::Mat spectrum;  // powerSpectrum(picture)
  bool empty() const { return picture.empty(); }
};
// `reference`: grey, any size; `scale`: what its levels are multiplied by
// to be the raw picture's.
StripeReference makeStripeReference(const cv::Mat& reference, double scale = 1.0);
// The power spectrum of a 160 x 90 CV_32F picture (mean removed, Hanning
// window), unshifted (DC at 0, 0).
cv::Mat powerSpectrum(const cv::Mat& small);

// How much of the picture's power a laid-over pattern holds: the largest
// share of it, in excess of the reference's, at one frequency (a 3 x 3
// cluster of bins and its mirror), where that excess stands out from the
// excess around it (`prominence` times the mean of the ring 2 to 5 bins
// away), is `growth` times what the reference had there, and is spread
// over the whole picture (a pattern laid over the view is everywhere; a
// group of people or a fence come into view are in a part of it). A
// view's own periodic parts (fences, tiles, windows) are in the reference;
// people, rain and noise spread their power over every frequency, and
// light that changes scales the whole spectrum alike. Frequencies of at
// most `kLayoutCycles` cycles across the picture are its layout (light, a
// person, a swaying tree), not judged.
inline constexpr int kLayoutCycles = 5;
struct StripeEstimate {
  double share = 0;   // of the picture's power above the layout's frequencies, 0..1
  double period = 0;  // of the pattern, in pixels at 160 x 90 (0: none found)
  double spread = 0;  // over the picture: 1 as much in every part, 1/12 all in one
};
struct StripeGates {
  double prominence = 8;
  double growth = 4;
  double spread = 0.5;
};
// `now`: a grey picture, raw levels, any size.
StripeEstimate estimateStripes(const StripeReference& reference, const cv::Mat& now, const StripeGates& gates = {});

}  // namespace villagecam::analysis
