// How the GP sees a search space (bo.md §1): one coordinate per parameter, taken from the project's
// single encoder (space/unit_encoding.h).
//
//   continuous float            u in [0, 1] (log parameters in log space)
//   int / stepped, ≤ 16 values  a discrete dimension over the values' cell centres, searched
//                               exhaustively by the acquisition maximiser
//   int / stepped, > 16 values  a continuous relaxation in [0, 1], decoded by cell
//   categorical                 the category index 0 … c−1, compared in the kernel's Hamming term
//
//   GpSpaceEncoding encoding(space);
//   std::optional<Eigen::VectorXd> x = encoding.Encode(trial.parameters);
//   Assignment a = encoding.Decode(maximiser_result.point);   // exactly representable
//
// Immutable after construction; thread-safe.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SPACE_ENCODING_H_
#define HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SPACE_ENCODING_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "Eigen/Core"
#include "algorithms/optimization/mixed_space_maximizer.h"
#include "algorithms/space/search_space.h"

namespace hyperd::algorithms::gp {

// Discrete parameters with at most this many values are searched exhaustively.
inline constexpr int kMaxExhaustiveValues = 16;

class GpSpaceEncoding {
 public:
  // Requires a space that passed ValidateSearchSpace and has no conditional parameters; it is
  // copied.
  explicit GpSpaceEncoding(SearchSpace space);

  int dimensions() const { return static_cast<int>(space_.parameters.size()); }
  const SearchSpace& space() const { return space_; }
  // Per dimension: whether the kernel compares it as a category index.
  const std::vector<bool>& categorical() const { return categorical_; }

  // The maximiser's view, with continuous dimensions scaled by the model's length scales.
  std::vector<SearchDimension> MaximizerDimensions(const Eigen::VectorXd& length_scales) const;

  // The coordinates of an assignment, or nullopt when it lacks a parameter of the space (the
  // assignment may list parameters in any order).
  std::optional<Eigen::VectorXd> Encode(const Assignment& assignment) const;
  // The assignment at coordinates x (continuous coordinates clamped, categorical indices rounded).
  Assignment Decode(const Eigen::VectorXd& x) const;
  // Encode(Decode(x)): the point the assignment will be observed at. Two points decode to the same
  // assignment exactly when their snapped coordinates are equal.
  Eigen::VectorXd Snap(const Eigen::VectorXd& x) const;
  // The coordinates of a point of the unit cube (as from the Sobol sequence), snapped.
  Eigen::VectorXd FromUnitPoint(const std::vector<double>& unit_point) const;

  // The number of distinct assignments when every parameter is discrete, else nullopt.
  // Saturates at 2^62.
  std::optional<uint64_t> FiniteSize() const { return finite_size_; }

 private:
  SearchSpace space_;
  std::vector<bool> categorical_;
  // Per dimension: the sorted cell coordinates of an exhaustively searched discrete parameter,
  // empty otherwise.
  std::vector<std::vector<double>> discrete_values_;
  std::optional<uint64_t> finite_size_;
};

}  // namespace hyperd::algorithms::gp

#endif  // HYPERD_ALGORITHMS_SAMPLERS_GP_GP_SPACE_ENCODING_H_
