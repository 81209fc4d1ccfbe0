// View quality: is the camera's picture usable, or is it blank, frozen, out of
// focus, covered or turned away? Pure functions over grey cv::Mat frames and
// plain structs, measured against the camera's own baseline (taken at
// commissioning), never against absolute magic numbers where the scene
// matters. No GStreamer, no MQTT: tests feed frames directly.
#pragma once

#include <opencv2/core.hpp>

#include <optional>
#include <string>
#include <vector>

#include "analysis/picture_condition.hpp"

namespace villagecam::analysis {

// Shaking: the picture moves back and forth from check to check (a loose
// mount, a pole in the wind), where Shifted is a view that moved and stays.
// Glare: a light shone into the lens (a lamp, a torch, a laser) whites out
// part of the view, where it was not white before.
// Dark: the view lost most of its light at once (a dimmed or painted lens,
// its lights cut), where night darkens it slowly (DarkJudge).
// LowContrast: the view is veiled (fog, a misted or dirty dome), its
// contrast far below the baseline's for its brightness.
// ColourCast: its colours moved away from the baseline's (a lost colour
// channel, a broken white balance), not toward grey (infrared, fog).
// Snow: noise far above the baseline's over the whole view (analogue
// interference, a failing sensor or cable).
// Stripes: a periodic pattern laid over the view (interference on an
// analogue cable, a failing sensor or encoder), still or rolling.
// Stutter: the stream does not keep its own frame rate, jumps in time or
// comes in bursts (judged by the camera's monitor on the stream's cadence,
// CadenceJudge; a picture cannot show it).
// OffPreset: a PTZ camera away from its preset for longer than it patrols
// (judged by the camera's monitor: a single picture is only `shifted`).
enum class ViewIssue {
  Blank, Frozen, Defocus, Occluded, Shifted, Shaking, Glare, Dark, LowContrast, ColourCast, Snow, Stripes, Stutter,
  OffPreset
};
inline constexpr ViewIssue kViewIssues[] = {
    ViewIssue::Blank, ViewIssue::Frozen,      ViewIssue::Defocus,    ViewIssue::Occluded, ViewIssue::Shifted,
    ViewIssue::Shaking, ViewIssue::Glare,     ViewIssue::Dark,       ViewIssue::LowContrast, ViewIssue::ColourCast,
    ViewIssue::Snow,  ViewIssue::Stripes,     ViewIssue::Stutter,    ViewIssue::OffPreset};
const char* toString(ViewIssue issue);
std::optional<ViewIssue> viewIssueFrom(const std::string& name);

// All analysis happens on a small grey copy of this size.
inline constexpr int kAnalysisWidth = 320;
inline constexpr int kAnalysisHeight = 180;
// The view is judged in cells of 20 x 20 pixels at analysis size: fine
// enough that the cells a cover's edge cuts in two are a small part of any
// cover worth raising. Baselines stored before were taken on 4 x 4 cells and
// are still read (their covers are judged on that grid).
inline constexpr int kGridColumns = 32;
inline constexpr int kGridRows = 18;
inline constexpr int kLegacyGrid = 4;

struct ViewMeasures {
  double mean = 0;                 // brightness, 0..255
  double contrast = 0;             // standard deviation of brightness
  double sharpness = 0;            // variance of the Laplacian of the normalised image
  int grid_columns = kGridColumns;
  int grid_rows = kGridRows;
  std::vector<double> cell_texture;  // per cell, row by row: mean gradient magnitude of the normalised image
  // Per cell, row by row: the share of its raw pixels at white (clipped).
  // Empty: not measured (baselines stored before it was).
  std::vector<double> cell_clipped;
  // Per cell, row by row: the raw mean brightness, 0..255. Empty: not
  // measured (baselines stored before it was).
  std::vector<double> cell_level;
  // The raw picture's standard deviation, which `prepare` scaled to 48: raw
  // texture = cell_texture * raw_contrast / 48. Negative: not measured.
  double raw_contrast = -1;
  // The raw picture's mean brightness, 0..255. Negative: not measured.
  double raw_mean = -1;
  // The picture's noise (noiseLevel), grey levels. Negative: not measured.
  double noise = -1;
  // Its colour (nullopt: not measured, or a grey source).
  std::optional<Chroma> chroma;
};

// What estimateShift needs of a reference picture, made once with the
// baseline rather than at every check.
struct ShiftReference {
  cv::Mat window;    // Hanning, against the edges' jump
  cv::Mat windowed;  // the reference, smoothed as a checked picture is, times the window
  bool empty() const { return windowed.empty(); }
};
ShiftReference makeShiftReference(const cv::Mat& reference);

struct ViewBaseline {
  cv::Mat reference;               // normalised grey, kAnalysisWidth x kAnalysisHeight
  ShiftReference shift_reference;  // of `reference`; empty: made at each check
  ViewMeasures measures;
  // Median mean |difference| of consecutive frames at baseline, raw grey at
  // analysis size: the camera's live temporal noise. Negative: not measured
  // (a baseline stored before it was).
  double temporal_noise = -1;
  // The reference at the raw picture's scale, for the stripes it did not
  // have (stripeReferenceOf).
  StripeReference stripe_reference;
};
// From the (normalised) reference and the raw picture's spread.
StripeReference stripeReferenceOf(const cv::Mat& reference, double raw_contrast);

struct ViewThresholds {
  double blank_contrast = 4.0;        // below: no content (cap, black, one colour)
  double blank_texture = 1.5;         // and no texture anywhere
  double frozen_difference = 0.05;    // mean |frame - previous| below: not a live sensor
  double defocus_ratio = 0.35;        // sharpness below this share of the baseline's
  // Covered: a cell whose texture fell below `covered_cell_ratio` of what the
  // rest of the view kept (the view's gain: a high quantile of every textured
  // cell's ratio to its baseline, so light that changes everywhere cancels
  // out and a cover up to `gain_quantile` of the view leaves the gain to the
  // cells it spares)...
  double covered_cell_ratio = 0.25;
  double spared_cell_ratio = 0.75;
  double gain_quantile = 0.85;
  double saturated_cell = 235;        // raw mean brightness at or above: glare, not judged
  // A cell with this share of its pixels clipped at white now, and this much
  // more than at baseline, lost its texture to light (a floodlight on a
  // bright wall), not to a cover: not judged. Cells white at baseline (a
  // white sign, a test chart's bar) are judged as before.
  double glare_clipped_share = 0.4;
  double glare_clipped_rise = 0.3;
  double cover_min_sharpness = 0.1;   // fine detail below this share of the baseline's: the whole view is blurred
  double cover_min_layout = 0.7;      // spared cells that no longer line up: another view, not a cover
  double textured_cell = 4.0;         // cells with less texture at baseline (sky, a wall) are not judged
  // Dusk: a cell whose baseline texture, dimmed as much as the whole view's
  // light fell, would be below this raw gradient (grey levels) is lost in
  // the dark (noise, the encoder's quantiser), not covered: not judged.
  double dark_texture = 2.0;
  // ...over at least this share of the textured view, in one piece, is a cover.
  double occluded_share = 1.0 / 3;
  // Glare: cells white now (mean at or above `glare_level`) that were no
  // brighter than `glare_was_below` at baseline (no change of exposure
  // whites those out: a floodlight lifting a street by 1.15x + 40 takes 160
  // to 224), in one piece over at least `glare_share` of the view. A light
  // over what was bright already (a sky, a white wall) is not told from
  // the exposure.
  double glare_level = 230;
  double glare_was_below = 160;
  double glare_share = 0.02;
  // Low contrast: the picture's contrast for its brightness (spread over
  // mean level above black) below this share of the baseline's. Dimming
  // keeps it, night's noise raises it; a veil (fog, a misted dome, a dirty
  // lens against the light) lowers it. A grey picture from a camera that
  // was in colour (infrared at night) is not judged against a day baseline.
  double low_contrast_ratio = 0.45;
  double veil_max_clipped = 0.1;  // a picture with this share clipped at white is burnt out, not veiled
  // Colour cast: the picture's mean chroma (per grey level above black) this
  // far from the segment between grey and the baseline's (moving toward grey
  // is fog, dusk or infrared, not a cast)...
  double cast_distance = 0.08;
  // ...judged only where the view has at least this share of its baseline's
  // light (night's lamps tint what little light there is) and is in colour
  // (a mean |U| + |V| of at least `grey_saturation`).
  double daylight_share = 0.5;
  double grey_saturation = 1.0;
  // Snow: noise over the whole view beyond the view's own grain (fine
  // texture reads as noise too: noise adds to it in quadrature) by
  // `snow_level` grey levels, and `snow_ratio` times it. Night's gain noise
  // is wiped by the encoder long before that.
  double snow_ratio = 1.5;
  double snow_level = 5.0;
  // Stripes: a pattern laid over the view holding this share of its power
  // (estimateStripes): a stripe of 8 grey levels over a textured street
  // holds 0.015-0.05, people, rain, fog and night at most 0.004.
  double stripe_share = 0.008;
  double shift_fraction = 0.05;       // moved more than this share of the frame size
  double shift_min_response = 0.06;   // a correlation peak weaker than this is no peak at all...
  double layout_min_similarity = 0.6; // ...and with the texture layout changed too, the view is another
};

// The grey, analysis-size, contrast-normalised image every measure uses.
cv::Mat prepare(const cv::Mat& frame);

// Measures on a grid of columns x rows cells (the baseline's grid).
ViewMeasures measure(const cv::Mat& prepared, int grid_columns = kGridColumns, int grid_rows = kGridRows);
// `frames`: grey as the node judges them (the decoder's luma: a BGR frame
// made from it and turned grey again is on another scale), or BGR in tests;
// `chroma`: each frame's colour where the frames are grey (empty: measured
// on BGR frames, or none).
ViewBaseline makeBaseline(const std::vector<cv::Mat>& frames, const std::vector<Chroma>& chroma = {});

struct ShiftEstimate {
  double dx = 0, dy = 0;  // pixels at analysis size
  double response = 0;    // phase correlation peak, 0..1
};
ShiftEstimate estimateShift(const ShiftReference& reference, const cv::Mat& prepared);
ShiftEstimate estimateShift(const cv::Mat& reference, const cv::Mat& prepared);
double textureLayoutSimilarity(const std::vector<double>& baseline, const std::vector<double>& now);

// Which share of the view a cover hides: the textured cells whose texture
// fell far below what the rest of the view kept, in the largest connected
// piece (cells without texture at baseline may join it: a cover over sky
// and road is one cover). A blur dulls every cell alike and covers nothing.
// A cell counts by how much of it is covered: 1 below `covered_cell_ratio`
// of the view's gain, 0 above `spared_cell_ratio`, linear between (a cell a
// cover's edge cuts in two keeps about half its texture and counts half).
// Cells saturated now (headlights, glare) are not judged, nor cells newly
// clipped at white (see glare_clipped_share).
struct CoverEstimate {
  double share = 0;          // of the judged cells, 0..1
  double view_gain = 1;      // the texture ratio the spared part of the view kept
  double spared_layout = 1;  // how the spared cells' texture still lines up with the baseline's
  int judged = 0;            // textured cells judged
};
// `now_cell_mean`: the raw brightness of each cell now (empty: none is saturated).
CoverEstimate estimateCover(const ViewMeasures& baseline, const ViewMeasures& now,
                            const std::vector<double>& now_cell_mean = {}, const ViewThresholds& t = {});

// The share of the view's cells, in its largest connected piece, that are
// white now and were not near white at baseline (0 where the baseline's
// levels are not known).
double glareShare(const ViewMeasures& baseline, const ViewMeasures& now, const ViewThresholds& t = {});

struct ViewAssessment {
  std::vector<ViewIssue> issues;  // empty: the view is fine
  double glare_share = 0;         // see glareShare
  double light = 1;               // lightRatio against the baseline (the view's light, 1: as at baseline)
  double contrast_ratio = 1;      // contrast for brightness, against the baseline's (1: unknown or the same)
  double colour_cast = 0;         // see ViewThresholds::cast_distance (0: not judged)
  StripeEstimate stripes;         // see ViewThresholds::stripe_share
  bool moved = false;             // the view moved or turned away (shifted, whether reported or not)
  ViewMeasures measures;
  ShiftEstimate shift;
  double frame_difference = 0;  // mean |frame - previous| of the raw grey frames
  double layout_similarity = 1;  // of the per-cell texture against the baseline
  CoverEstimate cover;
  bool has(ViewIssue i) const;
};

// What one check measured, each against the baseline, for people to read
// (the camera status): why a view is or is not raised.
struct ViewFigures {
  double light = 1;        // the view's light (lightRatio; 1: as at baseline)
  double contrast = 1;     // contrast for brightness (ViewAssessment::contrast_ratio)
  double sharpness = 1;    // fine detail (defocus_ratio is the threshold)
  double colour_cast = 0;  // see cast_distance
  double noise = 0;        // grey levels (noiseLevel)
  double stripes = 0;      // the share of the picture's power in a laid-over pattern (stripe_share)
  double glare_share = 0;  // see glareShare
  double cover_share = 0;  // of this check (the published covered_share is steadied over checks)
  double moved = 0;        // how far the view moved, as a share of the frame (shift_fraction)
};
ViewFigures figuresOf(const ViewAssessment& assessment, const ViewBaseline& baseline);

// One frame against the baseline; `previous_raw` (the previous grey frame at
// analysis size, not normalised) is for frozen detection and may be empty.
// `chroma`: the frame's colour where `frame` is its grey (nullopt: measured
// from `frame` if it is BGR, else not judged).
ViewAssessment assess(const cv::Mat& frame, const cv::Mat& previous_raw, const ViewBaseline& baseline,
                      const ViewThresholds& thresholds = {}, std::optional<Chroma> chroma = std::nullopt);

// How far `now` is from the colours the baseline can turn into without a
// cast (see ViewThresholds::cast_distance); nullopt where not judged.
std::optional<double> colourCastAgainst(const ViewMeasures& baseline, const ViewMeasures& now, const ViewThresholds& t);

// The grey analysis-size frame without normalisation (for frozen detection).
cv::Mat rawSmallGrey(const cv::Mat& frame);

// A raw grey level at or above this is clipped at white: 235 is white in the
// video range decoders give, 255 in full range; 232 takes both.
inline constexpr int kClippedLevel = 232;
// Per cell of a columns x rows grid over `raw` (rawSmallGrey), row by row: the
// share of its pixels clipped at white.
std::vector<double> cellClipped(const cv::Mat& raw, int grid_columns, int grid_rows);
// Per cell of a columns x rows grid over `raw`, row by row: its mean level.
std::vector<double> cellLevels(const cv::Mat& raw, int grid_columns, int grid_rows);

// How much of the baseline's light the view gets now: over its cells, their
// level above black now against at baseline, at `quantile` (a high one, so
// that a dark cover over most of the view leaves the light to the cells it
// spares; 1: as bright, 0.1: a tenth). 1 when the levels are not known.
double lightRatio(const ViewMeasures& baseline, const ViewMeasures& now, double quantile);

}  // namespace villagecam::analysis
