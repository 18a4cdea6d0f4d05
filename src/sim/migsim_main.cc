// migsim: the trace-driven what-if simulator (docs/simulator.md). A thin layer over src/sim: parse
// flags, read the trace files through Env, run, write the outputs.
//
// Exit status: 0 success, 2 usage error, 3 a file could not be read or parsed or an output could
// not be written, 4 internal error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/builtin.h"
#include "env/env.h"
#include "plan/fleet.h"
#include "schedule/schedule.h"
#include "sim/diurnal.h"
#include "sim/diurnal_study.h"
#include "sim/mig_simulator.h"
#include "sim/policies.h"
#include "sim/report.h"
#include "sim/simulator.h"
#include "sim/speed_table.h"
#include "sim/static_layout.h"
#include "sim/trace_reader.h"
#include "sim/workload.h"

namespace migkit::sim {
namespace {

enum Exit { kOk = 0, kUsage = 2, kEnvironment = 3, kInternal = 4 };

// The 17 pod lists of the FGD artifact's evaluation (research cluster-and-service.md §4.1).
const std::vector<std::string> kArtifactTraces = {
    "default",    "cpu050",     "cpu100",      "cpu200",     "cpu250",    "gpushare40",
    "gpushare60", "gpushare80", "gpushare100", "gpuspec10",  "gpuspec20", "gpuspec25",
    "gpuspec33",  "multigpu20", "multigpu30",  "multigpu40", "multigpu50"};

int Fail(int code, const std::string& message) {
  std::cerr << "migsim: " << message << "\n";
  return code;
}

// "42" or "42-51".
bool ParseSeeds(const std::string& text, std::vector<uint64_t>* seeds) {
  size_t dash = text.find('-');
  try {
    size_t used = 0;
    uint64_t first = std::stoull(text.substr(0, dash), &used);
    if (used != (dash == std::string::npos ? text.size() : dash)) return false;
    uint64_t last = first;
    if (dash != std::string::npos) {
      std::string tail = text.substr(dash + 1);
      last = std::stoull(tail, &used);
      if (used != tail.size() || last < first || last - first > 10000) return false;
    }
    for (uint64_t s = first; s <= last; ++s) seeds->push_back(s);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

struct FgdArgs {
  std::string trace_dir;
  std::string nodes_file;
  std::vector<std::string> traces = {"default"};
  std::vector<std::string> policies = {"all"};
  std::string seeds = "42";
  double ratio = 1.3;
  std::string csv_file;
  std::string html_file;
  std::string svg_file;
  bool json = false;
};

// Reads and parses the node list; returns an exit code (kOk or a Fail's).
int LoadNodes(const std::string& path, std::vector<NodeSpec>* nodes) {
  std::string text;
  Status read = Env::Default()->ReadFile(path, &text);
  if (!read.ok()) return Fail(kEnvironment, read.message());
  auto parsed = ParseOpenbNodes(text, path);
  if (!parsed.ok()) return Fail(kEnvironment, parsed.status().message());
  *nodes = std::move(*parsed);
  return kOk;
}

std::string PodListPath(const std::string& trace_dir, const std::string& trace) {
  return trace.find('/') != std::string::npos ? trace
                                              : trace_dir + "/openb_pod_list_" + trace + ".csv";
}

int LoadPods(const std::string& path, std::vector<PodSpec>* pods) {
  std::string text;
  Status read = Env::Default()->ReadFile(path, &text);
  if (!read.ok()) return Fail(kEnvironment, read.message());
  auto parsed = ParseOpenbPods(text, path);
  if (!parsed.ok()) return Fail(kEnvironment, parsed.status().message());
  *pods = std::move(*parsed);
  return kOk;
}

int RunFgd(const FgdArgs& args) {
  Env* env = Env::Default();
  std::vector<std::string> traces = args.traces;
  if (traces.size() == 1 && traces[0] == "all") traces = kArtifactTraces;
  std::vector<Policy> policies;
  for (const std::string& name : args.policies) {
    if (name == "all") {
      policies.insert(policies.end(), AllPolicies().begin(), AllPolicies().end());
      continue;
    }
    auto policy = ParsePolicy(name);
    if (!policy) {
      return Fail(kUsage, "unknown policy '" + name +
                              "' (valid: Random, DotProd, GpuClustering, GpuPacking, BestFit, FGD, "
                              "all)");
    }
    policies.push_back(*policy);
  }
  std::vector<uint64_t> seeds;
  if (!ParseSeeds(args.seeds, &seeds)) {
    return Fail(kUsage, "--seeds '" + args.seeds + "' is not a seed or a range such as 42-51");
  }
  if (!(args.ratio > 0 && args.ratio <= 10)) {
    return Fail(kUsage, "--ratio " + std::to_string(args.ratio) + " is out of range (0, 10]");
  }

  std::string nodes_path =
      args.nodes_file.empty() ? args.trace_dir + "/openb_node_list_gpu_node.csv" : args.nodes_file;
  std::vector<NodeSpec> nodes;
  if (int code = LoadNodes(nodes_path, &nodes); code != kOk) return code;
  int64_t cluster_milli = 0;
  for (const NodeSpec& n : nodes) cluster_milli += int64_t{n.num_gpu} * kMilliPerGpu;

  std::vector<RunRecord> runs;
  int64_t events = 0;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& trace : traces) {
    std::vector<PodSpec> pods;
    if (int code = LoadPods(PodListPath(args.trace_dir, trace), &pods); code != kOk) return code;
    for (Policy policy : policies) {
      for (uint64_t seed : seeds) {
        std::vector<PodSpec> workload = InflateWorkload(pods, cluster_milli, args.ratio, seed);
        SimOptions options;
        options.policy = policy;
        options.seed = seed;
        RunRecord run{trace, std::string(PolicyName(policy)), seed,
                      Simulate(nodes, workload, pods, options)};
        events += run.result.events;
        runs.push_back(std::move(run));
      }
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!args.csv_file.empty()) {
    Status written = env->WriteFileAtomic(args.csv_file, TimelineCsv(runs));
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (!args.html_file.empty()) {
    Status written = env->WriteFileAtomic(args.html_file, HtmlReport(runs));
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (!args.svg_file.empty()) {
    std::string svg =
        RenderSvg(TimelineChart(runs, traces[0], &Sample::allocated_pct, "GPU allocation (%)"));
    Status written = env->WriteFileAtomic(args.svg_file, svg);
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (args.json) {
    nlohmann::json out = SummaryJson(runs);
    out["wall_seconds"] = seconds;
    out["events"] = events;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << SummaryTable(runs);
    std::printf("%zu runs, %lld events in %.2f s (%.0f events/s)\n", runs.size(),
                static_cast<long long>(events), seconds,
                seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
  }
  return kOk;
}

struct MigArgs {
  std::string trace_dir;
  std::string nodes_file;
  std::string trace = "default";
  std::string model = "H100-SXM5-80GB";
  std::string seeds = "42";
  double ratio = 1.3;
  double penalty = 0.15;
  std::string html_file;
  std::string svg_file;
  std::string csv_file;
  bool json = false;
};

// Adds `values` (one per whole percent of arrived demand) to a running sum over seeds, keeping
// the shorter length.
void AddCurve(const std::vector<double>& values, std::vector<double>* sum, bool first) {
  if (first) {
    *sum = values;
    return;
  }
  sum->resize(std::min(sum->size(), values.size()));
  for (size_t i = 0; i < sum->size(); ++i) (*sum)[i] += values[i];
}

// The ways of sharing side by side on one inflated trace (docs/simulator.md, "MIG modes").
int RunMig(const MigArgs& args) {
  const GpuModel* model = Catalog::BuiltIn().Find(args.model);
  if (model == nullptr || model->FullProfile() == nullptr) {
    std::string valid;
    for (const std::string& id : Catalog::BuiltIn().Ids()) {
      valid += (valid.empty() ? "" : ", ") + id;
    }
    return Fail(kUsage, "unknown GPU model '" + args.model + "' (valid: " + valid + ")");
  }
  std::vector<uint64_t> seeds;
  if (!ParseSeeds(args.seeds, &seeds)) {
    return Fail(kUsage, "--seeds '" + args.seeds + "' is not a seed or a range such as 42-51");
  }
  if (!(args.ratio > 0 && args.ratio <= 10) || !(args.penalty >= 0 && args.penalty <= 1)) {
    return Fail(kUsage, "--ratio must be in (0, 10] and --penalty in [0, 1]");
  }
  std::vector<NodeSpec> nodes;
  std::string nodes_path =
      args.nodes_file.empty() ? args.trace_dir + "/openb_node_list_gpu_node.csv" : args.nodes_file;
  if (int code = LoadNodes(nodes_path, &nodes); code != kOk) return code;
  std::vector<PodSpec> pods;
  if (int code = LoadPods(PodListPath(args.trace_dir, args.trace), &pods); code != kOk) {
    return code;
  }
  int64_t cluster_milli = 0;
  for (const NodeSpec& n : nodes) cluster_milli += int64_t{n.num_gpu} * kMilliPerGpu;

  struct Row {
    std::string mode;
    double requested = 0, effective = 0, held = 0, gpus = 0, failed = 0, gis = 0, driver = 0;
    double fragmentation = -1;  // MIG modes only
    // Per arrived percent, summed over seeds: requested allocation, MIG fragmentation.
    std::vector<double> curve, fragmentation_curve;
  };
  std::string csv =
      "mode,seed,arrived_pct,requested_pct,held_pct,gpus_in_use_pct,"
      "fragmentation_pct,pods_failed\n";
  auto add_csv = [&](const std::string& mode, uint64_t seed, const MigSample& s) {
    char line[256];
    std::snprintf(line, sizeof line, "\"%s\",%llu,%.3f,%.3f,%.3f,%.3f,%.3f,%lld\n", mode.c_str(),
                  static_cast<unsigned long long>(seed), s.arrived_pct, s.requested_pct,
                  s.slices_pct, s.gpus_in_use_pct, s.fragmentation_pct,
                  static_cast<long long>(s.pods_failed));
    csv += line;
  };
  std::vector<Row> rows(5);
  rows[0].mode = "whole GPU per pod";
  rows[1].mode = "time-slicing/MPS (FGD placement)";
  rows[2].mode = "dynamic MIG, first fit";
  rows[3].mode = "dynamic MIG, capacity-preserving";
  rows[4].mode = "static MIG (planner's layouts)";
  int64_t gpu_count = cluster_milli / kMilliPerGpu;
  double n = static_cast<double>(seeds.size());
  for (uint64_t seed : seeds) {
    std::vector<PodSpec> workload = InflateWorkload(pods, cluster_milli, args.ratio, seed);
    SimOptions shared;
    shared.policy = Policy::kFgd;
    shared.seed = seed;
    shared.interference_penalty = args.penalty;
    SimResult fractional = Simulate(nodes, workload, pods, shared);
    bool first = seed == seeds.front();
    std::vector<double> curve;
    for (const Sample& sample : fractional.samples) {
      curve.push_back(sample.allocated_pct);
      MigSample row;
      row.arrived_pct = sample.arrived_pct;
      row.requested_pct = row.slices_pct = sample.allocated_pct;
      row.gpus_in_use_pct = sample.gpus_in_use_pct;
      row.pods_failed = sample.pods_failed;
      add_csv(rows[1].mode, seed, row);
    }
    AddCurve(curve, &rows[1].curve, first);
    rows[1].requested += fractional.last.allocated_pct / n;
    rows[1].effective += fractional.effective_pct / n;
    rows[1].held += fractional.last.allocated_pct / n;
    rows[1].gpus += fractional.last.gpus_in_use_pct / n;
    rows[1].failed += static_cast<double>(fractional.last.pods_failed) / n;
    auto layouts = PlanStaticLayouts(*model, static_cast<int>(gpu_count), workload);
    if (!layouts.ok()) return Fail(kInternal, "planner: " + layouts.status().message());
    for (int i : {0, 2, 3, 4}) {
      MigOptions options;
      options.model = model;
      options.mode =
          i == 0 ? MigMode::kWholeGpu : (i == 4 ? MigMode::kStaticMig : MigMode::kDynamicMig);
      options.capacity_preserving = i != 2;
      if (i == 4) options.static_layouts = *layouts;
      MigResult r = SimulateMig(nodes, workload, options);
      curve.clear();
      std::vector<double> fragmentation;
      for (const MigSample& sample : r.samples) {
        curve.push_back(sample.requested_pct);
        fragmentation.push_back(sample.fragmentation_pct);
        add_csv(rows[i].mode, seed, sample);
      }
      AddCurve(curve, &rows[i].curve, first);
      if (i != 0) {
        AddCurve(fragmentation, &rows[i].fragmentation_curve, first);
        rows[i].fragmentation = (first ? 0 : rows[i].fragmentation) + r.last.fragmentation_pct / n;
      }
      rows[i].requested += r.last.requested_pct / n;
      rows[i].effective += r.last.requested_pct / n;  // MIG instances do not interfere (§3.3)
      rows[i].held += r.last.slices_pct / n;
      rows[i].gpus += r.last.gpus_in_use_pct / n;
      rows[i].failed += static_cast<double>(r.last.pods_failed) / n;
      rows[i].gis += static_cast<double>(r.gis_created) / n;
      rows[i].driver += r.driver_seconds / n;
    }
  }
  LineChart chart;
  chart.title = args.trace + " on " + model->id + ": requested GPU allocation vs arrived demand";
  chart.x_label = "arrived GPU demand (% of cluster GPUs)";
  chart.y_label = "GPU requests placed (% of capacity)";
  chart.y_max = 100;
  for (const Row& r : rows) {
    ChartSeries series{r.mode, {}};
    for (size_t i = 0; i < r.curve.size(); ++i) {
      series.points.emplace_back(static_cast<double>(i), r.curve[i] / n);
    }
    chart.x_max = std::max(chart.x_max, static_cast<double>(r.curve.size()) - 1);
    chart.series.push_back(std::move(series));
  }
  LineChart fragmentation_chart;
  fragmentation_chart.title =
      args.trace + " on " + model->id + ": fragmentation of free MIG capacity vs arrived demand";
  fragmentation_chart.x_label = chart.x_label;
  fragmentation_chart.y_label = "fragmentation score (%)";
  fragmentation_chart.x_max = chart.x_max;
  fragmentation_chart.y_max = 100;
  for (const Row& r : rows) {
    if (r.fragmentation < 0) continue;
    ChartSeries series{r.mode, {}};
    for (size_t i = 0; i < r.fragmentation_curve.size(); ++i) {
      series.points.emplace_back(static_cast<double>(i), r.fragmentation_curve[i] / n);
    }
    fragmentation_chart.series.push_back(std::move(series));
  }
  std::string table;
  char line[256];
  std::snprintf(line, sizeof line, "%s, every GPU as %s, %.0f %% arrived demand, %zu seed(s)\n",
                args.trace.c_str(), model->id.c_str(), args.ratio * 100, seeds.size());
  table += line;
  std::snprintf(line, sizeof line, "%-34s %10s %10s %10s %9s %10s %8s %8s %9s %7s\n", "mode",
                "requested", "effective", "held", "held/req", "GPUs-used", "failed", "GIs",
                "driver-s", "frag");
  table += line;
  for (const Row& r : rows) {
    std::snprintf(line, sizeof line,
                  "%-34s %9.2f%% %9.2f%% %9.2f%% %9.3f %9.2f%% %8.1f %8.0f %9.1f", r.mode.c_str(),
                  r.requested, r.effective, r.held, r.requested > 0 ? r.held / r.requested : 0.0,
                  r.gpus, r.failed, r.gis, r.driver);
    table += line;
    if (r.fragmentation >= 0) {
      std::snprintf(line, sizeof line, " %6.2f%%\n", r.fragmentation);
    } else {
      std::snprintf(line, sizeof line, " %7s\n", "-");
    }
    table += line;
  }
  if (!args.csv_file.empty()) {
    Status written = Env::Default()->WriteFileAtomic(args.csv_file, csv);
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (!args.svg_file.empty()) {
    Status written = Env::Default()->WriteFileAtomic(args.svg_file, RenderSvg(chart));
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (!args.html_file.empty()) {
    Status written = Env::Default()->WriteFileAtomic(
        args.html_file,
        HtmlPage("migsim MIG comparison", {{args.trace, table, {chart, fragmentation_chart}}}));
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (args.json) {
    nlohmann::json out = {{"trace", args.trace},
                          {"model", model->id},
                          {"ratio", args.ratio},
                          {"seeds", seeds.size()},
                          {"modes", nlohmann::json::array()}};
    for (const Row& r : rows) {
      out["modes"].push_back(
          {{"mode", r.mode},
           {"requested_allocated_pct", r.requested},
           {"effective_pct", r.effective},
           {"capacity_held_pct", r.held},
           {"held_per_requested", r.requested > 0 ? r.held / r.requested : 0},
           {"fragmentation_pct",
            r.fragmentation >= 0 ? nlohmann::json(r.fragmentation) : nlohmann::json(nullptr)},
           {"gpus_in_use_pct", r.gpus},
           {"failed_pods", r.failed},
           {"gis_created", r.gis},
           {"driver_seconds", r.driver}});
    }
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::cout << table;
  return kOk;
}

struct DiurnalArgs {
  std::string config;
  std::string schedule;
  std::string model = "H100-SXM5-80GB";
  std::string speeds_file;
  double penalty = 0.15;
  double slo_seconds = -1;
  int max_nodes = 0;
  std::string csv_file;
  std::string html_file;
  std::string svg_dir;
  bool json = false;
};

// Sim time 0 of the diurnal study is this instant (Monday 2026-01-05 00:00 UTC), so that a
// schedule's weekday windows and time zone mean what they say.
constexpr int64_t kDiurnalEpoch = 1767571200;

// Scheduled MIG for the diurnal study: one node's layouts at time 0 and at every change during
// the run. Configs come from the schedule's config-file, or the built-in ones.
struct NodeSchedule {
  std::vector<Layout> initial;
  std::vector<std::pair<double, std::vector<Layout>>> changes;
};

int LoadNodeSchedule(const std::string& schedule_path, const GpuModel& model, int gpus_per_node,
                     NodeSchedule* out) {
  std::string text;
  Status read = Env::Default()->ReadFile(schedule_path, &text);
  if (!read.ok()) return Fail(kEnvironment, read.message());
  StatusOr<Schedule> schedule = ParseSchedule(text, schedule_path, Env::Default());
  if (!schedule.ok()) return Fail(kEnvironment, schedule.status().message());
  std::string configs_source = "built-in configs";
  std::string configs(BuiltinMigConfigText());
  if (!schedule->config_file.empty()) {
    configs_source = ConfigFilePath(*schedule, schedule_path);
    read = Env::Default()->ReadFile(configs_source, &configs);
    if (!read.ok()) return Fail(kEnvironment, read.message());
  }
  std::map<std::string, std::vector<Layout>> layouts_of;
  for (const std::string& name : schedule->ConfigNames()) {
    Fleet node;
    for (int g = 0; g < gpus_per_node; ++g) node.gpus.push_back({g, &model, {}});
    Status set = SetCurrentFromMigPartedConfig(configs, configs_source, name, &node);
    if (!set.ok())
      return Fail(kEnvironment, schedule_path + ": config '" + name + "': " + set.message());
    for (const FleetGpu& g : node.gpus) layouts_of[name].push_back(g.current);
  }
  out->initial = layouts_of[schedule->ConfigAt(kDiurnalEpoch)];
  // Changes until long after the last arrival: queued pods may run for days (400 at most, the
  // schedule's own horizon).
  for (const ScheduleTransition& t : schedule->NextTransitions(kDiurnalEpoch, 100000)) {
    out->changes.emplace_back(static_cast<double>(t.at - kDiurnalEpoch), layouts_of[t.config]);
  }
  return kOk;
}

// One node's layouts repeated for `nodes` nodes.
std::vector<Layout> Repeat(const std::vector<Layout>& one_node, int nodes) {
  std::vector<Layout> all;
  for (int n = 0; n < nodes; ++n) all.insert(all.end(), one_node.begin(), one_node.end());
  return all;
}

// Every job a class names must be in the speed table, measured on the instance its share gets.
// Without a table, jobs run at the fallback curve (said once on stderr).
int CheckJobs(const DiurnalScenario& scenario, const GpuModel& model, const SpeedTable* speeds,
              const std::string& config) {
  for (const PodClass& c : scenario.classes) {
    if (c.job.empty()) continue;
    if (speeds == nullptr) {
      std::cerr << "migsim: no --speeds: jobs (class '" << c.name
                << "' and others) run at (slices/full)^0.55 of their whole-GPU speed on MIG "
                   "instances (scheduling.md §3.2)\n";
      return kOk;
    }
    if (!speeds->Has(c.job)) {
      std::string valid;
      for (const std::string& job : speeds->Jobs()) valid += (valid.empty() ? "" : ", ") + job;
      return Fail(kUsage, config + ": class '" + c.name + "': job '" + c.job +
                              "' is not in the speed table (valid: " + valid + ")");
    }
    const GiProfile* profile = c.num_gpu == 1 ? ProfileForShare(model, c.gpu_milli) : nullptr;
    if (profile != nullptr && profile->slices < speeds->SmallestSlices(c.job)) {
      return Fail(kUsage, config + ": class '" + c.name + "': job '" + c.job + "' gets " +
                              profile->name + " (gpu_milli " + std::to_string(c.gpu_milli) +
                              ") but did not fit instances under " +
                              std::to_string(speeds->SmallestSlices(c.job)) +
                              " compute slices in the measurements; raise gpu_milli");
    }
  }
  return kOk;
}

std::string Seconds(double s) {
  char out[32];
  std::snprintf(out, sizeof out, "%.0f s", s);
  return out;
}

// The diurnal study: the scenario's pods queue under every way of sharing (diurnal_study.h).
int RunDiurnal(const DiurnalArgs& args) {
  const GpuModel* model = Catalog::BuiltIn().Find(args.model);
  if (model == nullptr || model->FullProfile() == nullptr) {
    return Fail(kUsage, "unknown or non-MIG GPU model '" + args.model + "'");
  }
  if (!(args.penalty >= 0 && args.penalty <= 1)) {
    return Fail(kUsage, "--penalty must be in [0, 1]");
  }
  std::string text;
  Status read = Env::Default()->ReadFile(args.config, &text);
  if (!read.ok()) return Fail(kEnvironment, read.message());
  auto scenario = ParseDiurnalScenario(text, args.config);
  if (!scenario.ok()) return Fail(kEnvironment, scenario.status().message());
  std::optional<SpeedTable> speeds;
  if (!args.speeds_file.empty()) {
    std::string csv;
    read = Env::Default()->ReadFile(args.speeds_file, &csv);
    if (!read.ok()) return Fail(kEnvironment, read.message());
    auto parsed = SpeedTable::Parse(csv, args.speeds_file);
    if (!parsed.ok()) return Fail(kEnvironment, parsed.status().message());
    speeds = std::move(*parsed);
  }
  const SpeedTable* speed_table = speeds ? &*speeds : nullptr;
  if (int code = CheckJobs(*scenario, *model, speed_table, args.config); code != kOk) return code;
  int max_nodes = args.max_nodes > 0 ? args.max_nodes : 4 * scenario->nodes;

  auto basic = [&](MigMode mode, bool capacity_preserving) {
    return [=, &args](int) -> StatusOr<MigOptions> {
      MigOptions o;
      o.model = model;
      o.mode = mode;
      o.capacity_preserving = capacity_preserving;
      o.speeds = speed_table;
      o.interference_penalty = args.penalty;
      return o;
    };
  };
  std::vector<DiurnalMode> modes = {
      {"whole GPU per pod", basic(MigMode::kWholeGpu, true)},
      {"time-slicing/MPS", basic(MigMode::kTimeSliced, true)},
      {"static MIG (planner)",
       [&](int nodes) -> StatusOr<MigOptions> {
         StatusOr<MigOptions> o = basic(MigMode::kStaticMig, true)(nodes);
         auto layouts = PlanDiurnalStaticLayouts(*model, *scenario, nodes);
         if (!layouts.ok()) return layouts.status();
         o->static_layouts = std::move(*layouts);
         return o;
       }},
      {"dynamic MIG, first fit", basic(MigMode::kDynamicMig, false)},
      {"dynamic MIG, capacity-preserving", basic(MigMode::kDynamicMig, true)}};
  NodeSchedule schedule;
  if (!args.schedule.empty()) {
    if (int code = LoadNodeSchedule(args.schedule, *model, scenario->gpus_per_node, &schedule);
        code != kOk) {
      return code;
    }
    modes.push_back({"scheduled MIG", [&](int nodes) -> StatusOr<MigOptions> {
                       StatusOr<MigOptions> o = basic(MigMode::kScheduledMig, true)(nodes);
                       o->static_layouts = Repeat(schedule.initial, nodes);
                       for (const auto& [at, layouts] : schedule.changes) {
                         o->layout_changes.push_back({at, Repeat(layouts, nodes)});
                       }
                       return o;
                     }});
  }

  std::vector<ModeOutcome> outcomes;
  nlohmann::json out = {{"config", args.config},
                        {"model", model->id},
                        {"gpus", scenario->nodes * scenario->gpus_per_node},
                        {"modes", nlohmann::json::array()}};
  std::string csv = "mode,hour,gpus_in_use_pct,capacity_held_pct,requested_pct,fragmentation_pct\n";
  for (const DiurnalMode& mode : modes) {
    StatusOr<ModeOutcome> outcome = RunDiurnalMode(*scenario, scenario->nodes, mode);
    if (!outcome.ok()) return Fail(kInternal, mode.name + ": " + outcome.status().message());
    const MigResult& r = outcome->result;
    out["pods"] = r.start_of_pod.size();
    nlohmann::json classes = nlohmann::json::object();
    for (const ClassOutcome& c : outcome->classes) {
      classes[c.name] = {{"started", c.started},
                         {"never_started", c.never_started},
                         {"median_delay_s", c.median_delay},
                         {"p99_delay_s", c.p99_delay},
                         {"median_completion_s", c.median_completion},
                         {"p99_completion_s", c.p99_completion}};
    }
    nlohmann::json row = {{"mode", mode.name},
                          {"classes", classes},
                          {"gpus_in_use_pct_day", outcome->gpus_busy_day_pct},
                          {"gpus_in_use_pct_night", outcome->gpus_busy_night_pct},
                          {"gis_created", r.gis_created},
                          {"driver_seconds", r.driver_seconds},
                          {"still_waiting", r.still_waiting}};
    if (args.slo_seconds >= 0) {
      StatusOr<int> needed = NodesNeeded(*scenario, mode, args.slo_seconds, max_nodes);
      if (!needed.ok()) return Fail(kInternal, mode.name + ": " + needed.status().message());
      row["gpus_needed"] = *needed * scenario->gpus_per_node;  // 0: more than max-nodes
    }
    out["modes"].push_back(row);
    for (const MigSample& s : r.timeline) {
      char line[160];
      std::snprintf(line, sizeof line, "\"%s\",%.0f,%.3f,%.3f,%.3f,%.3f\n", mode.name.c_str(),
                    s.time / 3600, s.gpus_in_use_pct, s.slices_pct, s.requested_pct,
                    s.fragmentation_pct);
      csv += line;
    }
    outcomes.push_back(std::move(*outcome));
  }
  if (args.slo_seconds >= 0) {
    out["slo_p99_delay_s"] = args.slo_seconds;
    out["max_gpus"] = max_nodes * scenario->gpus_per_node;
  }

  std::string table;
  char line[256];
  std::snprintf(line, sizeof line, "%s: %zu pods over %d day(s) on %d x %d GPUs taken as %s\n",
                args.config.c_str(), out["pods"].get<size_t>(), scenario->days, scenario->nodes,
                scenario->gpus_per_node, model->id.c_str());
  table += line;
  for (const auto& m : out["modes"]) {
    std::snprintf(line, sizeof line,
                  "%s: GPUs busy %.1f %% by day, %.1f %% by night; %lld GIs created (%.0f s "
                  "driver)",
                  m["mode"].get<std::string>().c_str(), m["gpus_in_use_pct_day"].get<double>(),
                  m["gpus_in_use_pct_night"].get<double>(),
                  static_cast<long long>(m["gis_created"].get<int64_t>()),
                  m["driver_seconds"].get<double>());
    table += line;
    if (m.contains("gpus_needed")) {
      int needed = m["gpus_needed"].get<int>();
      table += needed > 0
                   ? "; needs " + std::to_string(needed) + " GPUs"
                   : "; needs more than " + std::to_string(out["max_gpus"].get<int>()) + " GPUs";
      table += " for p99 delay <= " + Seconds(args.slo_seconds);
    }
    table += "\n";
    for (const auto& [name, c] : m["classes"].items()) {
      std::snprintf(line, sizeof line,
                    "  %-12s started %6lld  never %5lld  delay median %8.0f s  p99 %8.0f s  "
                    "completion median %8.0f s  p99 %8.0f s\n",
                    name.c_str(), static_cast<long long>(c["started"].get<int64_t>()),
                    static_cast<long long>(c["never_started"].get<int64_t>()),
                    c["median_delay_s"].get<double>(), c["p99_delay_s"].get<double>(),
                    c["median_completion_s"].get<double>(), c["p99_completion_s"].get<double>());
      table += line;
    }
  }

  // Charts: GPUs busy over the days; waiting and completion times of every class.
  std::vector<std::pair<std::string, LineChart>> charts = {
      {"gpus-busy", GpusBusyChart(outcomes, scenario->days)},
      {"delay-cdf", DelayCdfChart(outcomes, "", false, 2 * 3600, 60, "minutes")}};
  for (const PodClass& c : scenario->classes) {
    charts.push_back({"completion-cdf-" + c.name,
                      DelayCdfChart(outcomes, c.name, true, 4 * c.mean_duration_s,
                                    c.mean_duration_s >= 7200 ? 3600 : 60,
                                    c.mean_duration_s >= 7200 ? "hours" : "minutes")});
  }
  if (!args.csv_file.empty()) {
    Status written = Env::Default()->WriteFileAtomic(args.csv_file, csv);
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (!args.svg_dir.empty()) {
    for (const auto& [name, chart] : charts) {
      Status written = Env::Default()->WriteFileAtomic(args.svg_dir + "/diurnal-" + name + ".svg",
                                                       RenderSvg(chart));
      if (!written.ok()) return Fail(kEnvironment, written.message());
    }
  }
  if (!args.html_file.empty()) {
    ReportSection section{"Diurnal study: " + args.config, table, {}};
    for (const auto& entry : charts) section.charts.push_back(entry.second);
    Status written = Env::Default()->WriteFileAtomic(args.html_file,
                                                     HtmlPage("migsim diurnal study", {section}));
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (args.json) {
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << table;
  }
  return kOk;
}

int Main(int argc, char** argv) {
  CLI::App app{"migsim: trace-driven what-if simulator for GPU sharing and MIG"};
  app.require_subcommand(1);
  FgdArgs fgd;
  CLI::App* fgd_cmd = app.add_subcommand(
      "fgd",
      "Replay the FGD paper's experiment: Alibaba openb traces, inflated to --ratio of the "
      "cluster's GPUs, placed by the six policies under fractional GPU sharing");
  fgd_cmd->add_option("--trace-dir", fgd.trace_dir,
                      "Folder with the openb CSV files (alibaba-gpu-v2023)");
  fgd_cmd->add_option("--nodes", fgd.nodes_file,
                      "Node list (default: TRACE_DIR/openb_node_list_gpu_node.csv)");
  fgd_cmd
      ->add_option("--trace", fgd.traces,
                   "Pod list: a name such as default or gpushare40 (TRACE_DIR/openb_pod_list_"
                   "NAME.csv), a path, or 'all' for the artifact's 17")
      ->capture_default_str();
  fgd_cmd
      ->add_option("--policy", fgd.policies,
                   "Random, DotProd, GpuClustering, GpuPacking, BestFit, FGD or all")
      ->capture_default_str();
  fgd_cmd->add_option("--seeds", fgd.seeds, "A seed or a range, e.g. 42-51")->capture_default_str();
  fgd_cmd->add_option("--ratio", fgd.ratio, "Arrived GPU demand to reach, x cluster GPUs")
      ->capture_default_str();
  fgd_cmd->add_option("--csv", fgd.csv_file, "Write the timeline of every run as CSV");
  fgd_cmd->add_option("--html", fgd.html_file,
                      "Write an HTML report: the table and, per trace, allocation and "
                      "fragmentation charts");
  fgd_cmd->add_option("--svg", fgd.svg_file,
                      "Write the first trace's allocation-vs-arrived-demand chart as SVG");
  fgd_cmd->add_flag("--json", fgd.json, "Print a JSON summary instead of the table");
  MigArgs mig;
  CLI::App* mig_cmd = app.add_subcommand(
      "mig", "The same inflated trace under whole GPUs, time-slicing/MPS and dynamic MIG");
  mig_cmd->add_option("--trace-dir", mig.trace_dir, "Folder with the openb CSV files");
  mig_cmd->add_option("--nodes", mig.nodes_file,
                      "Node list (default: TRACE_DIR/openb_node_list_gpu_node.csv)");
  mig_cmd->add_option("--trace", mig.trace, "Pod list name or path")->capture_default_str();
  mig_cmd->add_option("--model", mig.model, "Catalog GPU model every GPU is taken as")
      ->capture_default_str();
  mig_cmd->add_option("--seeds", mig.seeds, "A seed or a range, e.g. 42-51")->capture_default_str();
  mig_cmd->add_option("--ratio", mig.ratio, "Arrived GPU demand to reach, x cluster GPUs")
      ->capture_default_str();
  mig_cmd
      ->add_option("--penalty", mig.penalty,
                   "Time-slicing/MPS slowdown per extra pod on a GPU (MISO: 0.15)")
      ->capture_default_str();
  mig_cmd->add_option("--html", mig.html_file,
                      "Write an HTML report: the table and the allocation-vs-demand chart");
  mig_cmd->add_option("--svg", mig.svg_file, "Write the allocation-vs-demand chart as SVG");
  mig_cmd->add_option("--csv", mig.csv_file,
                      "Write every run's timeline: one row per mode, seed and arrived percent");
  mig_cmd->add_flag("--json", mig.json, "Print JSON instead of the table");
  DiurnalArgs diurnal;
  CLI::App* diurnal_cmd = app.add_subcommand(
      "diurnal",
      "Inference by day, training by night (a YAML scenario): whole GPUs, time-slicing, static, "
      "dynamic and scheduled MIG; pods queue until they fit");
  diurnal_cmd->add_option("--config", diurnal.config, "Scenario file (docs/simulator.md)")
      ->required();
  diurnal_cmd->add_option("--model", diurnal.model, "Catalog GPU model of every GPU")
      ->capture_default_str();
  diurnal_cmd->add_option("--schedule", diurnal.schedule,
                          "Also run scheduled MIG: layouts by time of day from a schedule file as "
                          "migctl schedule reads it (time 0 = Monday 2026-01-05 00:00 UTC)");
  diurnal_cmd
      ->add_option("--speeds", diurnal.speeds_file,
                   "Measured speed per MIG instance size of the classes' jobs (MISO's table, "
                   "shared/data/perf/miso_a100_40gb_mig_training_iter_time.csv; default: the "
                   "fallback curve (slices/full)^0.55)")
      ->check(CLI::ExistingFile);
  diurnal_cmd
      ->add_option("--penalty", diurnal.penalty,
                   "Time-slicing/MPS slowdown per extra pod on a GPU (MISO: 0.15)")
      ->capture_default_str();
  diurnal_cmd->add_option("--gpus-needed", diurnal.slo_seconds,
                          "Also find, per mode, the fewest GPUs that start every pod with every "
                          "class's p99 delay at most this many seconds");
  diurnal_cmd->add_option("--max-nodes", diurnal.max_nodes,
                          "Largest cluster --gpus-needed tries, in nodes (default 4 x the "
                          "scenario's)");
  diurnal_cmd->add_option("--csv", diurnal.csv_file, "Write GPUs busy per hour as CSV");
  diurnal_cmd->add_option("--html", diurnal.html_file,
                          "Write an HTML report: the table, GPUs busy over the days, waiting and "
                          "completion-time CDFs");
  diurnal_cmd->add_option("--svg-dir", diurnal.svg_dir,
                          "Write the report's charts as diurnal-*.svg into this folder");
  diurnal_cmd->add_flag("--json", diurnal.json, "Print JSON instead of text");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }
  if (fgd_cmd->parsed()) {
    if (fgd.trace_dir.empty() && (fgd.nodes_file.empty())) {
      return Fail(kUsage, "fgd needs --trace-dir (or --nodes and --trace paths)");
    }
    return RunFgd(fgd);
  }
  if (mig_cmd->parsed()) {
    if (mig.trace_dir.empty() && mig.nodes_file.empty()) {
      return Fail(kUsage, "mig needs --trace-dir (or --nodes and a --trace path)");
    }
    return RunMig(mig);
  }
  if (diurnal_cmd->parsed()) return RunDiurnal(diurnal);
  return kUsage;
}

}  // namespace
}  // namespace migkit::sim

int main(int argc, char** argv) {
  try {
    return migkit::sim::Main(argc, argv);
  } catch (const std::bad_alloc&) {
    std::cerr << "migsim: out of memory\n";
  } catch (const std::exception& e) {
    std::cerr << "migsim: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "migsim: internal error\n";
  }
  return migkit::sim::kInternal;
}
