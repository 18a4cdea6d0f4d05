#!/bin/sh
# Checks the dynamic symbol table of libnvidia-ml.so.1:
#   1. only nvml* symbols are exported (clients load it RTLD_GLOBAL into their namespace);
#   2. every name real clients were measured calling (nvml-clients.md §7), the v1 fallback names,
#      the extra names of GitHub issue 3, the device plugin's event calls and Slurm's gpu/nvml
#      plugin's calls (issue 8; cluster-and-service.md §1.2) and the confidential computing calls
#      DCGM and nvtrust make (issue 15; cc-facts.md §5.5) are exported;
#   3. every exported name is exercised by the C test (SOURCE).
# Usage: check_symbols.sh NM LIBRARY SOURCE
set -eu
nm_tool=$1
lib=$2
source_file=$3

exported=$("$nm_tool" -D --defined-only "$lib" | awk '{ print $NF }' | sort -u)
status=0

others=$(printf '%s\n' "$exported" | grep -v '^nvml' || true)
if [ -n "$others" ]; then
  echo "FAIL: symbols other than nvml* are exported:"
  printf '  %s\n' $others
  status=1
fi

required="
nvmlInit_v2 nvmlInitWithFlags nvmlShutdown nvmlSystemGetNVMLVersion nvmlSystemGetDriverVersion
nvmlSystemGetCudaDriverVersion nvmlErrorString
nvmlDeviceGetCount_v2 nvmlDeviceGetHandleByIndex_v2 nvmlDeviceGetHandleByPciBusId_v2
nvmlDeviceGetHandleByUUID nvmlDeviceGetIndex nvmlDeviceGetMinorNumber nvmlDeviceGetName
nvmlDeviceGetUUID nvmlDeviceGetMemoryInfo nvmlDeviceGetPciInfo_v3 nvmlDeviceGetCudaComputeCapability
nvmlDeviceGetAttributes_v2
nvmlDeviceGetMigMode nvmlDeviceSetMigMode nvmlDeviceGetGpuInstanceProfileInfo
nvmlDeviceGetGpuInstanceProfileInfoV nvmlDeviceGetGpuInstanceRemainingCapacity
nvmlDeviceGetGpuInstances nvmlDeviceGetGpuInstanceById nvmlDeviceCreateGpuInstance
nvmlDeviceCreateGpuInstanceWithPlacement nvmlGpuInstanceGetInfo nvmlGpuInstanceDestroy
nvmlGpuInstanceGetComputeInstanceProfileInfo nvmlGpuInstanceGetComputeInstanceProfileInfoV
nvmlGpuInstanceGetComputeInstances nvmlGpuInstanceGetComputeInstanceById
nvmlGpuInstanceCreateComputeInstance nvmlComputeInstanceGetInfo_v2 nvmlComputeInstanceDestroy
nvmlDeviceGetMaxMigDeviceCount nvmlDeviceGetMigDeviceHandleByIndex nvmlDeviceIsMigDeviceHandle
nvmlDeviceGetGpuInstanceId nvmlDeviceGetComputeInstanceId nvmlDeviceGetDeviceHandleFromMigDeviceHandle
nvmlInit nvmlDeviceGetCount nvmlDeviceGetHandleByIndex nvmlDeviceGetHandleByPciBusId
nvmlDeviceGetPciInfo nvmlDeviceGetPciInfo_v2 nvmlComputeInstanceGetInfo nvmlDeviceGetAttributes
nvmlDeviceGetGpuInstancePossiblePlacements nvmlDeviceGetGpuInstancePossiblePlacements_v2
nvmlDeviceGetGpuInstanceRemainingCapacity nvmlGpuInstanceGetComputeInstanceRemainingCapacity
nvmlGpuInstanceCreateComputeInstanceWithPlacement nvmlGpuInstanceGetComputeInstancePossiblePlacements
nvmlDeviceGetGpuInstanceProfileInfoByIdV nvmlDeviceGetMemoryInfo_v2 nvmlDeviceGetArchitecture
nvmlDeviceGetBrand
nvmlEventSetCreate nvmlDeviceGetSupportedEventTypes nvmlDeviceRegisterEvents nvmlEventSetWait_v2
nvmlEventSetWait nvmlEventSetFree
nvmlDeviceGetCpuAffinity nvmlDeviceGetNvLinkState nvmlDeviceGetNvLinkRemotePciInfo_v2
nvmlDeviceGetSupportedMemoryClocks nvmlDeviceGetSupportedGraphicsClocks
nvmlDeviceGetApplicationsClock nvmlDeviceSetApplicationsClocks nvmlDeviceResetApplicationsClocks
nvmlSystemGetConfComputeCapabilities nvmlSystemGetConfComputeState nvmlSystemGetConfComputeSettings
nvmlSystemGetConfComputeGpusReadyState nvmlSystemSetConfComputeGpusReadyState
nvmlSystemGetConfComputeKeyRotationThresholdInfo nvmlSystemSetConfComputeKeyRotationThresholdInfo
nvmlDeviceGetConfComputeMemSizeInfo nvmlDeviceGetConfComputeProtectedMemoryUsage
nvmlDeviceGetConfComputeGpuCertificate nvmlDeviceGetConfComputeGpuAttestationReport
"
for name in $required; do
  if ! printf '%s\n' "$exported" | grep -qx "$name"; then
    echo "FAIL: $name is not exported"
    status=1
  fi
done

for name in $exported; do
  if ! grep -qw "$name" "$source_file"; then
    echo "FAIL: $name is exported but never called by $(basename "$source_file")"
    status=1
  fi
done

count=$(printf '%s\n' "$exported" | grep -c .)
if [ "$status" -eq 0 ]; then
  echo "check_symbols: $count symbols exported, all nvml*, all required present, all tested"
fi
exit "$status"
