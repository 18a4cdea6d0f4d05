#include "sim/report.h"

#include <gtest/gtest.h>

namespace migkit::sim {
namespace {

RunRecord MakeRun(const std::string& policy, uint64_t seed, std::vector<double> allocated) {
  RunRecord run{"t", policy, seed, {}};
  for (double a : allocated) {
    Sample s;
    s.allocated_pct = a;
    run.result.samples.push_back(s);
  }
  run.result.last = run.result.samples.back();
  return run;
}

TEST(Report, ChartAveragesSeedsPerPolicy) {
  std::vector<RunRecord> runs = {MakeRun("FGD", 1, {0, 10, 20}), MakeRun("FGD", 2, {0, 20, 30, 40}),
                                 MakeRun("BestFit", 1, {0, 5, 6})};
  LineChart chart = TimelineChart(runs, "t", &Sample::allocated_pct, "alloc");
  ASSERT_EQ(chart.series.size(), 2u);
  EXPECT_EQ(chart.series[0].name, "FGD");
  // The shortest run has 3 samples: x = 0, 1, 2; FGD's means (0+0)/2, (10+20)/2, (20+30)/2.
  EXPECT_EQ(chart.series[0].points,
            (std::vector<std::pair<double, double>>{{0, 0}, {1, 15}, {2, 25}}));
  EXPECT_EQ(chart.series[1].points,
            (std::vector<std::pair<double, double>>{{0, 0}, {1, 5}, {2, 6}}));
  EXPECT_EQ(chart.x_max, 2);
}

TEST(Report, CsvAndTableRows) {
  std::vector<RunRecord> runs = {MakeRun("FGD", 7, {0, 50.5})};
  EXPECT_EQ(TimelineCsv(runs),
            "trace,policy,seed,arrived_pct,allocated_pct,gpus_in_use_pct,fragmentation_pct,"
            "fragmentation_gpus,pods_arrived,pods_failed\n"
            "t,FGD,7,0,0.000,0.000,0.000,0.00,0,0\n"
            "t,FGD,7,1,50.500,0.000,0.000,0.00,0,0\n");
  std::string html = HtmlReport(runs);
  EXPECT_NE(html.find("<h2>t</h2>"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos);
}

}  // namespace
}  // namespace migkit::sim
