// sim_bench: one FGD-artifact run (openb default trace, 6,212 GPUs, inflated to 130 %, seed 42)
// per policy, with Google Benchmark. Each iteration reads nothing: the trace is parsed once.
// Counters: events/s (arrivals processed per second). Results in docs/PERFORMANCE.md.
//
// usage: build/bench/sim_bench [--benchmark_repetitions=N]   (MIGKIT_TRACE_DIR at configure time)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/policies.h"
#include "sim/simulator.h"
#include "sim/trace_reader.h"
#include "sim/workload.h"

#ifndef MIGKIT_TRACE_DIR
#define MIGKIT_TRACE_DIR ""
#endif

namespace migkit::sim {
namespace {

struct Trace {
  std::vector<NodeSpec> nodes;
  std::vector<PodSpec> pods;
  std::vector<PodSpec> workload;
  bool ok = false;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

const Trace& Openb() {
  static const Trace trace = [] {
    Trace t;
    std::string dir = MIGKIT_TRACE_DIR;
    auto nodes = ParseOpenbNodes(Slurp(dir + "/openb_node_list_gpu_node.csv"), "nodes");
    auto pods = ParseOpenbPods(Slurp(dir + "/openb_pod_list_default.csv"), "pods");
    if (!nodes.ok() || !pods.ok()) return t;
    t.nodes = *nodes;
    t.pods = *pods;
    int64_t milli = 0;
    for (const NodeSpec& n : t.nodes) milli += int64_t{n.num_gpu} * kMilliPerGpu;
    t.workload = InflateWorkload(t.pods, milli, 1.3, 42);
    t.ok = true;
    return t;
  }();
  return trace;
}

void BM_OpenbRun(benchmark::State& state) {
  const Trace& trace = Openb();
  if (!trace.ok) {
    state.SkipWithError("openb trace not found: configure with -DMIGKIT_TRACE_DIR=...");
    return;
  }
  SimOptions options;
  options.policy = AllPolicies()[state.range(0)];
  options.seed = 42;
  int64_t events = 0;
  for (auto _ : state) {
    SimResult r = Simulate(trace.nodes, trace.workload, trace.pods, options);
    events += r.events;
    benchmark::DoNotOptimize(r.last.allocated_pct);
  }
  state.SetLabel(std::string(PolicyName(options.policy)));
  state.counters["events_per_s"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_OpenbRun)->DenseRange(0, 5)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace migkit::sim

BENCHMARK_MAIN();
