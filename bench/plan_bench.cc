// plan_bench: the planner against the exact optimum, the configuration-LP bound and simple
// baselines (first-fit, first-fit decreasing, a nos-style greedy), on generated demand sets and on
// the requests of the Alibaba GPU-sharing trace (cluster-trace-gpu-v2023, "openb").
//
// Prints Markdown tables (the ones in docs/PERFORMANCE.md). Every ratio is against numbers
// measured in the same run: GPUs used / lower bound, and time / first-fit's time.
//
//   plan_bench [--quick] [--seeds N] [--repeat N] [--time-limit S] [--trace-dir DIR]
//
// Timings are wall-clock medians of --repeat runs on one thread; exact mode runs once.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "catalog/catalog.h"
#include "core/layouts.h"
#include "core/strings.h"
#include "plan/baselines.h"
#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/planner.h"

#ifndef MIGKIT_TRACE_DIR
#define MIGKIT_TRACE_DIR ""
#endif

namespace migkit {
namespace {

struct Flags {
  bool quick = false;
  int seeds = 20;
  int repeat = 5;
  double time_limit = 60;
  std::string trace_dir = MIGKIT_TRACE_DIR;
};

// One planning problem.
struct Case {
  std::string name;
  Fleet fleet;
  Demand demand;
  std::vector<int> ff_sequence;  // first-fit's instance order; empty = item order
};

// One method's result on one case.
struct Result {
  int used = 0;
  int unmet = 0;
  bool optimal = false;
  double ms = 0;
};

struct Method {
  std::string name;
  std::function<FleetPlan(const Case&)> run;
  bool timed_once = false;
};

FleetPlan Must(StatusOr<FleetPlan> p, const std::string& what) {
  if (!p.ok()) {
    std::fprintf(stderr, "plan_bench: %s: %s\n", what.c_str(), p.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(p).value();
}

FleetPlan RunPlanner(const Case& c, PlanMode mode, double time_limit) {
  FleetPlanOptions o;
  o.mode = mode;
  o.time_limit_seconds = time_limit;
  return Must(PlanFleet(c.fleet, c.demand, o), c.name);
}

std::vector<Method> Methods(const Flags& flags) {
  return {
      {"exact", [&](const Case& c) { return RunPlanner(c, PlanMode::kExact, flags.time_limit); },
       true},
      {"fast", [](const Case& c) { return RunPlanner(c, PlanMode::kFast, 0); }, false},
      {"first-fit",
       [](const Case& c) { return Must(FirstFit(c.fleet, c.demand, c.ff_sequence), c.name); },
       false},
      {"first-fit-decr.",
       [](const Case& c) { return Must(FirstFitDecreasing(c.fleet, c.demand), c.name); }, false},
      {"nos-greedy", [](const Case& c) { return Must(NosGreedy(c.fleet, c.demand), c.name); },
       false},
  };
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs `m` on `c`; checks the plan is feasible.
Result Measure(const Method& m, const Case& c, int repeat, FleetPlan* out = nullptr) {
  std::vector<double> ms;
  FleetPlan plan;
  for (int i = 0; i < (m.timed_once ? 1 : repeat); ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    plan = m.run(c);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  const Status check = CheckPlan(c.fleet, c.demand, plan);
  if (!check.ok()) {
    std::fprintf(stderr, "plan_bench: %s on %s: infeasible plan: %s\n", m.name.c_str(),
                 c.name.c_str(), check.ToString().c_str());
    std::exit(1);
  }
  if (out != nullptr) *out = plan;
  return {plan.gpus_used, plan.unmet_total, plan.optimal, Median(ms)};
}

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), fmt, v);
  return buf;
}

// ---------------------------------------------------------------------------------------------
// Generated demand sets.

Fleet MakeFleet(const std::string& spec) {
  StatusOr<Fleet> f = ParseFleet(spec, Catalog::BuiltIn());
  if (!f.ok()) {
    std::fprintf(stderr, "plan_bench: %s\n", f.status().ToString().c_str());
    std::exit(1);
  }
  return *f;
}

// Random demand over `profiles` with weights, about `slices` compute slices in total.
Demand RandomDemand(std::mt19937& rng, const std::vector<std::pair<std::string, int>>& profiles,
                    const std::vector<double>& weights, int slices) {
  std::discrete_distribution<int> pick(weights.begin(), weights.end());
  std::map<int, int> counts;
  int total = 0;
  while (total < slices) {
    const int i = pick(rng);
    ++counts[i];
    total += profiles[i].second;
  }
  Demand d;
  for (const auto& [i, n] : counts) {
    DemandItem item;
    item.profile = item.label = profiles[i].first;
    const auto parts = ParseProfileName(item.profile);
    item.need.slices = parts->slices;
    item.need.nominal_gb = parts->gb;
    item.count = n;
    d.items.push_back(item);
  }
  return d;
}

const std::vector<std::pair<std::string, int>> kH100 = {
    {"1g.10gb", 1}, {"1g.20gb", 1}, {"2g.20gb", 2}, {"3g.40gb", 3}, {"4g.40gb", 4}, {"7g.80gb", 7}};

struct Mix {
  std::string name;
  std::vector<double> weights;  // over kH100
};
const std::vector<Mix> kMixes = {
    {"uniform", {1, 1, 1, 1, 1, 1}},
    {"small-heavy", {8, 2, 4, 1, 1, 0.3}},
    {"large-heavy", {1, 0.5, 1, 3, 3, 1}},
};

// Per method: totals over a set of cases.
struct Aggregate {
  double used = 0, unmet = 0, bound = 0, ms = 0;
  int optimal = 0, at_optimum = 0, cases = 0;
  double worst_ratio = 0;
};

// Every method on one case. The first method is the exact one: its plan goes to `exact`, the
// reference the others are compared with.
std::vector<Result> MeasureAll(const std::vector<Method>& methods, const Case& c,
                               const Flags& flags, FleetPlan* exact) {
  std::vector<Result> results;
  for (size_t m = 0; m < methods.size(); ++m) {
    results.push_back(Measure(methods[m], c, flags.repeat, m == 0 ? exact : nullptr));
  }
  return results;
}

void PrintAggregate(const std::string& title, const std::vector<Case>& cases, const Flags& flags) {
  const std::vector<Method> methods = Methods(flags);
  std::vector<Aggregate> agg(methods.size());
  for (const Case& c : cases) {
    FleetPlan exact;
    const std::vector<Result> results = MeasureAll(methods, c, flags, &exact);
    for (size_t m = 0; m < methods.size(); ++m) {
      Aggregate& a = agg[m];
      a.used += results[m].used;
      a.unmet += results[m].unmet;
      a.bound += exact.lower_bound;
      a.ms += results[m].ms;
      a.optimal += results[m].optimal ? 1 : 0;
      a.at_optimum += exact.optimal && results[m].used == exact.gpus_used &&
                      results[m].unmet == exact.unmet_total;
      ++a.cases;
      a.worst_ratio = std::max(
          a.worst_ratio, exact.lower_bound > 0 ? double(results[m].used) / exact.lower_bound : 1.0);
    }
  }
  std::printf("\n### %s\n\n", title.c_str());
  std::printf(
      "| method | GPUs used (sum) | unmet (sum) | used / bound | worst case | at the optimum "
      "| proven optimal | mean time | time / first-fit |\n");
  std::printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  const double ff_ms = agg[2].ms;
  for (size_t m = 0; m < methods.size(); ++m) {
    const Aggregate& a = agg[m];
    std::printf(
        "| %s | %d | %d | %s | %s | %d / %d | %d / %d | %s ms | %s |\n", methods[m].name.c_str(),
        int(a.used), int(a.unmet), Fmt("%.4f", a.bound > 0 ? a.used / a.bound : 1).c_str(),
        Fmt("%.3f", a.worst_ratio).c_str(), a.at_optimum, a.cases, a.optimal, a.cases,
        Fmt("%.3f", a.ms / a.cases).c_str(), Fmt("%.1fx", ff_ms > 0 ? a.ms / ff_ms : 0).c_str());
  }
}

void PrintCases(const std::string& title, const std::vector<Case>& cases, const Flags& flags) {
  const std::vector<Method> methods = Methods(flags);
  std::printf("\n### %s\n\n", title.c_str());
  std::printf(
      "| case | instances | GPUs | bound (LP) | method | GPUs used | unmet | used / bound "
      "| time | time / first-fit |\n");
  std::printf("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|\n");
  for (const Case& c : cases) {
    FleetPlan exact;
    const std::vector<Result> results = MeasureAll(methods, c, flags, &exact);
    for (size_t m = 0; m < methods.size(); ++m) {
      const Result& r = results[m];
      std::string label = methods[m].name;
      if (m < 2)
        label +=
            r.optimal ? " (optimal)" : " (gap " + std::to_string(r.used - exact.lower_bound) + ")";
      std::printf(
          "| %s | %s | %s | %s | %s | %d | %d | %s | %s ms | %s |\n", m == 0 ? c.name.c_str() : "",
          m == 0 ? std::to_string(c.demand.TotalInstances()).c_str() : "",
          m == 0 ? std::to_string(c.fleet.gpus.size()).c_str() : "",
          m == 0 ? (std::to_string(exact.lower_bound) + " (" + Fmt("%.2f", exact.lp_bound) + ")")
                       .c_str()
                 : "",
          label.c_str(), r.used, r.unmet,
          Fmt("%.4f", exact.lower_bound > 0 ? double(r.used) / exact.lower_bound : 1).c_str(),
          Fmt(r.ms < 10 ? "%.3f" : "%.1f", r.ms).c_str(),
          Fmt("%.2fx", results[2].ms > 0 ? r.ms / results[2].ms : 0).c_str());
    }
  }
}

std::vector<Case> Generated(const std::string& fleet, int slices, int seeds, const Mix& mix,
                            unsigned salt) {
  std::vector<Case> cases;
  for (int s = 0; s < seeds; ++s) {
    std::mt19937 rng(1000u * salt + s);
    Case c;
    c.name = mix.name + " seed " + std::to_string(s);
    c.fleet = MakeFleet(fleet);
    c.demand = RandomDemand(rng, kH100, mix.weights, slices);
    cases.push_back(std::move(c));
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// The Alibaba trace.

// Pods with GPUs, in file order: (num_gpu, gpu_milli).
std::vector<std::pair<int, int>> ReadPods(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::pair<int, int>> pods;
  std::string line;
  std::getline(in, line);
  const std::vector<std::string> header = Split(line, ',');
  auto col = [&](const char* name) {
    return static_cast<int>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const int num_gpu = col("num_gpu"), gpu_milli = col("gpu_milli");
  while (std::getline(in, line)) {
    const std::vector<std::string> f = Split(line, ',');
    if (static_cast<int>(f.size()) <= std::max(num_gpu, gpu_milli)) continue;
    const int n = std::atoi(f[num_gpu].c_str()), milli = std::atoi(f[gpu_milli].c_str());
    if (n > 0) pods.push_back({n, milli});
  }
  return pods;
}

// Each fractional request (num_gpu 1, gpu_milli < 1000) rounded up to the smallest fitting
// profile of a 7-slice GPU (H100 names); whole-GPU pods as num_gpu x 7g.80gb when `whole`.
Case TraceCase(const std::string& name, const std::vector<std::pair<int, int>>& pods,
               const std::string& fleet, bool whole, int inflate) {
  const char* names[] = {"", "1g.10gb", "2g.20gb", "3g.40gb", "4g.40gb", "", "", "7g.80gb"};
  const int sizes[] = {1, 2, 3, 4, 7};
  std::map<std::string, int> item_of;
  Case c;
  c.name = name;
  c.fleet = MakeFleet(fleet);
  auto add = [&](const std::string& profile) {
    auto [it, inserted] = item_of.try_emplace(profile, static_cast<int>(c.demand.items.size()));
    if (inserted) {
      DemandItem item;
      item.profile = item.label = profile;
      const auto parts = ParseProfileName(profile);
      item.need.slices = parts->slices;
      item.need.nominal_gb = parts->gb;
      c.demand.items.push_back(item);
    }
    ++c.demand.items[it->second].count;
    c.ff_sequence.push_back(it->second);
  };
  for (int k = 0; k < inflate; ++k) {
    for (const auto& [n, milli] : pods) {
      if (n == 1 && milli < 1000) {
        const int need = (7 * milli + 999) / 1000;
        int s = 7;
        for (int size : sizes) {
          if (size >= need) {
            s = size;
            break;
          }
        }
        add(names[s]);
      } else if (whole) {
        for (int i = 0; i < n; ++i) add("7g.80gb");
      }
    }
  }
  return c;
}

int Main(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "plan_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--quick") {
      flags.quick = true;
      flags.seeds = 3;
      flags.repeat = 1;
    } else if (a == "--seeds") {
      flags.seeds = std::atoi(next().c_str());
    } else if (a == "--repeat") {
      flags.repeat = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--time-limit") {
      flags.time_limit = std::atof(next().c_str());
    } else if (a == "--trace-dir") {
      flags.trace_dir = next();
    } else {
      std::fprintf(stderr,
                   "usage: plan_bench [--quick] [--seeds N] [--repeat N] [--time-limit S] "
                   "[--trace-dir DIR]\n");
      return 2;
    }
  }
  std::printf("plan_bench: seeds %d, repeat %d, exact time limit %.0f s\n", flags.seeds,
              flags.repeat, flags.time_limit);

  // 1. Small and medium generated sets: every method against the proven optimum.
  for (const Mix& mix : kMixes) {
    PrintAggregate("8 x H100, about 35 compute slices of demand, " + mix.name + " mix (" +
                       std::to_string(flags.seeds) + " seeds)",
                   Generated("8xH100-SXM5-80GB", 35, flags.seeds, mix, 1), flags);
  }
  for (const Mix& mix : kMixes) {
    PrintAggregate("200 x H100, about 1000 compute slices of demand, " + mix.name + " mix (" +
                       std::to_string(flags.seeds) + " seeds)",
                   Generated("200xH100-SXM5-80GB", 1000, flags.seeds, mix, 2), flags);
  }
  {
    std::vector<Case> mixed;
    for (int s = 0; s < flags.seeds; ++s) {
      std::mt19937 rng(3000u + s);
      Case c;
      c.name = "mixed seed " + std::to_string(s);
      c.fleet = MakeFleet("60xH100-SXM5-80GB,60xA100-SXM4-40GB,20xA30-24GB");
      c.demand = RandomDemand(rng,
                              {{"1g.5gb", 1},
                               {"1g.10gb", 1},
                               {"2g.20gb", 2},
                               {"3g.20gb", 3},
                               {"3g.40gb", 3},
                               {"4g.40gb", 4},
                               {"7g.80gb", 7}},
                              {3, 3, 2, 2, 1, 1, 0.5}, 600);
      mixed.push_back(std::move(c));
    }
    PrintAggregate(
        "Mixed fleet 60 x H100 + 60 x A100-40GB + 20 x A30, about 600 slices of demand (" +
            std::to_string(flags.seeds) + " seeds)",
        mixed, flags);
  }

  // 2. Large: 10,000 GPUs and 50,000+ instances.
  {
    std::vector<Case> large;
    const int n = flags.quick ? 1 : 3;
    for (int s = 0; s < n; ++s) {
      std::mt19937 rng(4000u + s);
      Case c;
      c.name = "10k GPUs small-heavy seed " + std::to_string(s);
      c.fleet = MakeFleet("10000xH100-SXM5-80GB");
      c.demand = RandomDemand(rng, kH100, {16, 2, 3, 1, 0.5, 0.1}, 66500);
      large.push_back(std::move(c));
    }
    {
      std::mt19937 rng(5000u);
      Case c;
      c.name = "10k mixed GPUs";
      c.fleet = MakeFleet("5000xH100-SXM5-80GB,5000xA100-SXM4-80GB");
      c.demand = RandomDemand(rng, kH100, {16, 2, 3, 1, 0.5, 0.1}, 66500);
      large.push_back(std::move(c));
    }
    PrintCases("10,000 GPUs, 50,000+ instances", large, flags);
  }

  // 3. Re-planning: yesterday's plan is running; today's demand differs by up to +-50 % per
  // profile. Re-plan (keep what can stay) against planning from scratch.
  {
    std::printf("\n### Re-plan: from a running plan to a changed demand\n\n");
    std::printf(
        "| fleet | instances before -> after | method | destroyed | destroyed bound | "
        "kept | GPUs used | GPU bound | time |\n");
    std::printf("|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
    struct Scenario {
      std::string fleet;
      int slices;
    };
    // The running plan fills about 85 % of the fleet, so the new demand does not fit in what is
    // free: something must be destroyed.
    const std::vector<Scenario> scenarios = {
        {"64xH100-SXM5-80GB", 380}, {"1000xH100-SXM5-80GB", 5950}, {"10000xH100-SXM5-80GB", 59500}};
    for (const Scenario& sc : scenarios) {
      std::mt19937 rng(6000u + sc.slices);
      Case before;
      before.fleet = MakeFleet(sc.fleet);
      before.demand = RandomDemand(rng, kH100, kMixes[0].weights, sc.slices);
      const FleetPlan running = RunPlanner(before, PlanMode::kFast, 0);
      Fleet fleet = before.fleet;
      for (size_t i = 0; i < fleet.gpus.size(); ++i)
        fleet.gpus[i].current = running.gpus[i].TargetLayout();
      Demand after = before.demand;
      std::uniform_real_distribution<double> change(0.5, 1.5);
      for (DemandItem& item : after.items) item.count = static_cast<int>(item.count * change(rng));
      for (const auto& [label, mode, replan] : std::vector<std::tuple<std::string, PlanMode, bool>>{
               {"re-plan fast", PlanMode::kFast, true},
               {"re-plan exact", PlanMode::kExact, true},
               {"from scratch (exact)", PlanMode::kExact, false}}) {
        FleetPlanOptions o;
        o.mode = mode;
        o.replan = replan;
        o.time_limit_seconds = flags.time_limit;
        const auto t0 = std::chrono::steady_clock::now();
        const FleetPlan p = Must(PlanFleet(fleet, after, o), sc.fleet);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        const Status check = CheckPlan(fleet, after, p);
        if (!check.ok()) {
          std::fprintf(stderr, "plan_bench: re-plan: %s\n", check.ToString().c_str());
          return 1;
        }
        std::printf(
            "| %s | %d -> %d | %s | %d | %s | %d | %d | %d | %s ms |\n",
            label == "re-plan fast" ? sc.fleet.c_str() : "", before.demand.TotalInstances(),
            after.TotalInstances(), label.c_str(), p.destroyed,
            p.destroyed_lower_bound >= 0 ? std::to_string(p.destroyed_lower_bound).c_str() : "-",
            p.kept, p.gpus_used, p.lower_bound, Fmt(ms < 10 ? "%.3f" : "%.1f", ms).c_str());
      }
    }
  }

  // Worst case for re-planning: every GPU in a random valid layout, so the program has a group
  // per distinct layout (hundreds) instead of a handful.
  {
    std::printf(
        "\n### Re-plan worst case: two thirds of the GPUs each in a random valid layout\n\n");
    std::printf(
        "| fleet | distinct current layouts | running -> wanted | method | unmet | destroyed | "
        "destroyed bound | GPUs used | GPU bound | time |\n");
    std::printf("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|\n");
    std::mt19937 rng(7000u);
    Fleet fleet = MakeFleet(flags.quick ? "1000xH100-SXM5-80GB" : "10000xH100-SXM5-80GB");
    const std::vector<Layout> valid = EnumerateLayouts(*fleet.gpus[0].model).valid;
    std::set<std::string> distinct;
    for (FleetGpu& g : fleet.gpus) {
      if (rng() % 3 == 0) continue;  // a third of the GPUs are empty
      g.current = valid[rng() % valid.size()];
      std::sort(g.current.begin(), g.current.end(),
                [](const PlacedProfile& a, const PlacedProfile& b) {
                  return a.placement.start < b.placement.start;
                });
      distinct.insert(DescribePlacements(g.current));
    }
    const int n = static_cast<int>(fleet.gpus.size());
    Demand after;
    for (const auto& [profile, count] :
         std::vector<std::pair<std::string, int>>{{"1g.10gb", 3 * n},
                                                  {"1g.20gb", n / 5},
                                                  {"2g.20gb", n / 2},
                                                  {"3g.40gb", 3 * n / 10},
                                                  {"4g.40gb", 3 * n / 20},
                                                  {"7g.80gb", n / 20}}) {
      DemandItem item;
      item.profile = item.label = profile;
      const auto parts = ParseProfileName(profile);
      item.need.slices = parts->slices;
      item.need.nominal_gb = parts->gb;
      item.count = count;
      after.items.push_back(item);
    }
    for (PlanMode mode : {PlanMode::kFast, PlanMode::kExact}) {
      FleetPlanOptions o;
      o.mode = mode;
      o.replan = true;
      o.time_limit_seconds = flags.time_limit;
      std::vector<double> times;
      FleetPlan p;
      for (int r = 0; r < (mode == PlanMode::kFast ? flags.repeat : 1); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        p = Must(PlanFleet(fleet, after, o), "worst case");
        times.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count());
      }
      if (!CheckPlan(fleet, after, p).ok()) {
        std::fprintf(stderr, "plan_bench: worst case: infeasible plan\n");
        return 1;
      }
      std::printf("| %s | %zu | %d -> %d | re-plan %s | %d | %d | %d | %d | %d | %s ms |\n",
                  mode == PlanMode::kFast ? fleet.ToString().c_str() : "", distinct.size(),
                  fleet.CurrentInstances(), after.TotalInstances(), PlanModeName(mode),
                  p.unmet_total, p.destroyed, p.destroyed_lower_bound, p.gpus_used, p.lower_bound,
                  Fmt("%.1f", Median(times)).c_str());
    }
  }

  // 4. The Alibaba trace.
  const std::string dir = flags.trace_dir;
  const std::string default_list = dir + "/openb_pod_list_default.csv";
  if (dir.empty() || !std::filesystem::exists(default_list)) {
    std::printf(
        "\n### Alibaba trace\n\nskipped: %s not found (configure with "
        "-DMIGKIT_TRACE_DIR=... or pass --trace-dir)\n",
        default_list.c_str());
    return 0;
  }
  const auto pods = ReadPods(default_list);
  const auto share = ReadPods(dir + "/openb_pod_list_gpushare100.csv");
  std::vector<Case> trace = {
      TraceCase("openb default, fractional pods", pods, "6212xH100-SXM5-80GB", false, 1),
      TraceCase("openb default, all GPU pods", pods, "8000xH100-SXM5-80GB", true, 1),
      TraceCase("openb gpushare100", share, "6212xH100-SXM5-80GB", false, 1),
      TraceCase("openb default, all GPU pods, 8x inflated", pods, "60000xH100-SXM5-80GB", true,
                flags.quick ? 1 : 8),
  };
  PrintCases("Alibaba GPU-sharing trace (cluster-trace-gpu-v2023), requests as H100 profiles",
             trace, flags);
  return 0;
}

}  // namespace
}  // namespace migkit

int main(int argc, char** argv) { return migkit::Main(argc, argv); }
