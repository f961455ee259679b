// The Joe-Kuo direction numbers "new-joe-kuo-6.21201" for the first kSobolMaxDimensions dimensions
// of the Sobol sequence (S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
// two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635-2654). The table itself is
// generated: see sobol_direction_numbers.cc and tools/generate_sobol_direction_numbers.py.
#ifndef HYPERD_ALGORITHMS_SAMPLERS_SOBOL_DIRECTION_NUMBERS_H_
#define HYPERD_ALGORITHMS_SAMPLERS_SOBOL_DIRECTION_NUMBERS_H_

#include <cstdint>

namespace hyperd::algorithms {

// Dimensions with direction numbers (the proto promises "up to 1111"). Dimension 1 is the van der
// Corput sequence and needs no row.
inline constexpr int kSobolMaxDimensions = 1111;
// Largest polynomial degree s among those dimensions.
inline constexpr int kSobolMaxDegree = 13;

// One line "d s a m_1 ... m_s" of the Joe-Kuo data file: dimension d (from 2) uses the primitive
// polynomial x^s + a_1 x^(s-1) + ... + a_(s-1) x + 1 over GF(2), whose inner coefficients are the
// bits of `a` (a_1 most significant), and initial direction integers m_1..m_s (m_k odd, < 2^k).
struct SobolDirectionRow {
  uint16_t dimension;
  uint8_t degree;
  uint16_t coefficients;
  uint16_t initial[kSobolMaxDegree];
};

// Row i describes dimension i + 2.
extern const SobolDirectionRow kSobolDirectionRows[kSobolMaxDimensions - 1];

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_SOBOL_DIRECTION_NUMBERS_H_
