// Presentation helpers shared by migctl's commands: aligned tables, the JSON forms of GPUs and
// instances, nvidia-smi's number formats, and terminal colour.
//
// Everything here formats data it is given; nothing talks to a backend.
#ifndef MIGKIT_CLI_OUTPUT_H_
#define MIGKIT_CLI_OUTPUT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "backend/backend.h"
#include "core/gpu_model.h"
#include "core/placement.h"

namespace migkit::cli {

/// A plain text table: a header row and data rows, columns separated by two spaces. Columns are
/// left-aligned unless marked right-aligned. Trailing spaces are trimmed from every line.
class Table {
 public:
  /// `right_aligned[i]` aligns column i to the right (missing entries mean left).
  explicit Table(std::vector<std::string> header, std::vector<bool> right_aligned = {});
  void AddRow(std::vector<std::string> row);
  /// The rendered table, one line per row, each ending in '\n'.
  std::string Render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

/// "Enabled" or "Disabled".
std::string_view MigModeText(bool enabled);
/// "Enabled", "Disabled", or with a pending change "Disabled (pending: Enabled)".
std::string MigModeSummary(const GpuState& state);
/// Memory as nvidia-smi prints it: GiB with two decimals ("39.50").
std::string GiBText(std::uint64_t mib);
/// "Ampere", "Hopper", "Blackwell".
std::string_view ArchitectureName(Architecture arch);
/// `nvidia-smi -lgipp`'s form of a placement list: "{0,2,4}:2".
std::string PlacementSetText(const GiProfile& profile);

/// The model's GI profiles in the order nvidia-smi lists them (-lgip, -lgipp): by compute slices,
/// then memory, then NVML index (1g.10gb, 1g.10gb+me, 1g.20gb, 2g.20gb, ...).
std::vector<const GiProfile*> ProfilesInDisplayOrder(const GpuModel& model);

/// The name of CI profile `ci_profile_id` in a GI of `gi` ("1c.3g.40gb"), or "CI profile N" when
/// the model does not offer it.
std::string CiProfileName(const GpuModel& model, const GiProfile& gi, int ci_profile_id);

/// [{"start": s, "size": n}, ...].
nlohmann::json PlacementsJson(const std::vector<Placement>& placements);
/// The JSON form of one GI, as `migctl instances --json` prints it:
/// {gpu, gi_id, profile, profile_id, start, size, cis: [{ci_id, profile, uuid}]}.
nlohmann::json GpuInstanceJson(const GpuInfo& gpu, const GpuInstance& gi);

/// True when stdout is a terminal and NO_COLOR is unset or empty (https://no-color.org).
bool StdoutWantsColor();
/// `text` wrapped in the ANSI SGR sequence `sgr` ("1;36") when `enabled`; else `text`.
std::string Colorize(std::string_view text, std::string_view sgr, bool enabled);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_OUTPUT_H_
