/* nvml_abuse_test: every exported function of migkit's libnvidia-ml.so.1, called the way a buggy
 * client would -- NULL outputs, garbage handles, wrong struct versions, out-of-range values --
 * before nvmlInit, while initialized, and after nvmlShutdown. Each must return NVML's error code
 * (UNINITIALIZED before init and after shutdown, INVALID_ARGUMENT or ARGUMENT_VERSION_MISMATCH
 * while initialized), and never crash.
 *
 * The table below has one probe per exported name, each calling its function through its real
 * prototype (calling through a generic signature would be undefined behaviour). The test is given
 * the library's exported names (nm -D, see CMakeLists.txt) and fails for any name without a probe,
 * so a new export cannot go untested. Each probe runs in a child process, so a crash names it.
 *
 * Node: MIGKIT_EMULATE=H100-SXM5-80GB in a fresh MIGKIT_STATE_DIR (run_fresh.sh).
 * Usage: nvml_abuse_test EXPORTED_NAMES_FILE
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nvml/nvml_abi.h"

enum Phase { kBeforeInit, kInitialized, kAfterShutdown };
static const char* const kPhaseNames[] = {"before nvmlInit", "initialized", "after nvmlShutdown"};

static enum Phase g_phase = kBeforeInit;
static int g_failures = 0;

/* Valid handles while initialized (a MIG-enabled H100 with one 1g GPU instance and its compute
 * instance); they stay the library's handles after nvmlShutdown. NULL before nvmlInit. */
static nvmlDevice_t g_gpu;
static nvmlDevice_t g_mig;
static nvmlGpuInstance_t g_gi;
static nvmlComputeInstance_t g_ci;

/* Garbage handles: addresses the library never handed out, pointing at junk. */
static unsigned char g_junk[256];
#define BAD_DEV ((nvmlDevice_t)(void*)g_junk)
#define BAD_GI ((nvmlGpuInstance_t)(void*)(g_junk + 64))
#define BAD_CI ((nvmlComputeInstance_t)(void*)(g_junk + 128))

static void Expect(const char* call, int line, nvmlReturn_t expected, nvmlReturn_t got) {
  if (got != expected) {
    ++g_failures;
    fprintf(stderr, "nvml_abuse_test.c:%d (%s): %s\n  returned %d (%s), expected %d (%s)\n", line,
            kPhaseNames[g_phase], call, (int)got, nvmlErrorString(got), (int)expected,
            nvmlErrorString(expected));
  }
}

/* The code a call must return in this phase: `when_initialized`, else UNINITIALIZED. */
static nvmlReturn_t Want(nvmlReturn_t when_initialized) {
  return g_phase == kInitialized ? when_initialized : NVML_ERROR_UNINITIALIZED;
}

#define EXPECT_RC(expected, call) Expect(#call, __LINE__, (expected), (call))
#define INVALID Want(NVML_ERROR_INVALID_ARGUMENT)
/* nvmlDeviceGetMemoryInfo_v2 reports a bad version word as ARGUMENT_VERSION_MISMATCH; the *V
 * profile-info functions as INVALID_ARGUMENT, as nvml.h documents them (mig-facts.md §6). */
#define VERSION Want(NVML_ERROR_ARGUMENT_VERSION_MISMATCH)

/* ---- Probes, one per export ------------------------------------------------------------- */

/* nvmlInit is run by main: it is what changes the phase. So is nvmlShutdown, including the extra
 * call after shutdown. */
static void P_nvmlInit(void) {}
static void P_nvmlShutdown(void) {}

static void P_nvmlInitWithFlags(void) {
  /* Tested in main; an unknown flag bit must not crash (the emulator ignores flags). */
}

static void P_nvmlErrorString(void) {
  /* Any value, including ones NVML does not define, gives a string. */
  const int values[] = {-1, 0, 1, 26, 998, 999, 1000, 0x7fffffff};
  for (size_t i = 0; i < sizeof values / sizeof values[0]; ++i) {
    const char* s = nvmlErrorString((nvmlReturn_t)values[i]);
    if (s == NULL || s[0] == '\0') {
      ++g_failures;
      fprintf(stderr, "nvmlErrorString(%d) returned an empty string\n", values[i]);
    }
  }
}

static void P_nvmlSystemGetDriverVersion(void) {
  char buf[4];
  EXPECT_RC(INVALID, nvmlSystemGetDriverVersion(NULL, 80));
  EXPECT_RC(Want(NVML_ERROR_INSUFFICIENT_SIZE), nvmlSystemGetDriverVersion(buf, sizeof buf));
  EXPECT_RC(Want(NVML_ERROR_INSUFFICIENT_SIZE), nvmlSystemGetDriverVersion(buf, 0));
}

/* The next three work without nvmlInit, as the real ones do. */
static void P_nvmlSystemGetNVMLVersion(void) {
  char buf[4];
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetNVMLVersion(NULL, 80));
  EXPECT_RC(NVML_ERROR_INSUFFICIENT_SIZE, nvmlSystemGetNVMLVersion(buf, sizeof buf));
}
static void P_nvmlSystemGetCudaDriverVersion(void) {
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetCudaDriverVersion(NULL));
}
static void P_nvmlSystemGetCudaDriverVersion_v2(void) {
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetCudaDriverVersion_v2(NULL));
}

