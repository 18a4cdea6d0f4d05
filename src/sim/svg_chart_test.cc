#include "sim/svg_chart.h"

#include <gtest/gtest.h>

namespace migkit::sim {
namespace {

TEST(RenderSvg, MapsPointsIntoThePlotArea) {
  LineChart chart;
  chart.title = "a & b";
  chart.x_max = 100;
  chart.y_max = 50;
  // (0,0) is the origin (60,340); (100,50) the far corner (600,40); (50,25) the middle
  // (330,190); y = 80 lies above y_max and is clamped to the top.
  chart.series.push_back({"FGD", {{0, 0}, {50, 25}, {100, 50}, {100, 80}}});
  std::string svg = RenderSvg(chart);
  EXPECT_NE(svg.find("points=\"60.00,340.00 330.00,190.00 600.00,40.00 600.00,40.00\""),
            std::string::npos)
      << svg;
  EXPECT_NE(svg.find(">a &amp; b</text>"), std::string::npos);
  EXPECT_NE(svg.find(">FGD</text>"), std::string::npos);
  EXPECT_EQ(svg, RenderSvg(chart));  // deterministic
}

}  // namespace
}  // namespace migkit::sim
