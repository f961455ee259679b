// Median-filter smoothing of a gradient-norm series before refinement (lr-schedules.md §2.3).
//
// The reference (facebookresearch/adaptive_scheduling) pads the series on the right only, in numpy
// `reflect` mode, then runs scipy's median filter with `mode='nearest'` and keeps the first N
// values. Right-only padding keeps the filter from flattening the late-training rise in norms.
//
//   std::vector<double> smooth = SmoothGradientNorms(norms, /*filter_fraction=*/0.1);
#ifndef HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_MEDIAN_FILTER_H_
#define HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_MEDIAN_FILTER_H_

#include <cstdint>
#include <vector>

namespace hyperd::algorithms::schedules::refinement {

// Filter width for a series of `length` points: 2·floor(floor(τ·N)/2) + 1 (always odd), clamped
// to the largest odd number ≤ N (§2.5). Requires length ≥ 1 and filter_fraction ≥ 0.
int64_t MedianFilterWidth(int64_t length, double filter_fraction);

// Appends `pad` values mirrored about the last sample without repeating it (numpy 'reflect'),
// reflecting back and forth when pad exceeds the length: ReflectPadRight({1,2,3,4}, 5) =
// {1,2,3,4,3,2,1,2,3}. A single-sample series is repeated. Requires pad ≥ 0.
std::vector<double> ReflectPadRight(const std::vector<double>& values, int64_t pad);

// Sliding median of odd `width`; windows that cross either edge repeat the edge sample
// (scipy.ndimage 'nearest'). Returns a series of the same length. Requires width odd and ≥ 1.
std::vector<double> MedianFilterNearest(const std::vector<double>& values, int64_t width);

// The §2.3 smoothing: width w = MedianFilterWidth(N, τ), right reflect-pad of 2w, nearest-edge
// median filter, first N values. The empty series maps to itself.
std::vector<double> SmoothGradientNorms(const std::vector<double>& norms, double filter_fraction);

}  // namespace hyperd::algorithms::schedules::refinement

#endif  // HYPERD_ALGORITHMS_SCHEDULES_REFINEMENT_MEDIAN_FILTER_H_
