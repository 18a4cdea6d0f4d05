#include "testing/failing_backend.h"

#include <string>

namespace migkit {

Status FailingBackend::Next() {
  ++calls_;
  if (calls_ == fail_at_) {
    return Status(code_, "injected failure of mutating call " + std::to_string(calls_));
  }
  return Status::Ok();
}

Status FailingBackend::SetMigMode(int gpu, bool enable, Status* activation) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->SetMigMode(gpu, enable, activation);
}

Status FailingBackend::ResetGpu(int gpu) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->ResetGpu(gpu);
}

StatusOr<GpuInstance> FailingBackend::CreateGpuInstance(int gpu, int profile_id,
                                                        std::optional<int> start) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->CreateGpuInstance(gpu, profile_id, start);
}

Status FailingBackend::DestroyGpuInstance(int gpu, int gi_id) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->DestroyGpuInstance(gpu, gi_id);
}

StatusOr<ComputeInstance> FailingBackend::CreateComputeInstance(int gpu, int gi_id,
                                                                int ci_profile_id,
                                                                std::optional<int> start) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->CreateComputeInstance(gpu, gi_id, ci_profile_id, start);
}

Status FailingBackend::DestroyComputeInstance(int gpu, int gi_id, int ci_id) {
  MIGKIT_RETURN_IF_ERROR(Next());
  return target_->DestroyComputeInstance(gpu, gi_id, ci_id);
}

}  // namespace migkit
