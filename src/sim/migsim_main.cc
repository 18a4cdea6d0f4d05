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
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/builtin.h"
#include "env/env.h"
#include "plan/fleet.h"
#include "schedule/schedule.h"
#include "sim/diurnal.h"
#include "sim/mig_simulator.h"
#include "sim/policies.h"
#include "sim/report.h"
#include "sim/simulator.h"
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
  bool json = false;
};

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
      rows[i].requested += r.last.requested_pct / n;
      rows[i].effective += r.last.requested_pct / n;  // MIG instances do not interfere (§3.3)
      rows[i].held += r.last.slices_pct / n;
      rows[i].gpus += r.last.gpus_in_use_pct / n;
      rows[i].failed += static_cast<double>(r.last.pods_failed) / n;
      rows[i].gis += static_cast<double>(r.gis_created) / n;
      rows[i].driver += r.driver_seconds / n;
    }
  }
  if (args.json) {
    nlohmann::json out = {{"trace", args.trace},
                          {"model", model->id},
                          {"ratio", args.ratio},
                          {"seeds", seeds.size()},
                          {"modes", nlohmann::json::array()}};
    for (const Row& r : rows) {
      out["modes"].push_back({{"mode", r.mode},
                              {"requested_allocated_pct", r.requested},
                              {"effective_pct", r.effective},
                              {"capacity_held_pct", r.held},
                              {"gpus_in_use_pct", r.gpus},
                              {"failed_pods", r.failed},
                              {"gis_created", r.gis},
                              {"driver_seconds", r.driver}});
    }
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::printf("%s, every GPU as %s, %.0f %% arrived demand, %zu seed(s)\n", args.trace.c_str(),
              model->id.c_str(), args.ratio * 100, seeds.size());
  std::printf("%-34s %10s %10s %10s %10s %8s %8s %9s\n", "mode", "requested", "effective", "held",
              "GPUs-used", "failed", "GIs", "driver-s");
  for (const Row& r : rows) {
    std::printf("%-34s %9.2f%% %9.2f%% %9.2f%% %9.2f%% %8.1f %8.0f %9.1f\n", r.mode.c_str(),
                r.requested, r.effective, r.held, r.gpus, r.failed, r.gis, r.driver);
  }
  return kOk;
}

struct DiurnalArgs {
  std::string config;
  std::string schedule;
  std::string model = "H100-SXM5-80GB";
  std::string csv_file;
  bool json = false;
};

// The value at quantile q (0..1) of `values` (nearest rank); 0 when empty.
double Quantile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// Sim time 0 of the diurnal study is this instant (Monday 2026-01-05 00:00 UTC), so that a
// schedule's weekday windows and time zone mean what they say.
constexpr int64_t kDiurnalEpoch = 1767571200;

// Scheduled MIG for the diurnal study: the schedule's layouts per GPU at time 0 and at every
// change during the run. Configs come from the schedule's config-file, or the built-in ones.
int ScheduledLayouts(const std::string& schedule_path, const GpuModel& model,
                     const DiurnalScenario& scenario, MigOptions* options) {
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
  // Every node has the same GPUs, so one node's layouts serve them all.
  std::map<std::string, std::vector<Layout>> layouts_of;
  for (const std::string& name : schedule->ConfigNames()) {
    Fleet node;
    for (int g = 0; g < scenario.gpus_per_node; ++g) node.gpus.push_back({g, &model, {}});
    Status set = SetCurrentFromMigPartedConfig(configs, configs_source, name, &node);
    if (!set.ok())
      return Fail(kEnvironment, schedule_path + ": config '" + name + "': " + set.message());
    std::vector<Layout>& all = layouts_of[name];
    for (int n = 0; n < scenario.nodes; ++n) {
      for (const FleetGpu& g : node.gpus) all.push_back(g.current);
    }
  }
  options->static_layouts = layouts_of[schedule->ConfigAt(kDiurnalEpoch)];
  // Changes until long after the last arrival: queued pods may run for days (400 at most, the
  // schedule's own horizon).
  for (const ScheduleTransition& t : schedule->NextTransitions(kDiurnalEpoch, 100000)) {
    options->layout_changes.push_back(
        {static_cast<double>(t.at - kDiurnalEpoch), layouts_of[t.config]});
  }
  return kOk;
}