static void P_nvmlDeviceGetCount(void) { EXPECT_RC(INVALID, nvmlDeviceGetCount(NULL)); }
static void P_nvmlDeviceGetCount_v2(void) { EXPECT_RC(INVALID, nvmlDeviceGetCount_v2(NULL)); }

static void P_nvmlDeviceGetHandleByIndex(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByIndex(0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByIndex(1, &d));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByIndex(0xffffffffu, &d));
}
static void P_nvmlDeviceGetHandleByIndex_v2(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByIndex_v2(0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByIndex_v2(0x80000000u, &d));
}

static void P_nvmlDeviceGetHandleByPciBusId(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId(NULL, &d));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId("00000000:18:00.0", NULL));
  EXPECT_RC(Want(NVML_ERROR_NOT_FOUND), nvmlDeviceGetHandleByPciBusId("00000000:19:00.0", &d));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId("garbage:zz", &d));
}
static void P_nvmlDeviceGetHandleByPciBusId_v2(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId_v2(NULL, &d));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId_v2("00000000:18:00.0", NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByPciBusId_v2("", &d));
}

static void P_nvmlDeviceGetHandleByUUID(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByUUID(NULL, &d));
  EXPECT_RC(INVALID, nvmlDeviceGetHandleByUUID("GPU-x", NULL));
  EXPECT_RC(Want(NVML_ERROR_NOT_FOUND),
            nvmlDeviceGetHandleByUUID("GPU-00000000-0000-0000-0000-000000000000", &d));
}

/* Device queries of the form f(device, out): NULL out with a good handle, a garbage handle. */
#define DEVICE_QUERY_PROBE(fn, out_type)   \
  static void P_##fn(void) {               \
    out_type out;                          \
    EXPECT_RC(INVALID, fn(g_gpu, NULL));   \
    EXPECT_RC(INVALID, fn(BAD_DEV, &out)); \
    EXPECT_RC(INVALID, fn(NULL, &out));    \
  }

DEVICE_QUERY_PROBE(nvmlDeviceGetIndex, unsigned int)
DEVICE_QUERY_PROBE(nvmlDeviceGetMinorNumber, unsigned int)
DEVICE_QUERY_PROBE(nvmlDeviceGetMemoryInfo, nvmlMemory_t)
DEVICE_QUERY_PROBE(nvmlDeviceGetPciInfo, nvmlPciInfo_t)
DEVICE_QUERY_PROBE(nvmlDeviceGetPciInfo_v2, nvmlPciInfo_t)
DEVICE_QUERY_PROBE(nvmlDeviceGetPciInfo_v3, nvmlPciInfo_t)
DEVICE_QUERY_PROBE(nvmlDeviceGetArchitecture, nvmlDeviceArchitecture_t)
DEVICE_QUERY_PROBE(nvmlDeviceGetBrand, nvmlBrandType_t)
DEVICE_QUERY_PROBE(nvmlDeviceIsMigDeviceHandle, unsigned int)
DEVICE_QUERY_PROBE(nvmlDeviceGetMaxMigDeviceCount, unsigned int)

