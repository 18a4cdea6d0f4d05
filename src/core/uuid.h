// Deterministic GPU and MIG device UUIDs for emulated GPUs.
//
// Real MIG UUIDs (R470+) look like MIG-xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx and stay the same
// for the same (GPU, GI ID, CI ID) across destroy/recreate (mig-facts.md §7); NVIDIA's derivation
// is unknown, so migkit hashes those three values. The same inputs give the same UUID in every
// process and on every machine, which makes emulated UUIDs usable in tests and configs.
#ifndef MIGKIT_CORE_UUID_H_
#define MIGKIT_CORE_UUID_H_

#include <string>
#include <string_view>

namespace migkit {

/// "GPU-" + 8-4-4-4-12 lowercase hex, a function of `seed` (e.g. the node's name) and `index`.
std::string MakeGpuUuid(std::string_view seed, int index);

/// "MIG-" + a version-5-shaped UUID derived from the parent GPU's UUID, the GI ID and the CI ID.
std::string MakeMigUuid(std::string_view gpu_uuid, int gi_id, int ci_id);

}  // namespace migkit

#endif  // MIGKIT_CORE_UUID_H_
