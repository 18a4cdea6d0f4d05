// Test support for reconfig (compiled into migkit_test only): emulated nodes on an in-memory Env
// (testing/mem_env.h), configs resolved and applied in one call. The Backend decorator that fails
// the k-th mutating call is testing/failing_backend.h.
#ifndef MIGKIT_RECONFIG_TEST_SUPPORT_H_
#define MIGKIT_RECONFIG_TEST_SUPPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "emu/emulated_node.h"
#include "env/env.h"
#include "reconfig/apply.h"
#include "testing/failing_backend.h"
#include "testing/mem_env.h"

namespace migkit {

/// A fresh emulated node of `spec` ("8xH100-SXM5-80GB") in `dir` on `env`. Aborts on error.
std::unique_ptr<EmulatedNode> NewTestNode(Env* env, const std::string& dir,
                                          const std::string& spec);

/// The config `name` of the YAML text `yaml`, resolved against `gpus`. Aborts on error.
Desired ConfigDesired(const std::string& yaml, const std::string& name,
                      const std::vector<GpuInfo>& gpus);

/// Applies `desired` to `backend` (no busy marks, no waiting). Aborts unless it is applied or
/// already was.
void MustApply(Backend* backend, Env* env, const Desired& desired);

/// The snapshot of `backend`. Aborts on error.
std::vector<GpuInfo> MustSnapshot(Backend* backend);

}  // namespace migkit

#endif  // MIGKIT_RECONFIG_TEST_SUPPORT_H_
