#include "sim/diurnal.h"

#include <gtest/gtest.h>

#include <cmath>

#include "testing/status_matchers.h"

namespace migkit::sim {
namespace {

constexpr char kScenario[] = R"(days: 2
seed: 7
cluster: {nodes: 2, gpus_per_node: 8, cpu_milli: 96000, memory_mib: 393216}
classes:
  - {name: inference, start_hour: 8, end_hour: 20, arrivals_per_hour: 60,
     cpu_milli: 2000, memory_mib: 8192, gpu_milli: 140, mean_duration_s: 1800}
  - {name: training, start_hour: 20, end_hour: 8, arrivals_per_hour: 2,
     cpu_milli: 12000, memory_mib: 65536, mean_duration_s: 14400}
)";

TEST(Diurnal, ParsesAScenario) {
  ASSERT_OK_AND_ASSIGN(DiurnalScenario s, ParseDiurnalScenario(kScenario, "s.yaml"));
  EXPECT_EQ(s.days, 2);
  EXPECT_EQ(s.nodes, 2);
  ASSERT_EQ(s.classes.size(), 2u);
  EXPECT_EQ(s.classes[0].gpu_milli, 140);
  EXPECT_EQ(s.classes[1].gpu_milli, 1000);
  EXPECT_EQ(s.classes[1].start_hour, 20);
  EXPECT_EQ(DiurnalNodes(s).size(), 2u);
}

TEST(Diurnal, PodsArriveInsideTheirWindows) {
  ASSERT_OK_AND_ASSIGN(DiurnalScenario s, ParseDiurnalScenario(kScenario, "s.yaml"));
  std::vector<PodSpec> pods = GenerateDiurnalPods(s);
  int inference = 0, training = 0;
  for (size_t i = 0; i < pods.size(); ++i) {
    double hour = std::fmod(pods[i].arrival / 3600, 24);
    if (pods[i].name == "inference") {
      ++inference;
      EXPECT_TRUE(hour >= 8 && hour < 20) << hour;
    } else {
      ++training;
      EXPECT_TRUE(hour >= 20 || hour < 8) << hour;
    }
    EXPECT_GT(pods[i].duration, 0);
    if (i > 0) {
      EXPECT_GE(pods[i].arrival, pods[i - 1].arrival);
    }
  }
  // Expected 60/h x 12 h x 2 days = 1440 and 2/h x 12 h x 2 days = 48; Poisson spread is about
  // sqrt(n), so 5 sigma bounds never fail for this fixed seed and still catch a wrong rate.
  EXPECT_NEAR(inference, 1440, 5 * std::sqrt(1440.0));
  EXPECT_NEAR(training, 48, 5 * std::sqrt(48.0));
  EXPECT_EQ(GenerateDiurnalPods(s).size(), pods.size());  // deterministic
}

TEST(Diurnal, ErrorsNameTheLine) {
  auto bad =
      ParseDiurnalScenario("cluster: {nodes: 0}\nclasses: [{arrivals_per_hour: 1}]\n", "s.yaml");
  EXPECT_EQ(bad.status().message(), "s.yaml:1: 'nodes' is 0, expected 1.000000 to 100000.000000");
  auto missing = ParseDiurnalScenario("cluster: {nodes: 1}\n", "s.yaml");
  EXPECT_EQ(missing.status().message(),
            "s.yaml:1: missing list 'classes' (at least one pod class)");
}

}  // namespace
}  // namespace migkit::sim