static void P_nvmlDeviceGetMemoryInfo_v2(void) {
  nvmlMemory_v2_t m;
  memset(&m, 0, sizeof m);
  m.version = nvmlMemory_v2;
  EXPECT_RC(INVALID, nvmlDeviceGetMemoryInfo_v2(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetMemoryInfo_v2(BAD_DEV, &m));
  m.version = 0;
  EXPECT_RC(VERSION, nvmlDeviceGetMemoryInfo_v2(g_gpu, &m));
  m.version = 0xffffffffu;
  EXPECT_RC(VERSION, nvmlDeviceGetMemoryInfo_v2(g_gpu, &m));
}

static void P_nvmlDeviceGetName(void) {
  char buf[96];
  EXPECT_RC(INVALID, nvmlDeviceGetName(g_gpu, NULL, sizeof buf));
  EXPECT_RC(INVALID, nvmlDeviceGetName(BAD_DEV, buf, sizeof buf));
  EXPECT_RC(Want(NVML_ERROR_INSUFFICIENT_SIZE), nvmlDeviceGetName(g_gpu, buf, 0));
}
static void P_nvmlDeviceGetUUID(void) {
  char buf[96];
  EXPECT_RC(INVALID, nvmlDeviceGetUUID(g_gpu, NULL, sizeof buf));
  EXPECT_RC(INVALID, nvmlDeviceGetUUID(BAD_DEV, buf, sizeof buf));
  EXPECT_RC(Want(NVML_ERROR_INSUFFICIENT_SIZE), nvmlDeviceGetUUID(g_mig, buf, 1));
}

static void P_nvmlDeviceGetCudaComputeCapability(void) {
  int major, minor;
  EXPECT_RC(INVALID, nvmlDeviceGetCudaComputeCapability(g_gpu, NULL, &minor));
  EXPECT_RC(INVALID, nvmlDeviceGetCudaComputeCapability(g_gpu, &major, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetCudaComputeCapability(BAD_DEV, &major, &minor));
}

static void P_nvmlDeviceGetAttributes(void) {
  nvmlDeviceAttributes_t a;
  EXPECT_RC(INVALID, nvmlDeviceGetAttributes(g_mig, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetAttributes(BAD_DEV, &a));
}
static void P_nvmlDeviceGetAttributes_v2(void) {
  nvmlDeviceAttributes_t a;
  EXPECT_RC(INVALID, nvmlDeviceGetAttributes_v2(g_mig, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetAttributes_v2(BAD_DEV, &a));
}

/* nvmlProcessInfo_t is opaque here: only the count query (NULL array) can be made. */
#define PROCESSES_PROBE(fn)                    \
  static void P_##fn(void) {                   \
    unsigned int n = 0;                        \
    EXPECT_RC(INVALID, fn(g_gpu, NULL, NULL)); \
    EXPECT_RC(INVALID, fn(BAD_DEV, &n, NULL)); \
  }
PROCESSES_PROBE(nvmlDeviceGetComputeRunningProcesses)
PROCESSES_PROBE(nvmlDeviceGetComputeRunningProcesses_v2)
PROCESSES_PROBE(nvmlDeviceGetComputeRunningProcesses_v3)

static void P_nvmlDeviceSetMigMode(void) {
  nvmlReturn_t activation;
  EXPECT_RC(INVALID, nvmlDeviceSetMigMode(g_gpu, NVML_DEVICE_MIG_ENABLE, NULL));
  EXPECT_RC(INVALID, nvmlDeviceSetMigMode(BAD_DEV, NVML_DEVICE_MIG_ENABLE, &activation));
  EXPECT_RC(INVALID, nvmlDeviceSetMigMode(g_gpu, 7, &activation));
  /* A MIG device is not a GPU whose mode can be set. */
  EXPECT_RC(g_phase == kInitialized ? NVML_ERROR_INVALID_ARGUMENT : NVML_ERROR_UNINITIALIZED,
            nvmlDeviceSetMigMode(g_mig, NVML_DEVICE_MIG_DISABLE, &activation));
}

static void P_nvmlDeviceGetMigMode(void) {
  unsigned int current, pending;
  EXPECT_RC(INVALID, nvmlDeviceGetMigMode(g_gpu, NULL, &pending));
  EXPECT_RC(INVALID, nvmlDeviceGetMigMode(g_gpu, &current, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetMigMode(BAD_DEV, &current, &pending));
}

static void P_nvmlDeviceGetGpuInstanceProfileInfo(void) {
  nvmlGpuInstanceProfileInfo_t info;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfo(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfo(BAD_DEV, 0, &info));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfo(g_gpu, 0xffffffffu, &info));
}
static void P_nvmlDeviceGetGpuInstanceProfileInfoV(void) {
  nvmlGpuInstanceProfileInfo_v2_t info;
  memset(&info, 0, sizeof info);
  info.version = nvmlGpuInstanceProfileInfo_v2;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoV(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoV(BAD_DEV, 0, &info));
  info.version = 0;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoV(g_gpu, 0, &info));
  info.version = 0xffffffffu;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoV(g_gpu, 0, &info));
}
static void P_nvmlDeviceGetGpuInstanceProfileInfoByIdV(void) {
  nvmlGpuInstanceProfileInfo_v2_t info;
  memset(&info, 0, sizeof info);
  info.version = nvmlGpuInstanceProfileInfo_v2;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoByIdV(g_gpu, 19, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoByIdV(BAD_DEV, 19, &info));
  info.version = 1;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceProfileInfoByIdV(g_gpu, 19, &info));
}

#define GI_PLACEMENTS_PROBE(fn)                        \
  static void P_##fn(void) {                           \
    nvmlGpuInstancePlacement_t p[8];                   \
    unsigned int n = 8;                                \
    EXPECT_RC(INVALID, fn(g_gpu, 19, p, NULL));        \
    EXPECT_RC(INVALID, fn(BAD_DEV, 19, p, &n));        \
    n = 8;                                             \
    EXPECT_RC(INVALID, fn(g_gpu, 0xffffffffu, p, &n)); \
  }
GI_PLACEMENTS_PROBE(nvmlDeviceGetGpuInstancePossiblePlacements)
GI_PLACEMENTS_PROBE(nvmlDeviceGetGpuInstancePossiblePlacements_v2)

static void P_nvmlDeviceGetGpuInstanceRemainingCapacity(void) {
  unsigned int n;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceRemainingCapacity(g_gpu, 19, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceRemainingCapacity(BAD_DEV, 19, &n));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceRemainingCapacity(g_gpu, 0xffffffffu, &n));
}

static void P_nvmlDeviceCreateGpuInstance(void) {
  nvmlGpuInstance_t gi;
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstance(g_gpu, 19, NULL));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstance(BAD_DEV, 19, &gi));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstance(g_gpu, 0xffffffffu, &gi));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstance(g_mig, 19, &gi));
}
static void P_nvmlDeviceCreateGpuInstanceWithPlacement(void) {
  nvmlGpuInstance_t gi;
  nvmlGpuInstancePlacement_t p = {6, 1};
  nvmlGpuInstancePlacement_t bad = {0xffffffffu, 0xffffffffu};
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstanceWithPlacement(g_gpu, 19, NULL, &gi));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstanceWithPlacement(g_gpu, 19, &p, NULL));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstanceWithPlacement(BAD_DEV, 19, &p, &gi));
  EXPECT_RC(INVALID, nvmlDeviceCreateGpuInstanceWithPlacement(g_gpu, 19, &bad, &gi));
}

