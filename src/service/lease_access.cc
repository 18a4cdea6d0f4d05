#include "service/lease_access.h"

namespace migkit {

LeaseAccess AccessOf(const Lease& lease) {
  LeaseAccess access;
  access.files = MigDeviceFilesFor(lease.gpu, lease.gi_id, lease.ci_id);
  access.cdi_name = "nvidia.com/gpu=" + lease.mig_uuid;
  access.env = {{"NVIDIA_VISIBLE_DEVICES", lease.mig_uuid},
                {"CUDA_VISIBLE_DEVICES", lease.mig_uuid}};
  return access;
}

}  // namespace migkit
