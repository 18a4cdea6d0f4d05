#include "sim/speed_table.h"

#include <algorithm>
#include <cmath>

#include "sim/csv_table.h"

namespace migkit::sim {

StatusOr<SpeedTable> SpeedTable::Parse(std::string_view csv_text, std::string_view source) {
  CsvTable table(csv_text, source);
  MIGKIT_RETURN_IF_ERROR(
      table.ReadHeader({"model", "batch_size", "compute_slices", "mean_iter_time_s"}));
  // job -> (slices -> iteration time)
  std::map<std::string, std::map<int, double>> times;
  Status status;
  while (table.NextRow(&status)) {
    std::string_view model = table.Field("model");
    if (model.empty() || model.find('/') != std::string_view::npos) {
      return table.Error("column 'model' is '" + std::string(model) +
                         "', expected a name without '/'");
    }
    StatusOr<int64_t> batch = table.Int("batch_size", 1, 1 << 20);
    if (!batch.ok()) return batch.status();
    StatusOr<int64_t> slices = table.Int("compute_slices", 1, 64);
    if (!slices.ok()) return slices.status();
    StatusOr<double> seconds = table.Double("mean_iter_time_s", 1e-9, 1e9);
    if (!seconds.ok()) return seconds.status();
    std::string job = std::string(model) + "/" + std::to_string(*batch);
    if (!times[job].emplace(static_cast<int>(*slices), *seconds).second) {
      return table.Error("a second row for " + job + " on " + std::to_string(*slices) +
                         " compute slices");
    }
  }
  MIGKIT_RETURN_IF_ERROR(status);
  if (times.empty()) return table.Error("no rows");
  SpeedTable out;
  for (const auto& [job, by_slices] : times) {
    // The whole GPU is the largest instance measured: relative speed 1 there.
    double whole = by_slices.rbegin()->second;
    for (const auto& [slices, seconds] : by_slices) out.jobs_[job][slices] = whole / seconds;
  }
  return out;
}

std::optional<double> SpeedTable::Relative(std::string_view job, int slices) const {
  auto it = jobs_.find(std::string(job));
  if (it == jobs_.end()) return std::nullopt;
  // The whole GPU of another model may have more slices than the A100's 7 it was measured on
  // (none in the catalog today): the whole-GPU row stands for it.
  if (slices >= it->second.rbegin()->first) return 1.0;
  auto s = it->second.find(slices);
  if (s == it->second.end()) return std::nullopt;
  return s->second;
}

int SpeedTable::SmallestSlices(std::string_view job) const {
  auto it = jobs_.find(std::string(job));
  return it == jobs_.end() ? 0 : it->second.begin()->first;
}

std::vector<std::string> SpeedTable::Jobs() const {
  std::vector<std::string> out;
  for (const auto& entry : jobs_) out.push_back(entry.first);
  return out;
}

double FallbackRelativeSpeed(int slices, int full_slices) {
  if (full_slices <= 0 || slices >= full_slices) return 1.0;
  return std::min(1.0, std::pow(static_cast<double>(slices) / full_slices, 0.55));
}

}  // namespace migkit::sim
