// Seeded synthetic tables for the importance tests.
#ifndef HYPERD_TESTS_UNIT_ALGORITHMS_IMPORTANCE_IMPORTANCE_TEST_DATA_H_
#define HYPERD_TESTS_UNIT_ALGORITHMS_IMPORTANCE_IMPORTANCE_TEST_DATA_H_

#include <cstdint>
#include <vector>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms::importance_testing {

// Uniform draws on [0, 1) from one seeded stream.
class TestUniforms {
 public:
  explicit TestUniforms(uint64_t seed) : bits_(seed) {}
  double Next() { return UnitDoubleFromBits(bits_.Next()); }

 private:
  SplitMix64 bits_;
};

// rows x columns of independent uniforms on [0, 1).
inline std::vector<std::vector<double>> UniformRows(int rows, int columns, uint64_t seed) {
  TestUniforms uniforms(seed);
  std::vector<std::vector<double>> table(rows, std::vector<double>(columns));
  for (auto& row : table) {
    for (double& value : row) value = uniforms.Next();
  }
  return table;
}

}  // namespace hyperd::algorithms::importance_testing

#endif  // HYPERD_TESTS_UNIT_ALGORITHMS_IMPORTANCE_IMPORTANCE_TEST_DATA_H_
