#include "sim/diurnal_study.h"

#include <gtest/gtest.h>

#include <map>

#include "catalog/catalog.h"

namespace migkit::sim {
namespace {

const GpuModel& H100() { return *Catalog::BuiltIn().Find("H100-SXM5-80GB"); }

TEST(Quantile, NearestRank) {
  std::vector<double> v = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  EXPECT_EQ(Quantile(v, 0.5), 5);
  EXPECT_EQ(Quantile(v, 0.99), 10);
  EXPECT_EQ(Quantile(v, 0), 1);
  EXPECT_EQ(Quantile({}, 0.5), 0);
}

DiurnalScenario OneNode(int gpus) {
  DiurnalScenario s;
  s.days = 1;
  s.seed = 3;
  s.nodes = 1;
  s.gpus_per_node = gpus;
  s.cpu_milli_per_node = 1000000;
  s.memory_mib_per_node = 1 << 30;
  return s;
}

PodClass Class(const std::string& name, double per_hour, int gpu_milli, double mean_s) {
  PodClass c;
  c.name = name;
  c.arrivals_per_hour = per_hour;
  c.gpu_milli = gpu_milli;
  c.mean_duration_s = mean_s;
  c.cpu_milli = 100;
  c.memory_mib = 100;
  return c;
}

TEST(PlanDiurnalStaticLayouts, PlansForTheMeanNumberRunning) {
  // 14 per hour x 0.5 h = 7 inference pods running on average (1/7 GPU: 1g.10gb each); 2 per hour
  // x 1 h = 2 training pods (whole GPUs). On three H100s: one GPU of seven 1g.10gb, two 7g.80gb.
  DiurnalScenario s = OneNode(3);
  s.classes = {Class("inference", 14, 140, 1800), Class("training", 2, 1000, 3600)};
  auto layouts = PlanDiurnalStaticLayouts(H100(), s, 1);
  ASSERT_TRUE(layouts.ok()) << layouts.status().message();
  ASSERT_EQ(layouts->size(), 3u);
  std::map<std::string, int> count;
  for (const Layout& gpu : *layouts) {
    for (const PlacedProfile& p : gpu) ++count[p.profile->name];
  }
  EXPECT_EQ(count, (std::map<std::string, int>{{"1g.10gb", 7}, {"7g.80gb", 2}}));
}

DiurnalMode Mode(MigMode mode) {
  return {"m", [mode](int) -> StatusOr<MigOptions> {
            MigOptions o;
            o.model = &H100();
            o.mode = mode;
            return o;
          }};
}

TEST(NodesNeeded, FindsTheSmallestClusterThatMeetsTheTarget) {
  // 1/7-GPU pods, about 20 running at once: whole GPUs need about 20 GPUs, MIG about 3.
  DiurnalScenario s = OneNode(1);
  s.classes = {Class("inference", 40, 140, 1800)};
  for (MigMode mode : {MigMode::kWholeGpu, MigMode::kDynamicMig}) {
    StatusOr<int> needed = NodesNeeded(s, Mode(mode), 60, 64);
    ASSERT_TRUE(needed.ok());
    ASSERT_GT(*needed, 0);
    // The boundary: the answer meets the target and one node fewer does not.
    auto p99 = [&](int nodes) {
      StatusOr<ModeOutcome> o = RunDiurnalMode(s, nodes, Mode(mode));
      return o->classes[0].never_started > 0 ? 1e18 : o->classes[0].p99_delay;
    };
    EXPECT_LE(p99(*needed), 60);
    if (*needed > 1) {
      EXPECT_GT(p99(*needed - 1), 60);
    }
  }
  StatusOr<int> whole = NodesNeeded(s, Mode(MigMode::kWholeGpu), 60, 64);
  StatusOr<int> mig = NodesNeeded(s, Mode(MigMode::kDynamicMig), 60, 64);
  EXPECT_GE(*whole, 5 * *mig);
  // Not enough even at the largest size tried: 0.
  EXPECT_EQ(*NodesNeeded(s, Mode(MigMode::kWholeGpu), 60, 2), 0);
}

TEST(DelayCdfChart, CountsPodsThatNeverStarted) {
  // Delays 0, 60, 120 and 600 s and one pod that never started: 20 % at 0, 60 % at 2 minutes,
  // 80 % from 10 minutes on (never 100 %).
  ModeOutcome m;
  m.name = "mode";
  ClassOutcome c;
  c.name = "inference";
  c.delays = {0, 60, 120, 600};
  c.started = 4;
  c.never_started = 1;
  m.classes = {c};
  LineChart chart = DelayCdfChart({m}, "", false, 1200, 60, "minutes");
  ASSERT_EQ(chart.series.size(), 1u);
  const auto& points = chart.series[0].points;
  ASSERT_EQ(points.size(), 201u);
  EXPECT_DOUBLE_EQ(points[0].first, 0);
  EXPECT_DOUBLE_EQ(points[0].second, 20);
  EXPECT_DOUBLE_EQ(points[20].first, 2);  // 120 s
  EXPECT_DOUBLE_EQ(points[20].second, 60);
  EXPECT_DOUBLE_EQ(points[200].first, 20);
  EXPECT_DOUBLE_EQ(points[200].second, 80);
  EXPECT_EQ(chart.x_max, 20);
}

}  // namespace
}  // namespace migkit::sim
