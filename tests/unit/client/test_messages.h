// Protos for client and hyperctl tests, written in the proto text format for readability.
#ifndef HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_
#define HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_

#include <cstdlib>
#include <string>

#include "google/protobuf/text_format.h"
#include "tests/testing/messages.h"

namespace hyperd::testing {

// The shared basic study as a client sees it from the server: named, ACTIVE, with limits and
// trial counts.
inline hyperd::v1::Study ClientStudy() {
  hyperd::v1::Study study = BasicStudy();
  const bool merged = google::protobuf::TextFormat::MergeFromString(
      R"pb(
        name: "studies/mnist"
        state: ACTIVE
        limits { max_trials: 20 }
        trial_counts { active: 1 succeeded: 2 failed: 1 }
      )pb",
      &study);
  if (!merged) std::abort();
  return study;
}

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_UNIT_CLIENT_TEST_MESSAGES_H_
