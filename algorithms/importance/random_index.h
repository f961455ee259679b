// Seeded integer draws for the forest: a uniform index below n and a Fisher-Yates shuffle, both
// driven by the project's SplitMix64 stream (algorithms/samplers/random_bits.h) so that a seed
// gives the same forest on every compiler and standard library (std::uniform_int_distribution and
// std::shuffle are implementation-defined).
#ifndef HYPERD_ALGORITHMS_IMPORTANCE_RANDOM_INDEX_H_
#define HYPERD_ALGORITHMS_IMPORTANCE_RANDOM_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {

// Uniform on [0, n) without bias (Lemire, "Fast random integer generation in an interval", ACM
// TOMACS 2019: multiply-shift with rejection of the short tail). Requires n >= 1.
uint64_t UniformIndex(SplitMix64& bits, uint64_t n);

// Shuffles `values` uniformly (Fisher-Yates, Durstenfeld's in-place form).
template <typename T>
void ShuffleInPlace(SplitMix64& bits, std::vector<T>& values) {
  for (std::size_t i = values.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(UniformIndex(bits, i));
    std::swap(values[i - 1], values[j]);
  }
}

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_IMPORTANCE_RANDOM_INDEX_H_