// The diurnal study: the scenario's pods queue for whole GPUs or MIG instances.
int RunDiurnal(const DiurnalArgs& args) {
  const GpuModel* model = Catalog::BuiltIn().Find(args.model);
  if (model == nullptr || model->FullProfile() == nullptr) {
    return Fail(kUsage, "unknown or non-MIG GPU model '" + args.model + "'");
  }
  std::string text;
  Status read = Env::Default()->ReadFile(args.config, &text);
  if (!read.ok()) return Fail(kEnvironment, read.message());
  auto scenario = ParseDiurnalScenario(text, args.config);
  if (!scenario.ok()) return Fail(kEnvironment, scenario.status().message());
  std::vector<NodeSpec> nodes = DiurnalNodes(*scenario);
  std::vector<PodSpec> pods = GenerateDiurnalPods(*scenario);

  struct Mode {
    std::string name;
    MigMode mode;
    bool capacity_preserving;
  };
  std::vector<Mode> modes = {{"whole GPU per pod", MigMode::kWholeGpu, true},
                             {"dynamic MIG, first fit", MigMode::kDynamicMig, false},
                             {"dynamic MIG, capacity-preserving", MigMode::kDynamicMig, true}};
  MigOptions scheduled;
  if (!args.schedule.empty()) {
    if (int code = ScheduledLayouts(args.schedule, *model, *scenario, &scheduled); code != kOk) {
      return code;
    }
    modes.push_back({"scheduled MIG", MigMode::kScheduledMig, true});
  }
  nlohmann::json out = {{"config", args.config},
                        {"model", model->id},
                        {"pods", pods.size()},
                        {"modes", nlohmann::json::array()}};
  std::string csv = "mode,hour,gpus_in_use_pct,capacity_held_pct,requested_pct\n";
  for (const Mode& m : modes) {
    MigOptions options = m.mode == MigMode::kScheduledMig ? scheduled : MigOptions{};
    options.model = model;
    options.mode = m.mode;
    options.capacity_preserving = m.capacity_preserving;
    options.departures = true;
    options.queue = true;
    options.sample_interval = 3600;
    MigResult r = SimulateMig(nodes, pods, options);
    nlohmann::json classes = nlohmann::json::object();
    for (const PodClass& c : scenario->classes) {
      std::vector<double> delays;
      int64_t never = 0;
      for (size_t i = 0; i < pods.size(); ++i) {
        if (pods[i].name != c.name) continue;
        if (r.start_of_pod[i] < 0) {
          ++never;
        } else {
          delays.push_back(r.start_of_pod[i] - pods[i].arrival);
        }
      }
      classes[c.name] = {{"started", delays.size()},
                         {"never_started", never},
                         {"median_delay_s", Quantile(delays, 0.5)},
                         {"p99_delay_s", Quantile(delays, 0.99)}};
    }
    double day = 0, night = 0;
    int day_n = 0, night_n = 0;
    for (const MigSample& s : r.timeline) {
      double hour = std::fmod(s.time / 3600, 24);
      char line[128];
      std::snprintf(line, sizeof line, "%s,%.0f,%.3f,%.3f,%.3f\n", m.name.c_str(), s.time / 3600,
                    s.gpus_in_use_pct, s.slices_pct, s.requested_pct);
      csv += line;
      if (hour >= 8 && hour < 20) {
        day += s.gpus_in_use_pct;
        ++day_n;
      } else {
        night += s.gpus_in_use_pct;
        ++night_n;
      }
    }
    out["modes"].push_back({{"mode", m.name},
                            {"classes", classes},
                            {"gpus_in_use_pct_day", day_n ? day / day_n : 0},
                            {"gpus_in_use_pct_night", night_n ? night / night_n : 0},
                            {"gis_created", r.gis_created},
                            {"driver_seconds", r.driver_seconds},
                            {"still_waiting", r.still_waiting}});
  }
  if (!args.csv_file.empty()) {
    Status written = Env::Default()->WriteFileAtomic(args.csv_file, csv);
    if (!written.ok()) return Fail(kEnvironment, written.message());
  }
  if (args.json) {
    std::cout << out.dump(2) << "\n";
    return kOk;
  }
  std::printf("%s: %zu pods over %d day(s) on %d x %d GPUs taken as %s\n", args.config.c_str(),
              pods.size(), scenario->days, scenario->nodes, scenario->gpus_per_node,
              model->id.c_str());
  for (const auto& m : out["modes"]) {
    std::printf(
        "%s: GPUs busy %.1f %% by day, %.1f %% by night; %lld GIs created (%.0f s driver)"
        "\n",
        m["mode"].get<std::string>().c_str(), m["gpus_in_use_pct_day"].get<double>(),
        m["gpus_in_use_pct_night"].get<double>(),
        static_cast<long long>(m["gis_created"].get<int64_t>()), m["driver_seconds"].get<double>());
    for (const auto& [name, c] : m["classes"].items()) {
      std::printf("  %-12s started %6lld  never %5lld  delay median %8.0f s  p99 %8.0f s\n",
                  name.c_str(), static_cast<long long>(c["started"].get<int64_t>()),
                  static_cast<long long>(c["never_started"].get<int64_t>()),
                  c["median_delay_s"].get<double>(), c["p99_delay_s"].get<double>());
    }
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
  mig_cmd->add_flag("--json", mig.json, "Print JSON instead of the table");
  DiurnalArgs diurnal;
  CLI::App* diurnal_cmd = app.add_subcommand(
      "diurnal",
      "Inference by day, training by night (a YAML scenario): whole GPUs vs dynamic MIG, "
      "pods queue until they fit");
  diurnal_cmd->add_option("--config", diurnal.config, "Scenario file (docs/simulator.md)")
      ->required();
  diurnal_cmd->add_option("--model", diurnal.model, "Catalog GPU model of every GPU")
      ->capture_default_str();
  diurnal_cmd->add_option("--schedule", diurnal.schedule,
                          "Also run scheduled MIG: layouts by time of day from a schedule file as "
                          "migctl schedule reads it (time 0 = Monday 2026-01-05 00:00 UTC)");
  diurnal_cmd->add_option("--csv", diurnal.csv_file, "Write GPUs busy per hour as CSV");
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
