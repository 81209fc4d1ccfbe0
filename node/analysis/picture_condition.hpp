// The picture's condition beyond its content: its colour and its noise, each
// measured so that it can be compared with the camera's own baseline (a
// view's colours and grain are its own; what counts is how far they moved).
// Pure functions over small frames.
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

}  // namespace villagecam::analysis
