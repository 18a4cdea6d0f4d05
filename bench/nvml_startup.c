/* nvml_startup: what a short-lived NVML client pays to start: load libnvidia-ml.so.1, nvmlInit_v2
 * (the library reads the GPU catalog and opens the emulated node), one query, nvmlShutdown.
 * Timed from outside, e.g. `perf stat -r 30 build/bench/nvml_startup` (docs/PERFORMANCE.md). */
#include <stdio.h>

#include "nvml/nvml_abi.h"

int main(void) {
  unsigned int count = 0;
  if (nvmlInit_v2() != NVML_SUCCESS || nvmlDeviceGetCount_v2(&count) != NVML_SUCCESS) {
    fprintf(stderr, "nvml_startup: nvmlInit_v2 or nvmlDeviceGetCount_v2 failed\n");
    return 1;
  }
  nvmlShutdown();
  return count > 0 ? 0 : 1;
}