static void P_nvmlGpuInstanceDestroy(void) {
  EXPECT_RC(INVALID, nvmlGpuInstanceDestroy(NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceDestroy(BAD_GI));
}

static void P_nvmlDeviceGetGpuInstances(void) {
  nvmlGpuInstance_t gis[8];
  unsigned int n = 8;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstances(g_gpu, 19, NULL, &n));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstances(g_gpu, 19, gis, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstances(BAD_DEV, 19, gis, &n));
  n = 8;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstances(g_gpu, 0xffffffffu, gis, &n));
}

static void P_nvmlDeviceGetGpuInstanceById(void) {
  nvmlGpuInstance_t gi;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceById(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceById(BAD_DEV, 0, &gi));
  EXPECT_RC(Want(NVML_ERROR_NOT_FOUND), nvmlDeviceGetGpuInstanceById(g_gpu, 0xffffffffu, &gi));
}

static void P_nvmlGpuInstanceGetInfo(void) {
  nvmlGpuInstanceInfo_t info;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetInfo(g_gi, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetInfo(BAD_GI, &info));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetInfo(NULL, &info));
}

static void P_nvmlGpuInstanceGetComputeInstanceProfileInfo(void) {
  nvmlComputeInstanceProfileInfo_t info;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi, 0, 0, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfo(BAD_GI, 0, 0, &info));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi, 0xffffffffu, 0, &info));
}
static void P_nvmlGpuInstanceGetComputeInstanceProfileInfoV(void) {
  nvmlComputeInstanceProfileInfo_v2_t info;
  memset(&info, 0, sizeof info);
  info.version = nvmlComputeInstanceProfileInfo_v2;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi, 0, 0, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfoV(BAD_GI, 0, 0, &info));
  info.version = 0;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi, 0, 0, &info));
}

static void P_nvmlGpuInstanceGetComputeInstanceRemainingCapacity(void) {
  unsigned int n;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi, 0, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceRemainingCapacity(BAD_GI, 0, &n));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi, 0xffffffffu, &n));
}

static void P_nvmlGpuInstanceGetComputeInstancePossiblePlacements(void) {
  nvmlComputeInstancePlacement_t p[8];
  unsigned int n = 8;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi, 0, p, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstancePossiblePlacements(BAD_GI, 0, p, &n));
  n = 8;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi, 0xffffffffu, p, &n));
}

static void P_nvmlGpuInstanceCreateComputeInstance(void) {
  nvmlComputeInstance_t ci;
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstance(g_gi, 0, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstance(BAD_GI, 0, &ci));
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstance(g_gi, 0xffffffffu, &ci));
}
static void P_nvmlGpuInstanceCreateComputeInstanceWithPlacement(void) {
  nvmlComputeInstance_t ci;
  nvmlComputeInstancePlacement_t p = {0, 1};
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi, 0, NULL, &ci));
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi, 0, &p, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceCreateComputeInstanceWithPlacement(BAD_GI, 0, &p, &ci));
}

static void P_nvmlComputeInstanceDestroy(void) {
  EXPECT_RC(INVALID, nvmlComputeInstanceDestroy(NULL));
  EXPECT_RC(INVALID, nvmlComputeInstanceDestroy(BAD_CI));
}

static void P_nvmlGpuInstanceGetComputeInstances(void) {
  nvmlComputeInstance_t cis[8];
  unsigned int n = 8;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstances(g_gi, 0, NULL, &n));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstances(g_gi, 0, cis, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstances(BAD_GI, 0, cis, &n));
}

static void P_nvmlGpuInstanceGetComputeInstanceById(void) {
  nvmlComputeInstance_t ci;
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceById(g_gi, 0, NULL));
  EXPECT_RC(INVALID, nvmlGpuInstanceGetComputeInstanceById(BAD_GI, 0, &ci));
  EXPECT_RC(Want(NVML_ERROR_NOT_FOUND),
            nvmlGpuInstanceGetComputeInstanceById(g_gi, 0xffffffffu, &ci));
}

static void P_nvmlComputeInstanceGetInfo(void) {
  nvmlComputeInstanceInfo_t info;
  EXPECT_RC(INVALID, nvmlComputeInstanceGetInfo(g_ci, NULL));
  EXPECT_RC(INVALID, nvmlComputeInstanceGetInfo(BAD_CI, &info));
}
static void P_nvmlComputeInstanceGetInfo_v2(void) {
  nvmlComputeInstanceInfo_t info;
  EXPECT_RC(INVALID, nvmlComputeInstanceGetInfo_v2(g_ci, NULL));
  EXPECT_RC(INVALID, nvmlComputeInstanceGetInfo_v2(BAD_CI, &info));
}

