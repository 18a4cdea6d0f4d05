#include "sim/diurnal_study.h"

#include <algorithm>
#include <cmath>

#include "sim/static_layout.h"

namespace migkit::sim {

double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

StatusOr<ModeOutcome> RunDiurnalMode(const DiurnalScenario& scenario, int nodes,
                                     const DiurnalMode& mode) {
  DiurnalScenario sized = scenario;
  sized.nodes = nodes;
  StatusOr<MigOptions> options = mode.options(nodes);
  if (!options.ok()) return options.status();
  options->departures = true;
  options->queue = true;
  options->sample_interval = 3600;
  std::vector<PodSpec> pods = GenerateDiurnalPods(sized);
  ModeOutcome out;
  out.name = mode.name;
  out.result = SimulateMig(DiurnalNodes(sized), pods, *options);
  const MigResult& r = out.result;
  for (const PodClass& c : scenario.classes) {
    ClassOutcome o;
    o.name = c.name;
    for (size_t i = 0; i < pods.size(); ++i) {
      if (pods[i].name != c.name) continue;
      if (r.start_of_pod[i] < 0) {
        ++o.never_started;
        continue;
      }
      ++o.started;
      o.delays.push_back(r.start_of_pod[i] - pods[i].arrival);
      if (r.end_of_pod[i] >= 0) o.completions.push_back(r.end_of_pod[i] - pods[i].arrival);
    }
    o.median_delay = Quantile(o.delays, 0.5);
    o.p99_delay = Quantile(o.delays, 0.99);
    o.median_completion = Quantile(o.completions, 0.5);
    o.p99_completion = Quantile(o.completions, 0.99);
    out.classes.push_back(std::move(o));
  }
  double day = 0, night = 0;
  int day_n = 0, night_n = 0;
  for (const MigSample& s : r.timeline) {
    if (s.time >= scenario.days * 86400.0) break;  // the drain after the last arrival
    double hour = std::fmod(s.time / 3600, 24);
    if (hour >= 8 && hour < 20) {
      day += s.gpus_in_use_pct;
      ++day_n;
    } else {
      night += s.gpus_in_use_pct;
      ++night_n;
    }
  }
  out.gpus_busy_day_pct = day_n ? day / day_n : 0;
  out.gpus_busy_night_pct = night_n ? night / night_n : 0;
  return out;
}

StatusOr<std::vector<Layout>> PlanDiurnalStaticLayouts(const GpuModel& model,
                                                       const DiurnalScenario& scenario, int nodes) {
  std::vector<PodSpec> mix;
  for (const PodClass& c : scenario.classes) {
    double window =
        c.start_hour <= c.end_hour ? c.end_hour - c.start_hour : 24 - c.start_hour + c.end_hour;
    double running = c.arrivals_per_hour * window / 24 * c.mean_duration_s / 3600;
    PodSpec pod;
    pod.num_gpu = c.num_gpu;
    pod.gpu_milli = c.gpu_milli;
    for (int k = 0; k < static_cast<int>(std::ceil(running)); ++k) mix.push_back(pod);
  }
  return PlanStaticLayouts(model, nodes * scenario.gpus_per_node, mix);
}

StatusOr<int> NodesNeeded(const DiurnalScenario& scenario, const DiurnalMode& mode,
                          double slo_seconds, int max_nodes) {
  auto meets = [&](int nodes) -> StatusOr<bool> {
    StatusOr<ModeOutcome> outcome = RunDiurnalMode(scenario, nodes, mode);
    if (!outcome.ok()) return outcome.status();
    for (const ClassOutcome& c : outcome->classes) {
      if (c.never_started > 0 || c.p99_delay > slo_seconds) return false;
    }
    return true;
  };
  StatusOr<bool> enough = meets(max_nodes);
  if (!enough.ok()) return enough.status();
  if (!*enough) return 0;
  int lo = 1, hi = max_nodes;  // hi meets the target
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    StatusOr<bool> ok = meets(mid);
    if (!ok.ok()) return ok.status();
    if (*ok) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return hi;
}

LineChart GpusBusyChart(const std::vector<ModeOutcome>& modes, int days) {
  LineChart chart;
  chart.title = "GPUs busy over the day";
  chart.x_label = "hour since Monday 00:00";
  chart.y_label = "GPUs busy (%)";
  chart.x_max = days * 24.0;
  chart.y_max = 100;
  for (const ModeOutcome& m : modes) {
    ChartSeries series{m.name, {}};
    for (const MigSample& s : m.result.timeline) {
      if (s.time > chart.x_max * 3600) break;
      series.points.emplace_back(s.time / 3600, s.gpus_in_use_pct);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

LineChart DelayCdfChart(const std::vector<ModeOutcome>& modes, const std::string& class_name,
                        bool completion, double x_max_seconds, double unit_seconds,
                        const std::string& unit_name) {
  LineChart chart;
  std::string what = completion ? "completion time" : "waiting time";
  chart.title = (class_name.empty() ? std::string("all pods") : class_name) + ": " + what + " CDF";
  chart.x_label = what + " (" + unit_name + ")";
  chart.y_label = "pods (%)";
  chart.x_max = x_max_seconds / unit_seconds;
  chart.y_max = 100;
  for (const ModeOutcome& m : modes) {
    std::vector<double> values;
    int64_t total = 0;
    for (const ClassOutcome& c : m.classes) {
      if (!class_name.empty() && c.name != class_name) continue;
      const std::vector<double>& v = completion ? c.completions : c.delays;
      values.insert(values.end(), v.begin(), v.end());
      // Pods that never started (or never ended) count in the denominator: the curve then
      // stays below 100 %.
      total += c.started + c.never_started;
    }
    std::sort(values.begin(), values.end());
    ChartSeries series{m.name, {}};
    // 200 steps across the axis: the share of pods at or under each x.
    size_t k = 0;
    for (int step = 0; step <= 200; ++step) {
      double x = x_max_seconds * step / 200;
      while (k < values.size() && values[k] <= x) ++k;
      double pct = total > 0 ? 100.0 * static_cast<double>(k) / static_cast<double>(total) : 0;
      series.points.emplace_back(x / unit_seconds, pct);
    }
    chart.series.push_back(std::move(series));
  }
  return chart;
}

}  // namespace migkit::sim
