#include "sim/svg_chart.h"

#include <algorithm>
#include <cstdio>

namespace migkit::sim {
namespace {

// Colour-blind-safe (Okabe-Ito) palette, cycled.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#D55E00", "#56B4E9", "#000000", "#F0E442"};

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderSvg(const LineChart& c) {
  auto px = [&](double x) {
    double t = std::clamp((x - c.x_min) / (c.x_max - c.x_min), 0.0, 1.0);
    return kChartLeft + t * (kChartRight - kChartLeft);
  };
  auto py = [&](double y) {
    double t = std::clamp((y - c.y_min) / (c.y_max - c.y_min), 0.0, 1.0);
    return kChartBottom - t * (kChartBottom - kChartTop);
  };
  std::string out =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"860\" height=\"400\" "
      "viewBox=\"0 0 860 400\" font-family=\"sans-serif\" font-size=\"11\">\n";
  out += "<rect width=\"860\" height=\"400\" fill=\"white\"/>\n";
  out += "<text x=\"320\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">" + XmlEscape(c.title) +
         "</text>\n";
  out += "<path d=\"M" + Num(kChartLeft) + "," + Num(kChartTop) + " V" + Num(kChartBottom) + " H" +
         Num(kChartRight) + "\" stroke=\"black\" fill=\"none\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    double x = c.x_min + (c.x_max - c.x_min) * i / 4;
    double y = c.y_min + (c.y_max - c.y_min) * i / 4;
    out += "<text x=\"" + Num(px(x)) + "\" y=\"" + Num(kChartBottom + 16) +
           "\" text-anchor=\"middle\">" + Num(x) + "</text>\n";
    out += "<text x=\"" + Num(kChartLeft - 6) + "\" y=\"" + Num(py(y) + 4) +
           "\" text-anchor=\"end\">" + Num(y) + "</text>\n";
    out += "<path d=\"M" + Num(kChartLeft) + "," + Num(py(y)) + " H" + Num(kChartRight) +
           "\" stroke=\"#dddddd\"/>\n";
  }
  out += "<text x=\"" + Num((kChartLeft + kChartRight) / 2) + "\" y=\"375\" " +
         "text-anchor=\"middle\">" + XmlEscape(c.x_label) + "</text>\n";
  out += "<text x=\"14\" y=\"" + Num((kChartTop + kChartBottom) / 2) +
         "\" text-anchor=\"middle\" transform=\"rotate(-90 14 " +
         Num((kChartTop + kChartBottom) / 2) + ")\">" + XmlEscape(c.y_label) + "</text>\n";
  for (size_t s = 0; s < c.series.size(); ++s) {
    const ChartSeries& series = c.series[s];
    const char* colour = kPalette[s % (sizeof kPalette / sizeof kPalette[0])];
    out += "<polyline fill=\"none\" stroke=\"" + std::string(colour) +
           "\" stroke-width=\"1.5\" points=\"";
    for (size_t i = 0; i < series.points.size(); ++i) {
      if (i > 0) out += " ";
      out += Num(px(series.points[i].first)) + "," + Num(py(series.points[i].second));
    }
    out += "\"/>\n";
    // The legend sits right of the plot area, so it never hides a curve.
    double ly = kChartTop + 14.0 * static_cast<double>(s);
    out += "<path d=\"M" + Num(kChartRight + 15) + "," + Num(ly) + " h20\" stroke=\"" + colour +
           "\" stroke-width=\"2\"/>\n";
    out += "<text x=\"" + Num(kChartRight + 41) + "\" y=\"" + Num(ly + 4) + "\">" +
           XmlEscape(series.name) + "</text>\n";
  }
  out += "</svg>\n";
  return out;
}

}  // namespace migkit::sim
