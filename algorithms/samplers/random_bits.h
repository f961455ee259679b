// Seed mixing and bit-to-double conversion shared by the samplers. Everything here is a pure
// function of its arguments and specified bit-for-bit, so results agree across compilers and
// standard libraries (unlike std::uniform_real_distribution, whose output is
// implementation-defined).
#ifndef HYPERD_ALGORITHMS_SAMPLERS_RANDOM_BITS_H_
#define HYPERD_ALGORITHMS_SAMPLERS_RANDOM_BITS_H_

#include <cstdint>

namespace hyperd::algorithms {

// The SplitMix64 output function (Steele, Lea & Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014; constants of Vigna's splitmix64.c). A bijection on 64-bit words whose
// output bits each depend on all input bits.
uint64_t Mix64(uint64_t x);

// The seed of stream `stream` (a point index, a dimension, ...) of a study seeded `seed`. For a
// fixed seed, distinct streams get distinct seeds.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

// The SplitMix64 generator: draw j of a stream seeded `seed` is Mix64(seed + j * golden gamma).
// Passes BigCrush; cheap to seed, so every point of a study can have its own stream.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next();

 private:
  uint64_t state_;
};

// The top 53 bits of `bits` as a double in [0, 1): every value is a multiple of 2^-53.
double UnitDoubleFromBits(uint64_t bits);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SAMPLERS_RANDOM_BITS_H_
