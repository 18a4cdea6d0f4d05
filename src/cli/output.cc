#include "cli/output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "core/strings.h"

namespace migkit::cli {

Table::Table(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
}

void Table::AddRow(std::vector<std::string> row) {
  row.resize(header_.size());
  rows_.push_back(std::move(row));
}

std::string Table::Render() const {
  std::vector<size_t> width(header_.size(), 0);
  const auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  };
  measure(header_);
  for (const auto& row : rows_) measure(row);
  std::string out;
  const auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) line += "  ";
      line += right_[i] ? fmt::format("{:>{}}", row[i], width[i])
                        : fmt::format("{:<{}}", row[i], width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header_);
  for (const auto& row : rows_) emit(row);
  return out;
}

std::string_view MigModeText(bool enabled) { return enabled ? "Enabled" : "Disabled"; }

std::string MigModeSummary(const GpuState& state) {
  std::string text(MigModeText(state.mig_current));
  if (state.mig_pending != state.mig_current) {
    text += fmt::format(" (pending: {})", MigModeText(state.mig_pending));
  }
  return text;
}

std::string GiBText(std::uint64_t mib) {
  return fmt::format("{:.2f}", static_cast<double>(mib) / 1024.0);
}

std::string_view ArchitectureName(Architecture arch) {
  switch (arch) {
    case Architecture::kAmpere:
      return "Ampere";
    case Architecture::kHopper:
      return "Hopper";
    case Architecture::kBlackwell:
      return "Blackwell";
  }
  return "Unknown";
}

std::string PlacementSetText(const GiProfile& profile) {
  return "{" + Join(profile.placement_starts, ",") + "}:" + std::to_string(profile.placement_size);
}

std::vector<const GiProfile*> ProfilesInDisplayOrder(const GpuModel& model) {
  std::vector<const GiProfile*> out;
  for (const GiProfile& p : model.gi_profiles) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](const GiProfile* a, const GiProfile* b) {
    if (a->slices != b->slices) return a->slices < b->slices;
    if (a->memory_mib != b->memory_mib) return a->memory_mib < b->memory_mib;
    return a->nvml_index < b->nvml_index;
  });
  return out;
}

std::string CiProfileName(const GpuModel& model, const GiProfile& gi, int ci_profile_id) {
  for (const CiProfile& ci : model.ComputeProfilesFor(gi)) {
    if (ci.id == ci_profile_id) return ci.name;
  }
  return fmt::format("CI profile {}", ci_profile_id);
}

nlohmann::json PlacementsJson(const std::vector<Placement>& placements) {
  nlohmann::json out = nlohmann::json::array();
  for (const Placement& p : placements) out.push_back({{"start", p.start}, {"size", p.size}});
  return out;
}

nlohmann::json GpuInstanceJson(const GpuInfo& gpu, const GpuInstance& gi) {
  const GiProfile* profile = gpu.model->FindProfileById(gi.profile_id);
  nlohmann::json cis = nlohmann::json::array();
  for (const ComputeInstance& ci : gi.compute_instances) {
    auto uuid = gpu.mig_uuids.find({gi.id, ci.id});
    cis.push_back({
        {"ci_id", ci.id},
        {"profile", profile != nullptr ? CiProfileName(*gpu.model, *profile, ci.profile_id)
                                       : std::to_string(ci.profile_id)},
        // Two CI profiles can share a name (0 and 7 in a double-memory 1g GI): the ID tells them
        // apart.
        {"profile_id", ci.profile_id},
        {"uuid", uuid != gpu.mig_uuids.end() ? uuid->second : ""},
    });
  }
  return {
      {"gpu", gpu.index},
      {"gi_id", gi.id},
      {"profile", profile != nullptr ? profile->name : std::to_string(gi.profile_id)},
      {"profile_id", gi.profile_id},
      {"start", gi.placement.start},
      {"size", gi.placement.size},
      {"cis", cis},
  };
}

bool StdoutWantsColor() {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(STDOUT_FILENO) == 1;
}

std::string Colorize(std::string_view text, std::string_view sgr, bool enabled) {
  if (!enabled || text.empty()) return std::string(text);
  return fmt::format("\x1b[{}m{}\x1b[0m", sgr, text);
}

}  // namespace migkit::cli
