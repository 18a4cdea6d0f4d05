// A small, deterministic SVG line-chart writer for migsim's reports: fixed size, fixed palette,
// coordinates printed with two decimals, so the same data always gives the same bytes (and a file
// diff shows real changes only).
#ifndef MIGKIT_SIM_SVG_CHART_H_
#define MIGKIT_SIM_SVG_CHART_H_

#include <string>
#include <utility>
#include <vector>

namespace migkit::sim {

struct ChartSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in the order given
};

struct LineChart {
  std::string title;
  std::string x_label;
  std::string y_label;
  double x_min = 0, x_max = 1;
  double y_min = 0, y_max = 1;
  std::vector<ChartSeries> series;
};

/// Canvas 860 x 400 pixels; plot area with the axes' origin at (60, 340) and (x_max, y_max) at
/// (600, 40); the legend to its right.
inline constexpr double kChartLeft = 60, kChartRight = 600, kChartTop = 40, kChartBottom = 340;

/// `text` with &, <, > and " replaced by their XML entities.
std::string XmlEscape(const std::string& text);

/// The chart as a standalone <svg> element: axes with 5 ticks each, one polyline per series
/// (points outside the ranges are clamped to the plot area), a legend right of the plot,
/// the title. Text is
/// XML-escaped. REQUIRES: x_max > x_min and y_max > y_min.
std::string RenderSvg(const LineChart& chart);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_SVG_CHART_H_
