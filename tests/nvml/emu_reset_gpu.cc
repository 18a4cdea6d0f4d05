// emu_reset_gpu: resets emulated GPUs, as `nvidia-smi -r` does on a real node.
//
// NVML has no reset call, yet on Ampere a MIG mode change stays pending until the GPU is reset
// (mig-facts.md §9). The NVML client tests use this helper where an administrator would run
// `nvidia-smi -r` (or `migctl reset`): it opens the node named by MIGKIT_STATE_DIR /
// MIGKIT_EMULATE / MIGKIT_FAULTS, exactly as the library does, and resets the given GPUs.
// Usage: emu_reset_gpu INDEX...
#include <iostream>
#include <memory>
#include <string>

#include "catalog/catalog.h"
#include "core/strings.h"
#include "emu/emulated_node.h"
#include "env/env.h"

int main(int argc, char** argv) {
  using migkit::Status;
  if (argc < 2) {
    std::cerr << "usage: emu_reset_gpu INDEX...\n";
    return 2;
  }
  migkit::StatusOr<migkit::Catalog> catalog = migkit::Catalog::Load();
  if (!catalog.ok()) {
    std::cerr << "emu_reset_gpu: " << catalog.status().ToString() << "\n";
    return 1;
  }
  migkit::StatusOr<migkit::EmulatorOptions> options =
      migkit::EmulatorOptionsFromEnvironment(*catalog);
  if (!options.ok()) {
    std::cerr << "emu_reset_gpu: " << options.status().ToString() << "\n";
    return 1;
  }
  migkit::StatusOr<std::unique_ptr<migkit::EmulatedNode>> node =
      migkit::EmulatedNode::Open(migkit::Env::Default(), &*catalog, std::move(options).value());
  if (!node.ok()) {
    std::cerr << "emu_reset_gpu: " << node.status().ToString() << "\n";
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    int index = 0;
    if (!migkit::ParseNonNegativeInt(argv[i], &index)) {
      std::cerr << "emu_reset_gpu: '" << argv[i] << "' is not a GPU index\n";
      return 2;
    }
    const Status s = (*node)->ResetGpu(index);
    if (!s.ok()) {
      std::cerr << "emu_reset_gpu: GPU " << index << ": " << s.ToString() << "\n";
      return 1;
    }
  }
  return 0;
}