static void P_nvmlDeviceGetGpuInstanceId(void) {
  unsigned int id;
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceId(g_mig, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetGpuInstanceId(BAD_DEV, &id));
}
static void P_nvmlDeviceGetComputeInstanceId(void) {
  unsigned int id;
  EXPECT_RC(INVALID, nvmlDeviceGetComputeInstanceId(g_mig, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetComputeInstanceId(BAD_DEV, &id));
}

static void P_nvmlDeviceGetMigDeviceHandleByIndex(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetMigDeviceHandleByIndex(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetMigDeviceHandleByIndex(BAD_DEV, 0, &d));
  /* Past nvmlDeviceGetMaxMigDeviceCount (an empty slot below it would be NOT_FOUND). */
  EXPECT_RC(INVALID, nvmlDeviceGetMigDeviceHandleByIndex(g_gpu, 0xffffffffu, &d));
}

static void P_nvmlDeviceGetDeviceHandleFromMigDeviceHandle(void) {
  nvmlDevice_t d;
  EXPECT_RC(INVALID, nvmlDeviceGetDeviceHandleFromMigDeviceHandle(g_mig, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetDeviceHandleFromMigDeviceHandle(BAD_DEV, &d));
  EXPECT_RC(INVALID, nvmlDeviceGetDeviceHandleFromMigDeviceHandle(NULL, &d));
}

/* Events (the device plugin's health check). A set is valid only as nvmlEventSetCreate made it. */
#define BAD_SET ((nvmlEventSet_t)(void*)(g_junk + 192))
static void P_nvmlEventSetCreate(void) {
  nvmlEventSet_t set = NULL;
  EXPECT_RC(INVALID, nvmlEventSetCreate(NULL));
  EXPECT_RC(Want(NVML_SUCCESS), nvmlEventSetCreate(&set));
  if (set != NULL) EXPECT_RC(Want(NVML_SUCCESS), nvmlEventSetFree(set));
}
static void P_nvmlDeviceGetSupportedEventTypes(void) {
  unsigned long long types;
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedEventTypes(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedEventTypes(BAD_DEV, &types));
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedEventTypes(NULL, &types));
}
static void P_nvmlDeviceRegisterEvents(void) {
  EXPECT_RC(INVALID, nvmlDeviceRegisterEvents(g_gpu, nvmlEventTypeXidCriticalError, NULL));
  EXPECT_RC(INVALID, nvmlDeviceRegisterEvents(g_gpu, nvmlEventTypeXidCriticalError, BAD_SET));
  nvmlEventSet_t set = NULL;
  if (g_phase == kInitialized && nvmlEventSetCreate(&set) == NVML_SUCCESS) {
    EXPECT_RC(INVALID, nvmlDeviceRegisterEvents(BAD_DEV, nvmlEventTypeXidCriticalError, set));
    /* Bits the GPU does not report (nvml.h: NOT_SUPPORTED). */
    EXPECT_RC(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceRegisterEvents(g_gpu, ~0ULL, set));
    nvmlEventSetFree(set);
  }
}
static void P_nvmlEventSetWait_v2(void) {
  nvmlEventData_t data;
  EXPECT_RC(INVALID, nvmlEventSetWait_v2(NULL, &data, 0));
  EXPECT_RC(INVALID, nvmlEventSetWait_v2(BAD_SET, &data, 0));
  nvmlEventSet_t set = NULL;
  if (g_phase == kInitialized && nvmlEventSetCreate(&set) == NVML_SUCCESS) {
    EXPECT_RC(INVALID, nvmlEventSetWait_v2(set, NULL, 0));
    nvmlEventSetFree(set);
  }
}
static void P_nvmlEventSetWait(void) {
  nvmlEventData_t data;
  EXPECT_RC(INVALID, nvmlEventSetWait(NULL, &data, 0));
  EXPECT_RC(INVALID, nvmlEventSetWait(BAD_SET, &data, 0));
}
static void P_nvmlEventSetFree(void) {
  EXPECT_RC(INVALID, nvmlEventSetFree(NULL));
  EXPECT_RC(INVALID, nvmlEventSetFree(BAD_SET));
  nvmlEventSet_t set = NULL;
  if (g_phase == kInitialized && nvmlEventSetCreate(&set) == NVML_SUCCESS) {
    EXPECT_RC(NVML_SUCCESS, nvmlEventSetFree(set));
    EXPECT_RC(INVALID, nvmlEventSetFree(set)); /* freed twice */
  }
}

/* Topology and clocks (Slurm's gpu/nvml plugin). */
static void P_nvmlDeviceGetCpuAffinity(void) {
  unsigned long mask[4];
  EXPECT_RC(INVALID, nvmlDeviceGetCpuAffinity(g_gpu, 4, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetCpuAffinity(g_gpu, 0, mask));
  EXPECT_RC(INVALID, nvmlDeviceGetCpuAffinity(BAD_DEV, 4, mask));
}
static void P_nvmlDeviceGetNvLinkState(void) {
  nvmlEnableState_t active;
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkState(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkState(BAD_DEV, 0, &active));
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkState(g_gpu, 0xffffffffu, &active));
}
static void P_nvmlDeviceGetNvLinkRemotePciInfo_v2(void) {
  nvmlPciInfo_t pci;
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkRemotePciInfo_v2(g_gpu, 0, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkRemotePciInfo_v2(BAD_DEV, 0, &pci));
  EXPECT_RC(INVALID, nvmlDeviceGetNvLinkRemotePciInfo_v2(g_gpu, 0xffffffffu, &pci));
}
static void P_nvmlDeviceGetSupportedMemoryClocks(void) {
  unsigned int n = 0;
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedMemoryClocks(g_gpu, NULL, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedMemoryClocks(BAD_DEV, &n, NULL));
}
static void P_nvmlDeviceGetSupportedGraphicsClocks(void) {
  unsigned int n = 0;
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedGraphicsClocks(g_gpu, 0, NULL, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetSupportedGraphicsClocks(BAD_DEV, 0, &n, NULL));
}
static void P_nvmlDeviceGetApplicationsClock(void) {
  unsigned int mhz;
  EXPECT_RC(INVALID, nvmlDeviceGetApplicationsClock(g_gpu, NVML_CLOCK_SM, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetApplicationsClock(BAD_DEV, NVML_CLOCK_SM, &mhz));
  EXPECT_RC(INVALID, nvmlDeviceGetApplicationsClock(g_gpu, (nvmlClockType_t)0x7fffffff, &mhz));
}
static void P_nvmlDeviceSetApplicationsClocks(void) {
  EXPECT_RC(INVALID, nvmlDeviceSetApplicationsClocks(BAD_DEV, 0, 0));
  EXPECT_RC(INVALID, nvmlDeviceSetApplicationsClocks(NULL, 0, 0));
}
static void P_nvmlDeviceResetApplicationsClocks(void) {
  EXPECT_RC(INVALID, nvmlDeviceResetApplicationsClocks(BAD_DEV));
  EXPECT_RC(INVALID, nvmlDeviceResetApplicationsClocks(NULL));
}

/* Confidential computing (cc-facts.md §5). */
static void P_nvmlSystemGetConfComputeCapabilities(void) {
  EXPECT_RC(INVALID, nvmlSystemGetConfComputeCapabilities(NULL));
}
static void P_nvmlSystemGetConfComputeState(void) {
  EXPECT_RC(INVALID, nvmlSystemGetConfComputeState(NULL));
}
static void P_nvmlSystemGetConfComputeSettings(void) {
  nvmlSystemConfComputeSettings_t settings;
  memset(&settings, 0, sizeof settings);
  EXPECT_RC(INVALID, nvmlSystemGetConfComputeSettings(NULL));
  settings.version = 0x0badc0de;
  EXPECT_RC(VERSION, nvmlSystemGetConfComputeSettings(&settings));
}
static void P_nvmlSystemGetConfComputeGpusReadyState(void) {
  EXPECT_RC(INVALID, nvmlSystemGetConfComputeGpusReadyState(NULL));
}
static void P_nvmlSystemSetConfComputeGpusReadyState(void) {
  EXPECT_RC(INVALID, nvmlSystemSetConfComputeGpusReadyState(2));
  EXPECT_RC(INVALID, nvmlSystemSetConfComputeGpusReadyState(0xffffffffu));
}
static void P_nvmlSystemGetConfComputeKeyRotationThresholdInfo(void) {
  nvmlConfComputeGetKeyRotationThresholdInfo_t info;
  memset(&info, 0, sizeof info);
  EXPECT_RC(INVALID, nvmlSystemGetConfComputeKeyRotationThresholdInfo(NULL));
  info.version = 0x0badc0de;
  EXPECT_RC(VERSION, nvmlSystemGetConfComputeKeyRotationThresholdInfo(&info));
}
static void P_nvmlSystemSetConfComputeKeyRotationThresholdInfo(void) {
  nvmlConfComputeSetKeyRotationThresholdInfo_t info;
  memset(&info, 0, sizeof info);
  EXPECT_RC(INVALID, nvmlSystemSetConfComputeKeyRotationThresholdInfo(NULL));
  info.version = 0x0badc0de;
  EXPECT_RC(VERSION, nvmlSystemSetConfComputeKeyRotationThresholdInfo(&info));
}
static void P_nvmlDeviceGetConfComputeMemSizeInfo(void) {
  nvmlConfComputeMemSizeInfo_t info;
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeMemSizeInfo(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeMemSizeInfo(BAD_DEV, &info));
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeMemSizeInfo(NULL, &info));
}
static void P_nvmlDeviceGetConfComputeProtectedMemoryUsage(void) {
  nvmlMemory_t memory;
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeProtectedMemoryUsage(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeProtectedMemoryUsage(BAD_DEV, &memory));
}
static nvmlConfComputeGpuCertificate_t g_cert;
static nvmlConfComputeGpuAttestationReport_t g_report;
static void P_nvmlDeviceGetConfComputeGpuCertificate(void) {
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeGpuCertificate(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeGpuCertificate(BAD_DEV, &g_cert));
}
static void P_nvmlDeviceGetConfComputeGpuAttestationReport(void) {
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeGpuAttestationReport(g_gpu, NULL));
  EXPECT_RC(INVALID, nvmlDeviceGetConfComputeGpuAttestationReport(BAD_DEV, &g_report));
}

