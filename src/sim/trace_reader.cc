#include "sim/trace_reader.h"

#include <string>

#include "sim/csv_table.h"

namespace migkit::sim {
namespace {

constexpr int64_t kMaxCpuMilli = int64_t{1} << 40;
constexpr int64_t kMaxMemoryMib = int64_t{1} << 40;
constexpr int64_t kMaxTime = int64_t{1} << 50;

}  // namespace

StatusOr<std::vector<NodeSpec>> ParseOpenbNodes(std::string_view text, std::string_view source) {
  CsvTable table(text, source);
  MIGKIT_RETURN_IF_ERROR(table.ReadHeader({"sn", "cpu_milli", "memory_mib", "gpu", "model"}));
  std::vector<NodeSpec> nodes;
  Status status;
  while (table.NextRow(&status)) {
    NodeSpec node;
    node.name = std::string(table.Field("sn"));
    auto cpu = table.Int("cpu_milli", 0, kMaxCpuMilli);
    if (!cpu.ok()) return cpu.status();
    auto memory = table.Int("memory_mib", 0, kMaxMemoryMib);
    if (!memory.ok()) return memory.status();
    auto gpus = table.Int("gpu", 0, 64);
    if (!gpus.ok()) return gpus.status();
    node.cpu_milli = *cpu;
    node.memory_mib = *memory;
    node.num_gpu = static_cast<int>(*gpus);
    node.gpu_type = std::string(table.Field("model"));
    if (node.num_gpu > 0 && node.gpu_type.empty()) {
      return table.Error("node '" + node.name + "' has " + std::to_string(node.num_gpu) +
                         " GPUs but no model, expected a GPU model such as T4 or V100M16");
    }
    nodes.push_back(std::move(node));
  }
  if (!status.ok()) return status;
  if (nodes.empty()) return table.Error("no nodes, expected at least one row after the header");
  return nodes;
}

StatusOr<std::vector<PodSpec>> ParseOpenbPods(std::string_view text, std::string_view source) {
  CsvTable table(text, source);
  MIGKIT_RETURN_IF_ERROR(
      table.ReadHeader({"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"}));
  std::vector<PodSpec> pods;
  Status status;
  while (table.NextRow(&status)) {
    PodSpec pod;
    pod.name = std::string(table.Field("name"));
    auto cpu = table.Int("cpu_milli", 0, kMaxCpuMilli);
    if (!cpu.ok()) return cpu.status();
    auto memory = table.Int("memory_mib", 0, kMaxMemoryMib);
    if (!memory.ok()) return memory.status();
    auto num_gpu = table.Int("num_gpu", 0, 64);
    if (!num_gpu.ok()) return num_gpu.status();
    auto gpu_milli = table.Int("gpu_milli", 0, kMilliPerGpu);
    if (!gpu_milli.ok()) return gpu_milli.status();
    pod.cpu_milli = *cpu;
    pod.memory_mib = *memory;
    pod.num_gpu = static_cast<int>(*num_gpu);
    pod.gpu_milli = pod.num_gpu > 0 ? static_cast<int>(*gpu_milli) : 0;
    if (pod.num_gpu > 0 && pod.gpu_milli == 0) {
      return table.Error("pod '" + pod.name + "' asks for " + std::to_string(pod.num_gpu) +
                         " GPUs with gpu_milli 0, expected 1 to 1000 milli-GPU per GPU");
    }
    if (pod.num_gpu > 1 && pod.gpu_milli != kMilliPerGpu) {
      return table.Error("pod '" + pod.name + "' asks for " + std::to_string(pod.num_gpu) +
                         " GPUs of " + std::to_string(pod.gpu_milli) +
                         " milli-GPU each; only single-GPU pods may share a GPU (gpu_milli 1000 "
                         "expected)");
    }
    std::string_view spec = table.Field("gpu_spec");
    if (!spec.empty()) {
      for (std::string_view type : SplitFields(spec, '|')) {
        if (!type.empty()) pod.gpu_types.emplace_back(type);
      }
    }
    if (table.Has("creation_time")) {
      auto created = table.Int("creation_time", 0, kMaxTime, 0);
      if (!created.ok()) return created.status();
      pod.arrival = static_cast<double>(*created);
    }
    if (table.Has("scheduled_time") && table.Has("deletion_time")) {
      auto scheduled = table.Int("scheduled_time", 0, kMaxTime, 0);
      if (!scheduled.ok()) return scheduled.status();
      auto deleted = table.Int("deletion_time", 0, kMaxTime, 0);
      if (!deleted.ok()) return deleted.status();
      if (!table.Field("scheduled_time").empty() && !table.Field("deletion_time").empty() &&
          *deleted > *scheduled) {
        pod.duration = static_cast<double>(*deleted - *scheduled);
      }
    }
    pods.push_back(std::move(pod));
  }
  if (!status.ok()) return status;
  if (pods.empty()) return table.Error("no pods, expected at least one row after the header");
  return pods;
}

}  // namespace migkit::sim
