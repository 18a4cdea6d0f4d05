// Which GPUs a command acts on: the values of `-i/--gpu`.
//
// Like `nvidia-smi -i`, a value is a GPU index, a PCI bus ID ("00000000:18:00.0", or without the
// domain "18:00.0") or a GPU UUID, and several may be given as a comma list or by repeating -i.
#ifndef MIGKIT_CLI_GPU_SELECTION_H_
#define MIGKIT_CLI_GPU_SELECTION_H_

#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/status.h"

namespace migkit::cli {

/// The indices of the GPUs in `gpus` named by `args` (each possibly a comma list), ascending and
/// without duplicates; every GPU when `args` is empty. kInvalidArgument names the value that
/// matches no GPU and lists the valid range ("GPU index 9 is out of range; valid: 0-7").
StatusOr<std::vector<int>> SelectGpus(const std::vector<std::string>& args,
                                      const std::vector<GpuInfo>& gpus);

}  // namespace migkit::cli

#endif  // MIGKIT_CLI_GPU_SELECTION_H_
