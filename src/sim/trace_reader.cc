#include "sim/trace_reader.h"

#include <charconv>
#include <map>
#include <optional>
#include <string>

namespace migkit::sim {
namespace {

std::vector<std::string_view> SplitFields(std::string_view line, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t end = line.find(sep, start);
    out.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

// One CSV file being read: its header's column positions and the current line, for messages.
class CsvTable {
 public:
  CsvTable(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  // Reads the header; every name in `required` must be present.
  Status ReadHeader(const std::vector<std::string_view>& required) {
    std::string_view header;
    if (!NextLine(&header)) return Error("empty file, expected a header line");
    std::vector<std::string_view> names = SplitFields(header, ',');
    for (size_t i = 0; i < names.size(); ++i) columns_.emplace(std::string(names[i]), i);
    for (std::string_view name : required) {
      if (!columns_.count(std::string(name))) {
        return Error("the header lacks column '" + std::string(name) +
                     "' (found: " + std::string(header) + ")");
      }
    }
    return Status::Ok();
  }

  // The next non-empty line's fields; false at the end.
  bool NextRow(Status* status) {
    std::string_view line;
    while (NextLine(&line)) {
      if (line.empty()) continue;
      fields_ = SplitFields(line, ',');
      if (fields_.size() != columns_.size()) {
        *status = Error("expected " + std::to_string(columns_.size()) + " fields, found " +
                        std::to_string(fields_.size()));
        return false;
      }
      return true;
    }
    return false;
  }

  std::string_view Field(std::string_view column) const {
    auto it = columns_.find(std::string(column));
    return it == columns_.end() ? std::string_view() : fields_[it->second];
  }
  bool Has(std::string_view column) const { return columns_.count(std::string(column)) > 0; }

  // The integer in `column`, which must lie in [lo, hi]; an empty field is `empty_value` if given.
  StatusOr<int64_t> Int(std::string_view column, int64_t lo, int64_t hi,
                        std::optional<int64_t> empty_value = std::nullopt) const {
    std::string_view field = Field(column);
    if (field.empty() && empty_value) return *empty_value;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value);
    if (ec != std::errc() || end != field.data() + field.size() || value < lo || value > hi) {
      return Error("column '" + std::string(column) + "' is '" + std::string(field) +
                   "', expected an integer from " + std::to_string(lo) + " to " +
                   std::to_string(hi));
    }
    return value;
  }

  Status Error(const std::string& message) const {
    return Status::ParseError(std::string(source_) + ":" + std::to_string(line_) + ": " + message);
  }

 private:
  bool NextLine(std::string_view* line) {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    *line = text_.substr(pos_, end - pos_);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos_ = end + 1;
    ++line_;
    return true;
  }

  std::string_view text_;
  std::string_view source_;
  size_t pos_ = 0;
  int line_ = 0;
  std::map<std::string, size_t> columns_;
  std::vector<std::string_view> fields_;
};

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
