#include "cli/status_view.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "cli/output.h"
#include "core/geometry.h"
#include "core/gpu_state.h"
#include "core/layouts.h"
#include "core/strings.h"

namespace migkit::cli {
namespace {

constexpr int kIndent = 2;
constexpr int kAxisColumns = 84;  // the picture's width budget for the placement axis

// Background colours for GIs, in turn; free units are dim.
constexpr std::array<std::string_view, 6> kPalette = {"30;46", "30;43", "30;42",
                                                      "30;45", "30;44", "30;47"};
constexpr std::string_view kFreeColor = "2";

int UnitWidth(int units) { return std::clamp(kAxisColumns / std::max(units, 1), 6, 16); }

// A run of the axis: one GI, or one free unit (gi == nullptr).
struct Segment {
  int start = 0;
  int size = 1;
  const GpuInstance* gi = nullptr;
  int color = 0;
};

std::vector<Segment> Segments(const GpuInfo& gpu) {
  std::vector<const GpuInstance*> by_start;
  for (const GpuInstance& gi : gpu.state.gpu_instances) by_start.push_back(&gi);
  std::sort(by_start.begin(), by_start.end(), [](const GpuInstance* a, const GpuInstance* b) {
    return a->placement.start < b->placement.start;
  });
  std::vector<Segment> out;
  size_t next = 0;
  int color = 0;
  for (int unit = 0; unit < gpu.model->placement_units;) {
    if (next < by_start.size() && by_start[next]->placement.start == unit) {
      const GpuInstance* gi = by_start[next++];
      out.push_back({unit, std::max(gi->placement.size, 1), gi, color++});
      unit += std::max(gi->placement.size, 1);
    } else {
      out.push_back({unit, 1, nullptr, 0});
      ++unit;
    }
  }
  return out;
}

std::string ProfileName(const GpuModel& model, int profile_id) {
  const GiProfile* p = model.FindProfileById(profile_id);
  return p != nullptr ? p->name : fmt::format("profile {}", profile_id);
}

// " text" cut or padded to exactly `width` columns.
std::string Cell(std::string_view text, int width) {
  std::string s = " " + std::string(text);
  if (static_cast<int>(s.size()) > width) s.resize(static_cast<size_t>(std::max(width, 0)));
  return fmt::format("{:<{}}", s, width);
}

std::string Picture(const GpuInfo& gpu, bool color) {
  const int units = gpu.model->placement_units;
  const int w = UnitWidth(units);
  const std::vector<Segment> segments = Segments(gpu);
  std::string out;

  std::string ruler(static_cast<size_t>(kIndent + units * w + 1), ' ');
  for (int u = 0; u < units; ++u) {
    const std::string label = std::to_string(u);
    ruler.replace(static_cast<size_t>(kIndent + u * w + 2), label.size(), label);
  }
  while (!ruler.empty() && ruler.back() == ' ') ruler.pop_back();
  out += ruler + "\n";

  std::string border = std::string(kIndent, ' ') + "+";
  for (const Segment& s : segments)
    border += std::string(static_cast<size_t>(s.size * w - 1), '-') + "+";
  border += "\n";
  out += border;

  for (int line = 0; line < 3; ++line) {
    std::string row = std::string(kIndent, ' ') + "|";
    for (const Segment& s : segments) {
      std::string text;
      if (s.gi == nullptr) {
        text = line == 0 ? "free" : "";
      } else if (line == 0) {
        text = fmt::format("GI {}", s.gi->id);
      } else if (line == 1) {
        text = ProfileName(*gpu.model, s.gi->profile_id);
      } else {
        const size_t n = s.gi->compute_instances.size();
        text = n == 0 ? "no CI" : fmt::format("{} CI{}", n, n == 1 ? "" : "s");
      }
      const std::string_view sgr =
          s.gi == nullptr ? kFreeColor : kPalette[static_cast<size_t>(s.color) % kPalette.size()];
      row += Colorize(Cell(text, s.size * w - 1), sgr, color) + "|";
    }
    out += row + "\n";
  }
  out += border;
  return out;
}

std::string InstanceTable(const GpuInfo& gpu) {
  Table table({"GI", "Profile", "Placement", "Memory", "CI", "CI profile", "MIG device UUID"},
              {true, false, false, true, true, false, false});
  for (const GpuInstance& gi : gpu.state.gpu_instances) {
    const GiProfile* p = gpu.model->FindProfileById(gi.profile_id);
    std::vector<std::string> row = {std::to_string(gi.id),
                                    ProfileName(*gpu.model, gi.profile_id),
                                    gi.placement.ToString(),
                                    p != nullptr ? fmt::format("{} MiB", p->memory_mib) : "?",
                                    "-",
                                    "-",
                                    "-"};
    if (gi.compute_instances.empty()) {
      table.AddRow(row);
      continue;
    }
    bool first = true;
    for (const ComputeInstance& ci : gi.compute_instances) {
      if (!first) row = {"", "", "", "", "", "", ""};
      first = false;
      std::ranges::copy(CiCells(gpu, gi, p, ci), row.begin() + 4);
      table.AddRow(row);
    }
  }
  std::string out;
  for (const std::string& line : Split(table.Render(), '\n')) {
    if (!line.empty()) out += std::string(kIndent, ' ') + line + "\n";
  }
  return out;
}

std::uint64_t MemoryUsed(const GpuInfo& gpu) {
  std::uint64_t used = 0;
  for (const GpuInstance& gi : gpu.state.gpu_instances) {
    if (const GiProfile* p = gpu.model->FindProfileById(gi.profile_id)) used += p->memory_mib;
  }
  return used;
}

}  // namespace

std::vector<Creatable> CreatableProfiles(const GpuInfo& gpu) {
  std::vector<Creatable> out;
  if (!gpu.state.MigUsable()) return out;
  const std::vector<int> base = BaseProfileIds(*gpu.model);
  const std::vector<PlacedProfile> placed = PlacedProfilesOf(*gpu.model, gpu.state);
  for (const GiProfile* p : ProfilesInDisplayOrder(*gpu.model)) {
    if (std::find(base.begin(), base.end(), p->id) == base.end()) continue;
    const int n = RemainingCapacity(*gpu.model, *p, placed);
    if (n > 0) out.push_back({p, n});
  }
  return out;
}

std::vector<int> FreeUnits(const GpuInfo& gpu) {
  const Occupancy occupied = OccupancyOf(PlacedProfilesOf(*gpu.model, gpu.state));
  std::vector<int> out;
  for (int u = 0; u < gpu.model->placement_units; ++u) {
    if ((occupied & (Occupancy{1} << u)) == 0) out.push_back(u);
  }
  return out;
}

std::array<std::string, 3> CiCells(const GpuInfo& gpu, const GpuInstance& gi,
                                   const GiProfile* gi_profile, const ComputeInstance& ci) {
  const auto uuid = gpu.mig_uuids.find({gi.id, ci.id});
  return {std::to_string(ci.id),
          gi_profile != nullptr ? CiProfileName(*gpu.model, *gi_profile, ci.profile_id)
                                : std::to_string(ci.profile_id),
          uuid != gpu.mig_uuids.end() ? uuid->second : ""};
}

std::string RenderStatus(const GpuInfo& gpu, bool color) {
  const GpuModel& model = *gpu.model;
  const GpuState& state = gpu.state;
  std::string out =
      Colorize(fmt::format("GPU {}: {} ({})", gpu.index, model.product_name, model.id), "1",
               color) +
      "  MIG " + MigModeSummary(state) + "\n";
  if (!state.mig_current && !state.mig_pending) {
    out += fmt::format("  MIG is disabled. Enable it with `migctl mig enable -i {}`", gpu.index);
    if (model.mode_change == ModeChangeRule::kPendingUntilReset) {
      out += fmt::format(", then `migctl reset -i {}` ({} applies a mode change at reset)",
                         gpu.index, ArchitectureName(model.architecture));
    }
    return out + ".\n";
  }
  if (state.mig_pending != state.mig_current) {
    out += fmt::format(
        "  A MIG mode change is pending until the GPU is reset; run `migctl reset -i {}` to make "
        "it effective.\n",
        gpu.index);
    if (!state.mig_current) return out;
  }
  out += Picture(gpu, color);
  if (state.gpu_instances.empty()) {
    out += "  no GPU instances\n";
  } else {
    out += InstanceTable(gpu);
  }
  const std::vector<int> free = FreeUnits(gpu);
  out += "  free units: " + (free.empty() ? std::string("none") : Join(free, ", ")) + "\n";
  out += fmt::format("  memory: {} of {} MiB assigned to GPU instances\n", MemoryUsed(gpu),
                     model.memory_mib);
  std::vector<std::string> creatable;
  for (const Creatable& c : CreatableProfiles(gpu)) {
    creatable.push_back(fmt::format("{} x{}", c.profile->name, c.count));
  }
  out += "  could still create: " +
         (creatable.empty() ? std::string(state.MigUsable() ? "nothing (no room left)"
                                                            : "nothing until the GPU is reset")
                            : Join(creatable, ", ")) +
         "\n";
  return out;
}

nlohmann::json StatusJson(const GpuInfo& gpu) {
  nlohmann::json gis = nlohmann::json::array();
  for (const GpuInstance& gi : gpu.state.gpu_instances) gis.push_back(GpuInstanceJson(gpu, gi));
  nlohmann::json can_create = nlohmann::json::array();
  for (const Creatable& c : CreatableProfiles(gpu)) {
    can_create.push_back({{"profile", c.profile->name}, {"id", c.profile->id}, {"count", c.count}});
  }
  return {
      {"gpu", gpu.index},
      {"name", gpu.model->product_name},
      {"model", gpu.model->id},
      {"mig_current", gpu.state.mig_current},
      {"mig_pending", gpu.state.mig_pending},
      {"units", gpu.model->placement_units},
      {"gpu_instances", gis},
      {"free_units", FreeUnits(gpu)},
      {"can_create", can_create},
      {"memory_used_mib", MemoryUsed(gpu)},
      {"memory_total_mib", gpu.model->memory_mib},
  };
}

}  // namespace migkit::cli
