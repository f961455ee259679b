#include "algorithms/samplers/sobol_sequence.h"

#include <array>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "algorithms/samplers/random_bits.h"

namespace hyperd::algorithms {
namespace {

constexpr int kBits = 64;
constexpr int kScrambledDigits = 53;

// Direction numbers of dimension 1 (van der Corput: every m_k = 1) or of a Joe-Kuo row.
std::array<uint64_t, kBits> DirectionNumbers(const SobolDirectionRow* row) {
  std::array<uint64_t, kBits> v{};
  if (row == nullptr) {
    for (int k = 1; k <= kBits; ++k) v[k - 1] = uint64_t{1} << (kBits - k);
    return v;
  }
  const int s = row->degree;
  for (int k = 1; k <= s; ++k) v[k - 1] = uint64_t{row->initial[k - 1]} << (kBits - k);
  for (int k = s + 1; k <= kBits; ++k) {
    uint64_t next = v[k - s - 1] ^ (v[k - s - 1] >> s);
    for (int i = 1; i < s; ++i) {
      const bool a_i = (row->coefficients >> (s - 1 - i)) & 1;  // a_1 is the top bit of `a`
      if (a_i) next ^= v[k - i - 1];
    }
    v[k - 1] = next;
  }
  return v;
}

}  // namespace

SobolSequence::SobolSequence(int dimensions) {
  assert(dimensions >= 1 && dimensions <= kMaxDimensions);
  directions_.reserve(dimensions);
  directions_.push_back(DirectionNumbers(nullptr));
  for (int j = 1; j < dimensions; ++j) {
    directions_.push_back(DirectionNumbers(&kSobolDirectionRows[j - 1]));
  }
}

std::vector<uint64_t> SobolSequence::PointBits(uint64_t index) const {
  std::vector<uint64_t> point(directions_.size(), 0);
  const uint64_t gray = index ^ (index >> 1);
  for (int k = 0; k < kBits; ++k) {
    if (((gray >> k) & 1) == 0) continue;
    for (size_t j = 0; j < directions_.size(); ++j) point[j] ^= directions_[j][k];
  }
  return point;
}

std::vector<double> SobolSequence::Point(uint64_t index) const {
  const std::vector<uint64_t> bits = PointBits(index);
  std::vector<double> point(bits.size());
  for (size_t j = 0; j < bits.size(); ++j) point[j] = UnitDoubleFromBits(bits[j]);
  return point;
}

std::vector<double> SobolSequence::ScrambledPoint(uint64_t index, uint64_t seed) const {
  const std::vector<uint64_t> bits = PointBits(index);
  std::vector<double> point(bits.size());
  for (size_t j = 0; j < bits.size(); ++j) {
    point[j] = UnitDoubleFromBits(OwenScramble(bits[j], MixSeed(seed, j)));
  }
  return point;
}

uint64_t OwenScramble(uint64_t bits, uint64_t seed) {
  uint64_t scrambled = 0;
  for (int depth = 0; depth < kScrambledDigits; ++depth) {
    const int position = kBits - 1 - depth;
    // The node at `depth` is named by the digits above it, with a leading 1 so that nodes at
    // different depths never share a name (heap numbering of the binary tree).
    const uint64_t prefix = depth == 0 ? 0 : bits >> (kBits - depth);
    const uint64_t node = (uint64_t{1} << depth) | prefix;
    const uint64_t flip = Mix64(seed ^ Mix64(node)) >> 63;
    scrambled |= (((bits >> position) & 1) ^ flip) << position;
  }
  return scrambled;
}

}  // namespace hyperd::algorithms
