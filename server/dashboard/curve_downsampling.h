// Thinning of learning curves for the dashboard: a curve keeps at most `max_points` points,
// always its first and last point and its points on rung steps (where the scheduler decided), and
// otherwise points evenly spaced by index. Curves at or under the limit are kept whole.
#ifndef HYPERD_SERVER_DASHBOARD_CURVE_DOWNSAMPLING_H_
#define HYPERD_SERVER_DASHBOARD_CURVE_DOWNSAMPLING_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace hyperd::server::dashboard {

inline constexpr size_t kMaxCurvePoints = 200;
// All curves of a study document together: beyond it, curves are thinned further, down to
// kMinCurvePoints each (first, last and rung points still kept).
inline constexpr size_t kMaxStudyCurvePoints = 50'000;
inline constexpr size_t kMinCurvePoints = 10;

// The per-curve limit for a document with `curves` curves: kMaxCurvePoints while the study's
// budget allows, then kMaxStudyCurvePoints / curves, never below kMinCurvePoints.
size_t CurvePointsPerTrial(size_t curves);

// Indices into `steps` (increasing) of the points to keep, in increasing order. `rung_steps`
// must be sorted. If the first, last and rung points alone exceed max_points (more than
// max_points - 2 rungs), the rung points beyond the budget are dropped, the first and last kept
// (max_points 1 keeps the last point only).
std::vector<size_t> DownsampleCurve(const std::vector<int64_t>& steps,
                                    const std::vector<int64_t>& rung_steps,
                                    size_t max_points = kMaxCurvePoints);

}  // namespace hyperd::server::dashboard

#endif  // HYPERD_SERVER_DASHBOARD_CURVE_DOWNSAMPLING_H_
