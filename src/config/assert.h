// AssertApplied: does a node have what a config asks for? (`migctl assert`, mig-parted's assert.)
//
// A GPU has its target when its MIG mode is the target's (in effect, nothing pending) and, with MIG
// on, its MIG devices are exactly the config's (config/target.h). GPUs that no entry selects are
// not checked (apply leaves them alone too; mig-parted's assert would fail on them).
#ifndef MIGKIT_CONFIG_ASSERT_H_
#define MIGKIT_CONFIG_ASSERT_H_

#include <string>
#include <vector>

#include "backend/backend.h"
#include "config/target.h"

namespace migkit {

struct GpuMismatch {
  int gpu = 0;
  std::string have;  // "MIG enabled: 1g.10gb x7"
  std::string want;  // "MIG enabled: 3g.40gb x2"
  /// "GPU 0: has MIG enabled: 1g.10gb x7; the config wants MIG enabled: 3g.40gb x2".
  std::string ToString() const;
};

/// The GPUs of `targets` whose state in `gpus` differs from their target, ascending.
std::vector<GpuMismatch> CheckApplied(const std::vector<GpuInfo>& gpus,
                                      const std::vector<GpuTarget>& targets);

}  // namespace migkit

#endif  // MIGKIT_CONFIG_ASSERT_H_
