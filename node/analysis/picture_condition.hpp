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

// A pattern laid over the picture (stripes, a rolling bar of interference):
// the power spectrum of a picture (prepare()d, contrast-normalised), on
// 160 x 90, and the share of the picture's power that sits, in excess of
// the reference's, in its few strongest frequencies. A view's own periodic
// parts (fences, tiles) are in the reference too; noise and people spread
// their power over every frequency.
cv::Mat stripeSpectrum(const cv::Mat& prepared);
double stripeShare(const cv::Mat& reference_spectrum, const cv::Mat& now_spectrum);

}  // namespace villagecam::analysis
