#include "sim/report.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>

namespace migkit::sim {
namespace {

std::string Fixed(double value, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, value);
  return buf;
}

}  // namespace

double AllocatedAt(const SimResult& result, int arrived_pct) {
  if (arrived_pct >= 0 && static_cast<size_t>(arrived_pct) < result.samples.size()) {
    return result.samples[arrived_pct].allocated_pct;
  }
  return result.last.allocated_pct;
}

std::string TimelineCsv(const std::vector<RunRecord>& runs) {
  std::string out =
      "trace,policy,seed,arrived_pct,allocated_pct,gpus_in_use_pct,fragmentation_pct,"
      "fragmentation_gpus,pods_arrived,pods_failed\n";
  for (const RunRecord& run : runs) {
    for (size_t i = 0; i < run.result.samples.size(); ++i) {
      const Sample& s = run.result.samples[i];
      out += run.trace + "," + run.policy + "," + std::to_string(run.seed) + "," +
             std::to_string(i) + "," + Fixed(s.allocated_pct, 3) + "," +
             Fixed(s.gpus_in_use_pct, 3) + "," + Fixed(s.fragmentation_pct, 3) + "," +
             Fixed(s.fragmentation_gpus, 2) + "," + std::to_string(s.pods_arrived) + "," +
             std::to_string(s.pods_failed) + "\n";
    }
  }
  return out;
}

nlohmann::json SummaryJson(const std::vector<RunRecord>& runs) {
  nlohmann::json out = {{"runs", nlohmann::json::array()}};
  for (const RunRecord& run : runs) {
    const SimResult& r = run.result;
    nlohmann::json failed = nlohmann::json::object();
    nlohmann::json arrived = nlohmann::json::object();
    for (int k = 0; k < kPodKindCount; ++k) {
      std::string name(PodKindName(static_cast<PodKind>(k)));
      failed[name] = r.failed_by_kind[k];
      arrived[name] = r.arrived_by_kind[k];
    }
    nlohmann::json at = nlohmann::json::object();
    for (int pct : {100, 110, 120, 130}) at[std::to_string(pct)] = AllocatedAt(r, pct);
    out["runs"].push_back({{"trace", run.trace},
                           {"policy", run.policy},
                           {"seed", run.seed},
                           {"events", r.events},
                           {"arrived_pct", r.last.arrived_pct},
                           {"allocated_pct", r.last.allocated_pct},
                           {"gpus_in_use_pct", r.last.gpus_in_use_pct},
                           {"fragmentation_pct", r.last.fragmentation_pct},
                           {"fragmentation_gpus", r.last.fragmentation_gpus},
                           {"allocated_at", at},
                           {"failed_pods", failed},
                           {"arrived_pods", arrived}});
  }
  return out;
}

std::string SummaryTable(const std::vector<RunRecord>& runs) {
  struct Group {
    std::vector<const RunRecord*> runs;
  };
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, Group> groups;
  for (const RunRecord& run : runs) {
    auto key = std::make_pair(run.trace, run.policy);
    if (!groups.count(key)) order.push_back(key);
    groups[key].runs.push_back(&run);
  }
  std::string out =
      "trace                       policy         runs  alloc@100  alloc@110  alloc@120  "
      "alloc@130  (min..max)      frag%   failed-gpu-pods\n";
  for (const auto& key : order) {
    const Group& g = groups[key];
    double n = static_cast<double>(g.runs.size());
    double at[4] = {0, 0, 0, 0};
    double lo = 1e300, hi = -1e300, frag = 0, failed = 0;
    for (const RunRecord* run : g.runs) {
      int i = 0;
      for (int pct : {100, 110, 120, 130}) at[i++] += AllocatedAt(run->result, pct) / n;
      double end = AllocatedAt(run->result, 130);
      lo = std::min(lo, end);
      hi = std::max(hi, end);
      frag += run->result.last.fragmentation_pct / n;
      int64_t gpu_failed = 0;
      for (int k = 1; k < kPodKindCount; ++k) gpu_failed += run->result.failed_by_kind[k];
      failed += static_cast<double>(gpu_failed) / n;
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "%-27s %-14s %4zu  %9.2f  %9.2f  %9.2f  %9.2f  (%.2f..%.2f)  %6.2f  %8.1f\n",
                  key.first.c_str(), key.second.c_str(), g.runs.size(), at[0], at[1], at[2], at[3],
                  lo, hi, frag, failed);
    out += line;
  }
  return out;
}

LineChart TimelineChart(const std::vector<RunRecord>& runs, const std::string& trace,
                        double Sample::*field, const std::string& y_label) {
  LineChart chart;
  chart.title = trace + ": " + y_label + " vs arrived GPU demand";
  chart.x_label = "arrived GPU demand (% of cluster GPUs)";
  chart.y_label = y_label;
  size_t points = SIZE_MAX;
  std::vector<std::string> policies;
  for (const RunRecord& run : runs) {
    if (run.trace != trace) continue;
    points = std::min(points, run.result.samples.size());
    if (std::find(policies.begin(), policies.end(), run.policy) == policies.end()) {
      policies.push_back(run.policy);
    }
  }
  if (points == SIZE_MAX) points = 0;
  chart.x_max = std::max<double>(1, static_cast<double>(points) - 1);
  chart.y_max = 100;
  for (const std::string& policy : policies) {
    std::vector<double> sum(points, 0);
    int n = 0;
    for (const RunRecord& run : runs) {
      if (run.trace != trace || run.policy != policy) continue;
      for (size_t i = 0; i < points; ++i) sum[i] += run.result.samples[i].*field;
      ++n;
    }
    ChartSeries series{policy, {}};
    for (size_t i = 0; i < points; ++i) {
      series.points.emplace_back(static_cast<double>(i), sum[i] / n);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

std::string HtmlPage(const std::string& title, const std::vector<ReportSection>& sections) {
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" +
                    XmlEscape(title) + "</title></head>\n<body>\n<h1>" + XmlEscape(title) +
                    "</h1>\n";
  for (const ReportSection& section : sections) {
    if (!section.heading.empty()) out += "<h2>" + XmlEscape(section.heading) + "</h2>\n";
    if (!section.text.empty()) out += "<pre>\n" + XmlEscape(section.text) + "</pre>\n";
    for (const LineChart& chart : section.charts) out += RenderSvg(chart);
  }
  out += "</body></html>\n";
  return out;
}

std::string HtmlReport(const std::vector<RunRecord>& runs) {
  std::vector<ReportSection> sections = {{"", SummaryTable(runs), {}}};
  for (const RunRecord& run : runs) {
    bool seen = std::any_of(sections.begin(), sections.end(),
                            [&](const ReportSection& s) { return s.heading == run.trace; });
    if (seen) continue;
    sections.push_back(
        {run.trace,
         "",
         {TimelineChart(runs, run.trace, &Sample::allocated_pct, "GPU allocation (%)"),
          TimelineChart(runs, run.trace, &Sample::fragmentation_pct, "fragmentation ratio (%)")}});
  }
  return HtmlPage("migsim report", sections);
}

}  // namespace migkit::sim
