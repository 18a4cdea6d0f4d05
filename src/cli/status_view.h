// The picture `migctl status` draws of one GPU: its placement axis with the GPU instances on it,
// their compute instances, the free units, memory, and what could still be created.
//
//   GPU 0: NVIDIA H100 80GB HBM3 (H100-SXM5-80GB)  MIG Enabled
//        0         1         2         3         4         5         6         7
//     +-------------------+---------+---------+---------------------------------------+
//     | GI 3              | GI 9    | free    | GI 2                                  |
//     ...
//
// One cell per placement unit (8 on A100/H100, 4 on A30, 12 on RTX PRO 6000), scaled so the picture
// stays within about 90 columns.
#ifndef MIGKIT_CLI_STATUS_VIEW_H_
#define MIGKIT_CLI_STATUS_VIEW_H_

#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/gpu_model.h"

namespace migkit::cli {

/// A base profile that could still be created, and how many times (RemainingCapacity > 0).
struct Creatable {
  const GiProfile* profile = nullptr;
  int count = 0;
};

/// The base profiles (core BaseProfileIds) with room left, in nvidia-smi's profile order. Empty
/// when MIG is not usable.
std::vector<Creatable> CreatableProfiles(const GpuInfo& gpu);
/// Placement units no GI occupies, ascending.
std::vector<int> FreeUnits(const GpuInfo& gpu);

/// The compute-instance columns of the instance tables of `status` and `instances`: the CI's ID,
/// its profile's name (the profile ID when `gi_profile`, the GI's profile, is unknown) and its MIG
/// device UUID ("" when the snapshot has none).
std::array<std::string, 3> CiCells(const GpuInfo& gpu, const GpuInstance& gi,
                                   const GiProfile* gi_profile, const ComputeInstance& ci);

/// The text `migctl status` prints for `gpu`; ANSI colours when `color`.
std::string RenderStatus(const GpuInfo& gpu, bool color);
/// {gpu, name, model, mig_current, mig_pending, units, gpu_instances, free_units, can_create,
///  memory_used_mib, memory_total_mib}.
nlohmann::json StatusJson(const GpuInfo& gpu);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_STATUS_VIEW_H_