/* migkit's own export (migctl reads the cause of a failure through it); works without nvmlInit. */
static void P_nvmlMigkitGetLastError(void) {
  int code;
  char message[8];
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT,
            nvmlMigkitGetLastError(NVML_ERROR_UNKNOWN, NULL, message, sizeof message));
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT,
            nvmlMigkitGetLastError(NVML_ERROR_UNKNOWN, &code, NULL, 8));
  EXPECT_RC(NVML_ERROR_INVALID_ARGUMENT,
            nvmlMigkitGetLastError(NVML_ERROR_UNKNOWN, &code, message, 0));
}

/* ---- The table -------------------------------------------------------------------------- */

struct Probe {
  const char* name;
  void (*run)(void);
};

#define PROBE(fn) \
  { #fn, P_##fn }
#define PROBE_AS(fn, probe) \
  { #fn, P_##probe }

static const struct Probe kProbes[] = {
    PROBE(nvmlInit),
    PROBE_AS(nvmlInit_v2, nvmlInit),
    PROBE(nvmlInitWithFlags),
    PROBE(nvmlShutdown),
    PROBE(nvmlErrorString),
    PROBE(nvmlSystemGetDriverVersion),
    PROBE(nvmlSystemGetNVMLVersion),
    PROBE(nvmlSystemGetCudaDriverVersion),
    PROBE(nvmlSystemGetCudaDriverVersion_v2),
    PROBE(nvmlDeviceGetCount),
    PROBE(nvmlDeviceGetCount_v2),
    PROBE(nvmlDeviceGetHandleByIndex),
    PROBE(nvmlDeviceGetHandleByIndex_v2),
    PROBE(nvmlDeviceGetHandleByPciBusId),
    PROBE(nvmlDeviceGetHandleByPciBusId_v2),
    PROBE(nvmlDeviceGetHandleByUUID),
    PROBE(nvmlDeviceGetIndex),
    PROBE(nvmlDeviceGetMinorNumber),
    PROBE(nvmlDeviceGetName),
    PROBE(nvmlDeviceGetUUID),
    PROBE(nvmlDeviceGetMemoryInfo),
    PROBE(nvmlDeviceGetMemoryInfo_v2),
    PROBE(nvmlDeviceGetPciInfo),
    PROBE(nvmlDeviceGetPciInfo_v2),
    PROBE(nvmlDeviceGetPciInfo_v3),
    PROBE(nvmlDeviceGetCudaComputeCapability),
    PROBE(nvmlDeviceGetArchitecture),
    PROBE(nvmlDeviceGetBrand),
    PROBE(nvmlDeviceGetAttributes),
    PROBE(nvmlDeviceGetAttributes_v2),
    PROBE(nvmlDeviceGetComputeRunningProcesses),
    PROBE(nvmlDeviceGetComputeRunningProcesses_v2),
    PROBE(nvmlDeviceGetComputeRunningProcesses_v3),
    PROBE(nvmlDeviceSetMigMode),
    PROBE(nvmlDeviceGetMigMode),
    PROBE(nvmlDeviceGetGpuInstanceProfileInfo),
    PROBE(nvmlDeviceGetGpuInstanceProfileInfoV),
    PROBE(nvmlDeviceGetGpuInstanceProfileInfoByIdV),
    PROBE(nvmlDeviceGetGpuInstancePossiblePlacements),
    PROBE(nvmlDeviceGetGpuInstancePossiblePlacements_v2),
    PROBE(nvmlDeviceGetGpuInstanceRemainingCapacity),
    PROBE(nvmlDeviceCreateGpuInstance),
    PROBE(nvmlDeviceCreateGpuInstanceWithPlacement),
    PROBE(nvmlGpuInstanceDestroy),
    PROBE(nvmlDeviceGetGpuInstances),
    PROBE(nvmlDeviceGetGpuInstanceById),
    PROBE(nvmlGpuInstanceGetInfo),
    PROBE(nvmlGpuInstanceGetComputeInstanceProfileInfo),
    PROBE(nvmlGpuInstanceGetComputeInstanceProfileInfoV),
    PROBE(nvmlGpuInstanceGetComputeInstanceRemainingCapacity),
    PROBE(nvmlGpuInstanceGetComputeInstancePossiblePlacements),
    PROBE(nvmlGpuInstanceCreateComputeInstance),
    PROBE(nvmlGpuInstanceCreateComputeInstanceWithPlacement),
    PROBE(nvmlComputeInstanceDestroy),
    PROBE(nvmlGpuInstanceGetComputeInstances),
    PROBE(nvmlGpuInstanceGetComputeInstanceById),
    PROBE(nvmlComputeInstanceGetInfo),
    PROBE(nvmlComputeInstanceGetInfo_v2),
    PROBE(nvmlDeviceIsMigDeviceHandle),
    PROBE(nvmlDeviceGetGpuInstanceId),
    PROBE(nvmlDeviceGetComputeInstanceId),
    PROBE(nvmlDeviceGetMaxMigDeviceCount),
    PROBE(nvmlDeviceGetMigDeviceHandleByIndex),
    PROBE(nvmlDeviceGetDeviceHandleFromMigDeviceHandle),
    PROBE(nvmlEventSetCreate),
    PROBE(nvmlDeviceGetSupportedEventTypes),
    PROBE(nvmlDeviceRegisterEvents),
    PROBE(nvmlEventSetWait_v2),
    PROBE(nvmlEventSetWait),
    PROBE(nvmlEventSetFree),
    PROBE(nvmlDeviceGetCpuAffinity),
    PROBE(nvmlDeviceGetNvLinkState),
    PROBE(nvmlDeviceGetNvLinkRemotePciInfo_v2),
    PROBE(nvmlDeviceGetSupportedMemoryClocks),
    PROBE(nvmlDeviceGetSupportedGraphicsClocks),
    PROBE(nvmlDeviceGetApplicationsClock),
    PROBE(nvmlDeviceSetApplicationsClocks),
    PROBE(nvmlDeviceResetApplicationsClocks),
    PROBE(nvmlMigkitGetLastError),
    PROBE(nvmlSystemGetConfComputeCapabilities),
    PROBE(nvmlSystemGetConfComputeState),
    PROBE(nvmlSystemGetConfComputeSettings),
    PROBE(nvmlSystemGetConfComputeGpusReadyState),
    PROBE(nvmlSystemSetConfComputeGpusReadyState),
    PROBE(nvmlSystemGetConfComputeKeyRotationThresholdInfo),
    PROBE(nvmlSystemSetConfComputeKeyRotationThresholdInfo),
    PROBE(nvmlDeviceGetConfComputeMemSizeInfo),
    PROBE(nvmlDeviceGetConfComputeProtectedMemoryUsage),
    PROBE(nvmlDeviceGetConfComputeGpuCertificate),
    PROBE(nvmlDeviceGetConfComputeGpuAttestationReport),
};
static const size_t kProbeCount = sizeof kProbes / sizeof kProbes[0];

static const struct Probe* FindProbe(const char* name) {
  for (size_t i = 0; i < kProbeCount; ++i) {
    if (strcmp(kProbes[i].name, name) == 0) return &kProbes[i];
  }
  return NULL;
}

/* Every exported name must have a probe (and every probe an export). */
static int CheckCoverage(const char* names_file) {
  FILE* f = fopen(names_file, "r");
  if (f == NULL) {
    perror(names_file);
    return 1;
  }
  int missing = 0, exported = 0;
  char line[256];
  while (fgets(line, sizeof line, f) != NULL) {
    line[strcspn(line, "\r\n")] = '\0';
    if (line[0] == '\0') continue;
    ++exported;
    if (FindProbe(line) == NULL) {
      fprintf(stderr, "FAIL: %s is exported but has no probe in nvml_abuse_test.c\n", line);
      ++missing;
    }
  }
  fclose(f);
  if (exported != (int)kProbeCount) {
    fprintf(stderr, "FAIL: %d names exported, %zu probes (a probe without an export?)\n", exported,
            kProbeCount);
    ++missing;
  }
  return missing;
}

/* Runs every probe in its own child; returns the number of failed probes. */
static int RunProbes(void) {
  int failed = 0;
  for (size_t i = 0; i < kProbeCount; ++i) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return failed + 1;
    }
    if (pid == 0) {
      g_failures = 0;
      kProbes[i].run();
      fflush(stderr);
      _exit(g_failures == 0 ? 0 : 1);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
      perror("waitpid");
      return failed + 1;
    }
    if (WIFSIGNALED(status)) {
      fprintf(stderr, "FAIL: %s crashed (signal %d) %s\n", kProbes[i].name, WTERMSIG(status),
              kPhaseNames[g_phase]);
      ++failed;
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "FAIL: %s %s (above)\n", kProbes[i].name, kPhaseNames[g_phase]);
      ++failed;
    }
  }
  return failed;
}

