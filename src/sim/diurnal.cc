#include "sim/diurnal.h"

#include <algorithm>
#include <cmath>

#include "sim/rng.h"
#include "yaml/yaml_input.h"

namespace migkit::sim {
namespace {

constexpr double kHour = 3600;

bool InWindow(const PodClass& c, double hour_of_day) {
  if (c.start_hour <= c.end_hour) return hour_of_day >= c.start_hour && hour_of_day < c.end_hour;
  return hour_of_day >= c.start_hour || hour_of_day < c.end_hour;  // wraps past midnight
}

double Number(const YAML::Node& map, const char* key, double lo, double hi, double fallback,
              std::string_view source, bool required = false) {
  YAML::Node n = map[key];
  if (!n) {
    if (required) FailAt(source, LineOf(map), std::string("missing '") + key + "'");
    return fallback;
  }
  double v = 0;
  try {
    v = n.as<double>();
  } catch (const YAML::Exception&) {
    FailAt(source, LineOf(n),
           std::string("'") + key + "' is '" + n.as<std::string>() + "', expected a number");
  }
  if (!(v >= lo && v <= hi)) {
    FailAt(source, LineOf(n),
           std::string("'") + key + "' is " + n.as<std::string>() + ", expected " +
               std::to_string(lo) + " to " + std::to_string(hi));
  }
  return v;
}

}  // namespace

StatusOr<DiurnalScenario> ParseDiurnalScenario(std::string_view yaml_text,
                                               std::string_view source) {
  return ParseYaml<DiurnalScenario>(yaml_text, source, [&](const YAML::Node& root) {
    if (!root.IsMap()) FailAt(source, LineOf(root), "expected a map with days, cluster, classes");
    DiurnalScenario s;
    s.days = static_cast<int>(Number(root, "days", 1, 366, 1, source));
    s.seed = static_cast<uint64_t>(Number(root, "seed", 0, 1e15, 1, source));
    YAML::Node cluster = root["cluster"];
    if (!cluster || !cluster.IsMap()) FailAt(source, LineOf(root), "missing map 'cluster'");
    s.nodes = static_cast<int>(Number(cluster, "nodes", 1, 100000, 1, source, true));
    s.gpus_per_node = static_cast<int>(Number(cluster, "gpus_per_node", 1, 64, 8, source));
    s.cpu_milli_per_node =
        static_cast<int64_t>(Number(cluster, "cpu_milli", 0, 1e9, 128000, source));
    s.memory_mib_per_node =
        static_cast<int64_t>(Number(cluster, "memory_mib", 0, 1e12, 1048576, source));
    YAML::Node classes = root["classes"];
    if (!classes || !classes.IsSequence() || classes.size() == 0) {
      FailAt(source, LineOf(root), "missing list 'classes' (at least one pod class)");
    }
    for (const YAML::Node& n : classes) {
      if (!n.IsMap()) FailAt(source, LineOf(n), "a class is a map");
      PodClass c;
      c.name = n["name"] ? n["name"].as<std::string>() : "class";
      c.start_hour = Number(n, "start_hour", 0, 24, 0, source);
      c.end_hour = Number(n, "end_hour", 0, 24, 24, source);
      c.arrivals_per_hour = Number(n, "arrivals_per_hour", 0, 1e6, 0, source, true);
      c.cpu_milli = static_cast<int64_t>(Number(n, "cpu_milli", 0, 1e9, 0, source));
      c.memory_mib = static_cast<int64_t>(Number(n, "memory_mib", 0, 1e12, 0, source));
      c.num_gpu = static_cast<int>(Number(n, "num_gpu", 0, 64, 1, source));
      c.gpu_milli = static_cast<int>(Number(n, "gpu_milli", 1, kMilliPerGpu, kMilliPerGpu, source));
      if (c.num_gpu > 1 && c.gpu_milli != kMilliPerGpu) {
        FailAt(source, LineOf(n),
               "class '" + c.name +
                   "': only single-GPU pods may share a GPU (gpu_milli 1000 "
                   "with num_gpu > 1)");
      }
      c.mean_duration_s = Number(n, "mean_duration_s", 1, 1e9, 3600, source);
      if (YAML::Node job = n["job"]) {
        c.job = job.as<std::string>();
        size_t slash = c.job.find('/');
        if (slash == 0 || slash == std::string::npos || slash + 1 == c.job.size()) {
          FailAt(source, LineOf(job),
                 "class '" + c.name + "': job '" + c.job +
                     "' is not <model>/<batch_size> as in the speed table (e.g. resnet/128)");
        }
      }
      s.classes.push_back(std::move(c));
    }
    return s;
  });
}

std::vector<NodeSpec> DiurnalNodes(const DiurnalScenario& s) {
  std::vector<NodeSpec> nodes;
  for (int i = 0; i < s.nodes; ++i) {
    nodes.push_back({"node-" + std::to_string(i), s.cpu_milli_per_node, s.memory_mib_per_node,
                     s.gpus_per_node, "GPU"});
  }
  return nodes;
}

std::vector<PodSpec> GenerateDiurnalPods(const DiurnalScenario& s) {
  Rng rng(s.seed);
  std::vector<PodSpec> pods;
  double horizon = s.days * 24 * kHour;
  for (const PodClass& c : s.classes) {
    if (c.arrivals_per_hour <= 0) continue;
    // A Poisson process at the class's rate, kept only inside its window (thinning).
    double t = 0;
    while (true) {
      t += -std::log(1 - rng.Unit()) * kHour / c.arrivals_per_hour;
      if (t >= horizon) break;
      if (!InWindow(c, std::fmod(t / kHour, 24))) continue;
      PodSpec p;
      p.name = c.name;
      p.cpu_milli = c.cpu_milli;
      p.memory_mib = c.memory_mib;
      p.num_gpu = c.num_gpu;
      p.gpu_milli = c.num_gpu > 0 ? c.gpu_milli : 0;
      p.arrival = t;
      p.duration = -std::log(1 - rng.Unit()) * c.mean_duration_s;
      p.job = c.job;
      pods.push_back(std::move(p));
    }
  }
  std::stable_sort(pods.begin(), pods.end(),
                   [](const PodSpec& a, const PodSpec& b) { return a.arrival < b.arrival; });
  return pods;
}

}  // namespace migkit::sim
