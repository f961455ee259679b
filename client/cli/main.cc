// hyperctl entry point: see hyperctl.h.
#include <iostream>
#include <string>
#include <vector>

#include "client/cli/hyperctl.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  return hyperd::cli::RunHyperctl(args, hyperd::cli::Environment::FromProcess(), std::cin,
                                  std::cout, std::cerr);
}
