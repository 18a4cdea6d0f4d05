// What a simulation run reports: the timeline as CSV (one row per sample), a JSON summary, and a
// plain-text table of means over seeds. All output is deterministic: fixed formats, runs in the
// order given.
#ifndef MIGKIT_SIM_REPORT_H_
#define MIGKIT_SIM_REPORT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/simulator.h"
#include "sim/svg_chart.h"

namespace migkit::sim {

/// One run: which trace, policy and seed, and what came out.
struct RunRecord {
  std::string trace;
  std::string policy;
  uint64_t seed = 0;
  SimResult result;
};

/// The allocation ratio (percent) when the arrived demand first reached `arrived_pct` percent, or
/// the last sample's if the run never got there.
double AllocatedAt(const SimResult& result, int arrived_pct);

/// Header plus one row per sample of every run: trace,policy,seed,arrived_pct,allocated_pct,
/// gpus_in_use_pct,fragmentation_pct,fragmentation_gpus,pods_arrived,pods_failed.
std::string TimelineCsv(const std::vector<RunRecord>& runs);

/// {"runs": [{trace, policy, seed, events, allocated_pct (at the end), allocated_at
/// {"100","110","120","130"}, fragmentation_pct, failed_pods {kind: n}, arrived_pods {kind: n}}]}.
nlohmann::json SummaryJson(const std::vector<RunRecord>& runs);

/// One line per (trace, policy) in order of first appearance: runs, mean allocation at 100, 110,
/// 120 and 130 % arrived demand, its spread (min..max) at the end, mean failed GPU pods.
std::string SummaryTable(const std::vector<RunRecord>& runs);

/// For the runs of `trace`: per policy (in order of first appearance), the mean over its seeds
/// of `field` against arrived demand (0 to the shortest run's last whole percent).
LineChart TimelineChart(const std::vector<RunRecord>& runs, const std::string& trace,
                        double Sample::*field, const std::string& y_label);

/// One part of an HTML report: a heading, preformatted text (a table) and charts.
struct ReportSection {
  std::string heading;
  std::string text;
  std::vector<LineChart> charts;
};

/// A self-contained HTML page: every section's heading, its text in <pre>, its charts as inline
/// SVG. Text is escaped. Deterministic.
std::string HtmlPage(const std::string& title, const std::vector<ReportSection>& sections);

/// One self-contained HTML page: the summary table, then for every trace the allocation-ratio and
/// fragmentation-ratio charts (inline SVG). Deterministic.
std::string HtmlReport(const std::vector<RunRecord>& runs);

}  // namespace migkit::sim

#endif  // MIGKIT_SIM_REPORT_H_
