// FailingBackend: a Backend decorator that makes the k-th mutating call fail, so tests can check
// that every step of a plan rolls back.
#ifndef MIGKIT_TESTING_FAILING_BACKEND_H_
#define MIGKIT_TESTING_FAILING_BACKEND_H_

#include <optional>
#include <string>
#include <vector>

#include "backend/backend.h"

namespace migkit {

/// Forwards to a Backend, except that the `fail_at`-th mutating call (1-based; SetMigMode,
/// ResetGpu, Create*, Destroy*) fails with `code` and changes nothing. 0 never fails.
class FailingBackend : public Backend {
 public:
  FailingBackend(Backend* target, int fail_at, Code code = Code::kUnknown)
      : target_(target), fail_at_(fail_at), code_(code) {}

  std::string Describe() const override { return target_->Describe(); }
  bool IsEmulated() const override { return target_->IsEmulated(); }
  StatusOr<std::vector<GpuInfo>> Gpus() override { return target_->Gpus(); }
  Status SetMigMode(int gpu, bool enable, Status* activation) override;
  Status ResetGpu(int gpu) override;
  StatusOr<GpuInstance> CreateGpuInstance(int gpu, int profile_id,
                                          std::optional<int> start) override;
  Status DestroyGpuInstance(int gpu, int gi_id) override;
  StatusOr<ComputeInstance> CreateComputeInstance(int gpu, int gi_id, int ci_profile_id,
                                                  std::optional<int> start) override;
  Status DestroyComputeInstance(int gpu, int gi_id, int ci_id) override;

  int mutating_calls() const { return calls_; }

 private:
  /// Counts a mutating call; the injected error when it is the one to fail.
  Status Next();

  Backend* target_;
  int fail_at_;
  Code code_;
  int calls_ = 0;
};

}  // namespace migkit

#endif  // MIGKIT_TESTING_FAILING_BACKEND_H_