static int SetUp(void) {
  nvmlReturn_t activation;
  nvmlGpuInstanceProfileInfo_t gip;
  nvmlComputeInstanceProfileInfo_t cip;
  if (nvmlDeviceGetHandleByIndex_v2(0, &g_gpu) != NVML_SUCCESS) return 0;
  if (nvmlDeviceSetMigMode(g_gpu, NVML_DEVICE_MIG_ENABLE, &activation) != NVML_SUCCESS) return 0;
  if (nvmlDeviceGetGpuInstanceProfileInfo(g_gpu, NVML_GPU_INSTANCE_PROFILE_1_SLICE, &gip) !=
      NVML_SUCCESS) {
    return 0;
  }
  if (nvmlDeviceCreateGpuInstance(g_gpu, gip.id, &g_gi) != NVML_SUCCESS) return 0;
  if (nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi, NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                                                   NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
                                                   &cip) != NVML_SUCCESS) {
    return 0;
  }
  if (nvmlGpuInstanceCreateComputeInstance(g_gi, cip.id, &g_ci) != NVML_SUCCESS) return 0;
  return nvmlDeviceGetMigDeviceHandleByIndex(g_gpu, 0, &g_mig) == NVML_SUCCESS;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: nvml_abuse_test EXPORTED_NAMES_FILE\n");
    return 2;
  }
  memset(g_junk, 0xA5, sizeof g_junk);
  int failed = CheckCoverage(argv[1]);

  g_phase = kBeforeInit;
  /* nvmlShutdown without nvmlInit is tolerated (nvml.h: for backwards compatibility). */
  EXPECT_RC(NVML_SUCCESS, nvmlShutdown());
  failed += RunProbes();

  EXPECT_RC(NVML_SUCCESS, nvmlInitWithFlags(0xffffffffu));
  EXPECT_RC(NVML_SUCCESS, nvmlShutdown());
  EXPECT_RC(NVML_SUCCESS, nvmlInit());
  EXPECT_RC(NVML_SUCCESS, nvmlShutdown());
  EXPECT_RC(NVML_SUCCESS, nvmlInit_v2());
  g_phase = kInitialized;
  if (!SetUp()) {
    fprintf(stderr, "FAIL: could not set up the MIG device the probes use\n");
    return 1;
  }
  failed += RunProbes();

  EXPECT_RC(NVML_SUCCESS, nvmlShutdown());
  EXPECT_RC(NVML_SUCCESS, nvmlShutdown()); /* one more than nvmlInit: still no error */
  g_phase = kAfterShutdown;
  failed += RunProbes();

  failed += g_failures;
  if (failed != 0) {
    fprintf(stderr, "nvml_abuse_test: %d failures\n", failed);
    return 1;
  }
  printf(
      "nvml_abuse_test: %zu exports probed before nvmlInit, initialized and after nvmlShutdown\n",
      kProbeCount);
  return 0;
}
