// plan_output_bench: micro-benchmarks (Google Benchmark) of the planner's input and output on
// large fleets, the two costs issue 8 measured: `migctl plan --json` building its JSON, and
// reading a fleet's current layouts from a mig-parted config (`--current`).
//
//   plan_output_bench [--benchmark_filter=REGEX] [--benchmark_repetitions=N]
//
// BM_PlanJson* run on one plan of an N-GPU H100 fleet: *Once is what migctl does now (build the
// object, dump it once); *ThroughText is what it did before (dump, parse, add fields, dump again),
// kept here so the ratio comes from the same run. BM_SetCurrent* reads a config with the layouts
// of N GPUs; its complexity line should say N, not N^2.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "catalog/catalog.h"
#include "plan/demand.h"
#include "plan/fleet.h"
#include "plan/plan_output.h"
#include "plan/planner.h"

namespace migkit {
namespace {

template <typename T>
T Must(StatusOr<T> v) {
  if (!v.ok()) {
    std::fprintf(stderr, "plan_output_bench: %s\n", v.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(v).value();
}

// A fleet of `gpus` H100s and a fast plan for a demand that fills most of them.
struct PlannedFleet {
  Fleet fleet;
  Demand demand;
  FleetPlan plan;
};

PlannedFleet MakePlannedFleet(int gpus) {
  PlannedFleet p;
  p.fleet = Must(ParseFleet(std::to_string(gpus) + "xH100-SXM5-80GB", Catalog::BuiltIn()));
  p.demand = Must(ParseDemand("1g.10gb=" + std::to_string(2 * gpus) +
                              ",3g.40gb=" + std::to_string(gpus / 2) +
                              ",2g.20gb=" + std::to_string(gpus * 3 / 10)));
  FleetPlanOptions options;
  options.mode = PlanMode::kFast;
  p.plan = Must(PlanFleet(p.fleet, p.demand, options));
  return p;
}

// migctl plan --json on an N-GPU plan: `plan_json` makes the plan's JSON object, to which the
// config is added before the one dump.
template <typename PlanJsonOf>
void PlanJsonBenchmark(benchmark::State& state, PlanJsonOf plan_json) {
  const PlannedFleet p = MakePlannedFleet(static_cast<int>(state.range(0)));
  const std::string config = ToMigPartedConfig(p.fleet, p.plan, ConfigOptions{});
  for (auto _ : state) {
    nlohmann::json j = plan_json(p);
    j["config"] = config;
    benchmark::DoNotOptimize(j.dump(2));
  }
  state.SetComplexityN(state.range(0));
}

void BM_PlanJsonOnce(benchmark::State& state) {
  PlanJsonBenchmark(state,
                    [](const PlannedFleet& p) { return PlanJson(p.fleet, p.demand, p.plan); });
}
BENCHMARK(BM_PlanJsonOnce)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_PlanJsonThroughText(benchmark::State& state) {
  PlanJsonBenchmark(state, [](const PlannedFleet& p) {
    return nlohmann::json::parse(PlanToJson(p.fleet, p.demand, p.plan));
  });
}
BENCHMARK(BM_PlanJsonThroughText)->Arg(10'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

void BM_SetCurrentFromMigPartedConfig(benchmark::State& state) {
  const PlannedFleet p = MakePlannedFleet(static_cast<int>(state.range(0)));
  const std::string config = ToMigPartedConfig(p.fleet, p.plan, ConfigOptions{});
  for (auto _ : state) {
    Fleet fleet = p.fleet;
    const Status s = SetCurrentFromMigPartedConfig(config, "current.yaml", "", &fleet);
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    benchmark::DoNotOptimize(fleet);
  }
  state.SetComplexityN(state.range(0));
}
BENCHMARK(BM_SetCurrentFromMigPartedConfig)
    ->RangeMultiplier(4)
    ->Range(6'250, 100'000)
    ->Unit(benchmark::kMillisecond)
    ->Complexity();

}  // namespace
}  // namespace migkit

BENCHMARK_MAIN();
