// Test messages written in the proto text format for readability, shared by every test layer.
#ifndef HYPERD_TESTS_TESTING_MESSAGES_H_
#define HYPERD_TESTS_TESTING_MESSAGES_H_

#include <cstdlib>
#include <iostream>
#include <string>

#include "google/protobuf/text_format.h"
#include "hyperd/v1/hyperd.pb.h"

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

// A study with a log-scale float "lr", an int "layers", a categorical "optimizer" and a float
// "momentum" active only for optimizer=sgd; objective "loss" minimised; random sampler; seed 7.
inline constexpr char kBasicStudyText[] = R"pb(
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
)pb";

inline hyperd::v1::Study BasicStudy() { return ParseText<hyperd::v1::Study>(kBasicStudyText); }

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_TESTING_MESSAGES_H_
