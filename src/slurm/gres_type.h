// The GRES type names Slurm's gpu/nvml plugin gives GPUs and MIG devices.
//
// Slurm 22.05 (src/plugins/gpu/nvml/gpu_nvml.c) names a MIG device after its parent GPU: the
// nvmlDeviceGetName string cut at the first '-', then "_<gpuInstanceSliceCount>g.<GB>gb" with GB =
// round(memorySizeMB / 1024) from nvmlDeviceGetAttributes, then lower-cased with spaces turned into
// '_' (cluster-and-service.md §1.2). "NVIDIA A100-SXM4-40GB", 3 slices, 19968 MiB gives
// "nvidia_a100_3g.20gb"; a 7g.40gb (40192 MiB) gives "nvidia_a100_7g.39gb". A GPU without MIG is
// named by its whole product name ("nvidia_a100-sxm4-40gb").
//
// slurm.conf and gres.conf may use any substring of that name as the type; migkit uses the name
// without the vendor word ("a100_3g.20gb"), the form Slurm's documentation and sites use.
#ifndef MIGKIT_SLURM_GRES_TYPE_H_
#define MIGKIT_SLURM_GRES_TYPE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace migkit::slurm {

/// The name Slurm's gpu/nvml plugin derives for a MIG device of a GPU called `product_name`
/// (nvmlDeviceGetName) whose GPU instance has `gi_slices` compute slices and `memory_mib` MiB.
std::string NvmlMigProfileName(std::string_view product_name, int gi_slices,
                               std::uint64_t memory_mib);
/// The name the plugin derives for a whole GPU (MIG off).
std::string NvmlGpuName(std::string_view product_name);

/// The type migkit writes into slurm.conf and gres.conf: `nvml_name` without a leading "nvidia_"
/// (a substring, so it matches what the plugin reports).
std::string GresTypeFor(std::string_view nvml_name);

}  // namespace migkit::slurm

#endif  // MIGKIT_SLURM_GRES_TYPE_H_
