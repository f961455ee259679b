#include "algorithms/samplers/gp/gp_state.h"

#include <cmath>

#include "Eigen/Core"
#include "gtest/gtest.h"

namespace hyperd::algorithms::gp {
namespace {

TEST(GpState, RoundTripsBitIdentically) {
  GpState state;
  state.fit_observations = 42;
  state.fit_fingerprint = 0x9f3a0c1d22e4b7aaULL;
  state.theta = Eigen::Vector4d(std::log(0.3), -1.0 / 3.0, 1e-300, std::log(1e-6));
  const std::string text = FormatGpState(state);
  EXPECT_EQ(text.rfind("gp1 n=42 fp=9f3a0c1d22e4b7aa theta=", 0), 0u) << text;
  const std::optional<GpState> parsed = ParseGpState(text, 4);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->fit_observations, 42);
  EXPECT_EQ(parsed->fit_fingerprint, state.fit_fingerprint);
  EXPECT_TRUE(parsed->theta == state.theta);
}

TEST(GpState, RejectsForeignOrCorruptText) {
  for (const char* text :
       {"", "next_index=3", "gp1", "gp2 n=1 fp=0000000000000000 theta=0,0",
        "gp1 n=x fp=0000000000000000 theta=0,0", "gp1 n=1 fp=00 theta=0,0",
        "gp1 n=1 fp=000000000000000g theta=0,0", "gp1 n=1 fp=0000000000000000 theta=0",
        "gp1 n=1 fp=0000000000000000 theta=0,inf", "gp1 n=1 fp=0000000000000000 theta=0,,",
        "gp1 n=1 fp=0000000000000000 beta=0,0", "gp1 n=1 fp=0000000000000000 theta=0,0 x"}) {
    EXPECT_FALSE(ParseGpState(text, 2).has_value()) << text;
  }
}

}  // namespace
}  // namespace hyperd::algorithms::gp
