// MIG device profile names as config files write them, and their meaning on one GPU model.
//
// Grammar (go-nvlib's, ecosystem.md §2.1): [<C>c.]<G>g.<GB>gb[+<attr>[,<attr>]...|-me], with
// attributes me, me.all and gfx: "1g.10gb", "1g.10gb+me", "1g.24gb+me.all", "2g.48gb-me",
// "1c.3g.40gb". A name denotes one MIG device, i.e. one compute instance (CI):
//   * "<G>g.<GB>gb..." is a GPU instance (GI) of that profile holding one CI that spans it;
//   * "<C>c.<G>g.<GB>gb..." is a CI of C compute slices inside a GI of profile "<G>g.<GB>gb...".
// "<G>c.<G>g..." is the same device as "<G>g..." and is written that way by FormatMigDevice.
// The GI part must equal one of the model's GI profile names (case-insensitive); mig-parted derives
// the GB figure from the profile's memory, migkit's catalog holds those names directly.
#ifndef MIGKIT_CONFIG_MIG_PROFILE_H_
#define MIGKIT_CONFIG_MIG_PROFILE_H_

#include <string>
#include <string_view>

#include "core/gpu_model.h"
#include "core/status.h"

namespace migkit {

/// A syntactically valid profile name.
struct MigProfileName {
  std::string text;     // as written ("1c.3g.40gb")
  int compute = 0;      // C of "<C>c.", 0 when absent
  int slices = 0;       // G
  int gb = 0;           // GB
  std::string gi_name;  // "<G>g.<GB>gb" plus the attribute suffix, lower case ("3g.40gb+me")

  friend bool operator==(const MigProfileName&, const MigProfileName&) = default;
};

/// Checks the grammar. kInvalidArgument explains the expected form.
StatusOr<MigProfileName> ParseMigProfileName(std::string_view text);

/// What a MIG device name means on one model.
struct MigDeviceProfile {
  const GiProfile* gi = nullptr;  // never null
  CiProfile ci;                   // the compute-instance profile inside that GI

  /// The canonical name: the GI name when the CI spans the GI, else "<C>c.<gi name>".
  std::string Name() const;
};

/// Resolves `name` on `model`. kInvalidArgument says what would be valid, e.g.
/// "profile '3g.20gb' does not exist on H100-SXM5-80GB; valid: 1g.10gb, 1g.10gb+me, ...".
StatusOr<MigDeviceProfile> ResolveMigProfile(const MigProfileName& name, const GpuModel& model);

/// The MIG device names `model` offers: every GI profile and every CI sub-profile of each
/// ("1g.10gb, ..., 1c.2g.20gb, 2g.20gb, 1c.3g.40gb, ..."), for error messages.
std::string ValidMigDeviceNames(const GpuModel& model);

/// The canonical name of the MIG device made of a CI of `ci_profile_id` in a GI of `gi`.
std::string FormatMigDevice(const GpuModel& model, const GiProfile& gi, int ci_profile_id);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_MIG_PROFILE_H_
