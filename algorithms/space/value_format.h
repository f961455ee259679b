// Text for parameter values, shared by FormatAssignment and every error message, so a value reads
// the same everywhere and a double printed by us parses back to the same double.
//
//   FormatDouble(0.001) == "0.001";  FormatDouble(0.1 + 0.2) == "0.30000000000000004"
#ifndef HYPERD_ALGORITHMS_SPACE_VALUE_FORMAT_H_
#define HYPERD_ALGORITHMS_SPACE_VALUE_FORMAT_H_

#include <string>

#include "algorithms/space/search_space.h"

namespace hyperd::algorithms {

// The shortest decimal form that round-trips to exactly `value` ("inf", "-inf", "nan" otherwise).
std::string FormatDouble(double value);

// Doubles as above, integers in decimal, categories verbatim.
std::string FormatParameterValue(const ParameterValue& value);

}  // namespace hyperd::algorithms

#endif  // HYPERD_ALGORITHMS_SPACE_VALUE_FORMAT_H_
