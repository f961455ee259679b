// Readable names for parameterised tests whose parameter has a command line `args`:
// {"suggest", "mnist", "--count", "0"} -> "3_suggest_mnist_count_0" (index first, for uniqueness).
#ifndef HYPERD_TESTS_UNIT_CLIENT_TEST_NAMES_H_
#define HYPERD_TESTS_UNIT_CLIENT_TEST_NAMES_H_

#include <cctype>
#include <string>

#include "gtest/gtest.h"

namespace hyperd::testing {

template <typename Case>
std::string ArgsTestName(const ::testing::TestParamInfo<Case>& info) {
  std::string name = std::to_string(info.index) + "_";
  for (const std::string& arg : info.param.args) {
    for (char c : arg) {
      const bool keep = std::isalnum(static_cast<unsigned char>(c));
      if (keep) {
        name += c;
      } else if (name.back() != '_') {
        name += '_';
      }
    }
    if (name.back() != '_') name += '_';
  }
  while (name.back() == '_') name.pop_back();
  return name;
}

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_UNIT_CLIENT_TEST_NAMES_H_
