// Protos for client and hyperctl tests, written in the proto text format for readability.
#ifndef HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_
#define HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_

#include <cstdlib>
#include <iostream>
#include <string>

#include "google/protobuf/text_format.h"

namespace hyperd::testing {

// Aborts the test binary on a typo in `text`: a silently empty message would make tests vacuous.
template <typename Message>
Message ParseText(const std::string& text) {
  Message message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) {
    std::cerr << "ParseText: not a " << message.GetTypeName() << ":\n" << text << "\n";
    std::abort();
  }
  return message;
}

// A study with a log-scale float, an int, a categorical and a parameter conditional on it.
inline constexpr char kStudyText[] = R"pb(
  name: "studies/mnist"
  state: ACTIVE
  spec {
    search_space {
      parameters {
        name: "lr"
        double_spec { min: 1e-5 max: 0.1 scale: LOG }
      }
      parameters {
        name: "layers"
        integer_spec { min: 1 max: 4 }
      }
      parameters {
        name: "optimizer"
        categorical_spec { values: "adam" values: "sgd" }
      }
      parameters {
        name: "momentum"
        double_spec { min: 0 max: 0.99 }
        condition { parent: "optimizer" categorical_values: "sgd" }
      }
    }
    objective { metric: "loss" goal: MINIMIZE }
    sampler { random {} }
    seed: 7
  }
  limits { max_trials: 20 }
  trial_counts { active: 1 succeeded: 2 failed: 1 }
)pb";

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_
