// The Sobol low-discrepancy sequence in up to kSobolMaxDimensions dimensions, with optional Owen
// scrambling.
//
//   SobolSequence sobol(3);
//   std::vector<double> p = sobol.Point(5);                  // the published 6th point
//   std::vector<double> q = sobol.ScrambledPoint(5, seed);   // the same point, Owen-scrambled
//
// Construction (Bratley & Fox, "Algorithm 659: Implementing Sobol's quasirandom sequence
// generator", ACM TOMS 14 (1988); Joe & Kuo 2008): dimension j has direction numbers
// V_k = m_k / 2^k, k = 1..64, from its primitive polynomial of degree s and the initial m_1..m_s of
// the Joe-Kuo table, extended by the recurrence
//   V_k = a_1 V_(k-1) ^ a_2 V_(k-2) ^ ... ^ a_(s-1) V_(k-s+1) ^ V_(k-s) ^ (V_(k-s) >> s).
// Point n is the XOR of the V_k selected by the bits of the Gray code n ^ (n >> 1) (Antonov &
// Saleev 1979), the order in which Joe-Kuo's generator and SciPy's qmc.Sobol emit the points, so
// unscrambled points match them exactly from point 0 = (0, ..., 0) on.
//
// Scrambling is Owen's nested uniform scrambling in base 2 (A. B. Owen, "Randomly permuted
// (t,m,s)-nets and (t,s)-sequences", 1995): digit k of a coordinate is flipped or not by a random
// bit attached to the node of the binary digit tree selected by digits 1..k-1. The random bits come
// from hashing (seed, dimension, node) as in B. Burley, "Practical Hash-based Owen Scrambling",
// JCGT 9(4) 2020, §3, instead of storing the tree; we hash each node separately (53 hashes a
// coordinate) rather than using Burley's fused Laine-Karras hash, trading speed for an exact and
// readable scramble. Scrambling keeps the net property (each 2^m-point block stays stratified) and
// makes every point uniform on [0,1)^d.
//
// Thread-compatible; all methods are const.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SEQUENCE_H_
#define HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SEQUENCE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "algorithms/samplers/sobol_direction_numbers.h"

namespace hyperd::algorithms {

class SobolSequence {
 public:
  static constexpr int kMaxDimensions = kSobolMaxDimensions;

  // Requires 1 <= dimensions <= kMaxDimensions.
  explicit SobolSequence(int dimensions);

  int dimensions() const { return static_cast<int>(directions_.size()); }

  // Coordinates of point `index` as 64-bit binary fractions (coordinate = bits / 2^64).
  std::vector<uint64_t> PointBits(uint64_t index) const;

  // Point `index` of the published (unscrambled) sequence, in [0, 1)^d. Exact for index < 2^53.
  std::vector<double> Point(uint64_t index) const;

  // Point `index` after Owen scrambling keyed by `seed`; each dimension has its own scramble.
  std::vector<double> ScrambledPoint(uint64_t index, uint64_t seed) const;

 private:
  // directions_[j][k-1] = V_k of dimension j + 1, scaled by 2^64.
  std::vector<std::array<uint64_t, 64>> directions_;
};

// Owen's nested uniform scramble of the leading 53 binary digits of `bits` (the digits a double
// keeps), keyed by `seed`; the remaining digits are cleared. Exposed for tests.
uint64_t OwenScramble(uint64_t bits, uint64_t seed);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_SOBOL_SEQUENCE_H_
