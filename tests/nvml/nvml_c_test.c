/* nvml_c_test: migkit's libnvidia-ml.so.1 driven from plain C, as an NVML client would.
 *
 * Calls every exported function on its success and error paths, with the values of
 * mig-facts.md (§3.5 H100 table, §4.2 GI IDs, §4.3 automatic placement, §5 CI profiles, §6, §7),
 * and runs itself as child processes to show that the state persists between processes, that a
 * change made by one is seen by another's next call, and that MIGKIT_FAULTS reaches NVML clients.
 *
 * Node: MIGKIT_EMULATE=A100-SXM4-40GB,H100-SXM5-80GB in a fresh MIGKIT_STATE_DIR (run_fresh.sh).
 * MIGCTL: the migctl binary, which raises Xid events (`migctl emulator fault xid`) as a third
 * process.
 * Usage: nvml_c_test                    the whole test (parent)
 *        nvml_c_test child-PHASE        one phase in a fresh process (started by the parent)
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nvml/nvml_abi.h"

static int g_failures = 0;
static int g_checks = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++g_checks;                                                                \
    if (!(cond)) {                                                             \
      ++g_failures;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define EXPECT_RET(expected, call)                                                             \
  do {                                                                                         \
    ++g_checks;                                                                                \
    nvmlReturn_t got_ = (call);                                                                \
    if (got_ != (expected)) {                                                                  \
      ++g_failures;                                                                            \
      fprintf(stderr, "%s:%d: %s\n  returned %d (%s), expected %d (%s)\n", __FILE__, __LINE__, \
              #call, (int)got_, nvmlErrorString(got_), (int)(expected),                        \
              nvmlErrorString(expected));                                                      \
    }                                                                                          \
  } while (0)

#define EXPECT_OK(call) EXPECT_RET(NVML_SUCCESS, call)

#define EXPECT_UINT(expected, actual)                                                             \
  do {                                                                                            \
    ++g_checks;                                                                                   \
    unsigned long long e_ = (unsigned long long)(expected);                                       \
    unsigned long long a_ = (unsigned long long)(actual);                                         \
    if (e_ != a_) {                                                                               \
      ++g_failures;                                                                               \
      fprintf(stderr, "%s:%d: %s is %llu (0x%llx), expected %llu (0x%llx)\n", __FILE__, __LINE__, \
              #actual, a_, a_, e_, e_);                                                           \
    }                                                                                             \
  } while (0)

#define EXPECT_STR(expected, actual)                                                         \
  do {                                                                                       \
    ++g_checks;                                                                              \
    if (strcmp((expected), (actual)) != 0) {                                                 \
      ++g_failures;                                                                          \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #actual, \
              (actual), (expected));                                                         \
    }                                                                                        \
  } while (0)

enum { kA100 = 0, kH100 = 1 };
static const unsigned long long kMiB = 1024ULL * 1024ULL;

/* "PREFIX-" then 8-4-4-4-12 lowercase hex; for MIG UUIDs also the version-5 nibble and an RFC 4122
 * variant (mig-facts.md §7). */
static int IsUuid(const char* s, const char* prefix, int mig) {
  const size_t p = strlen(prefix);
  if (strncmp(s, prefix, p) != 0) return 0;
  s += p;
  static const int kGroups[] = {8, 4, 4, 4, 12};
  for (int g = 0; g < 5; ++g) {
    for (int i = 0; i < kGroups[g]; ++i, ++s) {
      if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
      if (mig && g == 2 && i == 0 && *s != '5') return 0;
      if (mig && g == 3 && i == 0 && !strchr("89ab", *s)) return 0;
    }
    if (g < 4 && *s++ != '-') return 0;
  }
  return *s == '\0';
}

static nvmlDevice_t Gpu(unsigned int index) {
  nvmlDevice_t d = NULL;
  EXPECT_OK(nvmlDeviceGetHandleByIndex_v2(index, &d));
  return d;
}

/* Runs this program again as "nvml_c_test MODE" with one extra environment variable; returns
 * its exit status. */
static int RunChild(const char* mode, const char* env_name, const char* env_value) {
  fflush(stdout);
  fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return 125;
  if (pid == 0) {
    if (env_name != NULL) setenv(env_name, env_value, 1);
    execl("/proc/self/exe", "nvml_c_test", mode, (char*)NULL);
    _exit(127);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return 126;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- Before nvmlInit, init refcounting, system queries ------------------------------------ */

static void TestBeforeInit(void) {
  unsigned int count = 0;
  nvmlDevice_t d = NULL;
  char buf[128];
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetCount_v2(&count));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetHandleByIndex_v2(0, &d));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetDriverVersion(buf, sizeof buf));
  /* Issue 8's calls too, whatever their arguments. */
  nvmlEventSet_t set = NULL;
  nvmlEventData_t e;
  unsigned long mask = 0;
  nvmlEnableState_t active;
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlEventSetCreate(&set));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlEventSetWait_v2(set, &e, 10));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlEventSetFree(set));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetCpuAffinity(d, 1, &mask));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetNvLinkState(d, 0, &active));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceResetApplicationsClocks(d));
  /* Issue 15's confidential computing calls too. */
  nvmlConfComputeSystemCaps_t caps;
  nvmlConfComputeSystemState_t cc_state;
  nvmlSystemConfComputeSettings_t settings = {nvmlSystemConfComputeSettings_v1, 0, 0, 0, 0};
  nvmlConfComputeGetKeyRotationThresholdInfo_t get_thr = {
      nvmlConfComputeGetKeyRotationThresholdInfo_v1, 0};
  nvmlConfComputeSetKeyRotationThresholdInfo_t set_thr = {
      nvmlConfComputeSetKeyRotationThresholdInfo_v1, 55};
  nvmlConfComputeMemSizeInfo_t mem_size;
  nvmlMemory_t protected_mem;
  unsigned int ready = 0;
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetConfComputeCapabilities(&caps));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetConfComputeState(&cc_state));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetConfComputeSettings(&settings));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetConfComputeGpusReadyState(&ready));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemSetConfComputeGpusReadyState(1));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemGetConfComputeKeyRotationThresholdInfo(&get_thr));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetConfComputeMemSizeInfo(d, &mem_size));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED,
             nvmlDeviceGetConfComputeProtectedMemoryUsage(d, &protected_mem));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetConfComputeGpuCertificate(d, NULL));
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetConfComputeGpuAttestationReport(d, NULL));
  /* Version queries need no GPU and work before nvmlInit. */
  EXPECT_OK(nvmlSystemGetNVMLVersion(buf, sizeof buf));
  int cuda = 0;
  EXPECT_OK(nvmlSystemGetCudaDriverVersion(&cuda));
  /* "For backwards compatibility, no error is reported if nvmlShutdown() is called more times
   * than nvmlInit()" (mig-facts.md §6.4). */
  EXPECT_OK(nvmlShutdown());
}

static void TestInitRefcount(void) {
  unsigned int count = 0;
  EXPECT_OK(nvmlInit_v2());
  EXPECT_OK(nvmlInit());
  EXPECT_OK(nvmlInitWithFlags(NVML_INIT_FLAG_NO_GPUS));
  EXPECT_OK(nvmlShutdown());
  EXPECT_OK(nvmlShutdown());
  EXPECT_OK(nvmlDeviceGetCount_v2(&count)); /* one reference left */
  EXPECT_UINT(2, count);
  EXPECT_OK(nvmlShutdown());
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetCount_v2(&count));
  EXPECT_OK(nvmlShutdown());
  EXPECT_OK(nvmlInit_v2());
}

static void TestSystem(void) {
  char buf[NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
  EXPECT_OK(nvmlSystemGetDriverVersion(buf, sizeof buf));
  EXPECT_STR("580.82.07", buf);
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE, nvmlSystemGetDriverVersion(buf, 9)); /* needs 10 */
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetDriverVersion(NULL, 80));
  EXPECT_OK(nvmlSystemGetNVMLVersion(buf, sizeof buf));
  EXPECT_STR("13.580.82.07", buf); /* major >= 11, as mig-parted requires */
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE, nvmlSystemGetNVMLVersion(buf, 5));
  int cuda = 0;
  EXPECT_OK(nvmlSystemGetCudaDriverVersion(&cuda));
  EXPECT_UINT(13000, cuda);
  cuda = 0;
  EXPECT_OK(nvmlSystemGetCudaDriverVersion_v2(&cuda));
  EXPECT_UINT(13000, cuda);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetCudaDriverVersion(NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetCudaDriverVersion_v2(NULL));
}

static void TestErrorStrings(void) {
  /* The real library's texts (mig-facts.md §6.1); nvidia-smi prints exactly these. */
  EXPECT_STR("Success", nvmlErrorString(NVML_SUCCESS));
  EXPECT_STR("Uninitialized", nvmlErrorString(NVML_ERROR_UNINITIALIZED));
  EXPECT_STR("Invalid Argument", nvmlErrorString(NVML_ERROR_INVALID_ARGUMENT));
  EXPECT_STR("Not Supported", nvmlErrorString(NVML_ERROR_NOT_SUPPORTED));
  EXPECT_STR("Insufficient Permissions", nvmlErrorString(NVML_ERROR_NO_PERMISSION));
  EXPECT_STR("Already Initialized", nvmlErrorString(NVML_ERROR_ALREADY_INITIALIZED));
  EXPECT_STR("Not Found", nvmlErrorString(NVML_ERROR_NOT_FOUND));
  EXPECT_STR("Insufficient Size", nvmlErrorString(NVML_ERROR_INSUFFICIENT_SIZE));
  EXPECT_STR("Timeout", nvmlErrorString(NVML_ERROR_TIMEOUT));
  EXPECT_STR("Function Not Found", nvmlErrorString(NVML_ERROR_FUNCTION_NOT_FOUND));
  EXPECT_STR("GPU is lost", nvmlErrorString(NVML_ERROR_GPU_IS_LOST));
  EXPECT_STR("GPU requires reset", nvmlErrorString(NVML_ERROR_RESET_REQUIRED));
  EXPECT_STR("In use by another client", nvmlErrorString(NVML_ERROR_IN_USE));
  EXPECT_STR("Insufficient Memory", nvmlErrorString(NVML_ERROR_MEMORY));
  EXPECT_STR("Insufficient Resources", nvmlErrorString(NVML_ERROR_INSUFFICIENT_RESOURCES));
  EXPECT_STR("Unknown Error", nvmlErrorString(NVML_ERROR_UNKNOWN));
  EXPECT_STR("Unknown Error", nvmlErrorString((nvmlReturn_t)12345));
}

/* ---- Devices ------------------------------------------------------------------------------- */

static void TestLastError(void) {
  /* migkit's extension: the cause of the last failure on this thread, for that return code only. */
  nvmlDevice_t d = NULL;
  int code = 0;
  char message[256] = "";
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByIndex_v2(99, &d));
  EXPECT_OK(nvmlMigkitGetLastError(NVML_ERROR_INVALID_ARGUMENT, &code, message, sizeof message));
  EXPECT_UINT(NVML_ERROR_INVALID_ARGUMENT, code);
  CHECK(message[0] != '\0');
  EXPECT_RET(NVML_ERROR_NOT_FOUND,
             nvmlMigkitGetLastError(NVML_ERROR_UNKNOWN, &code, message, sizeof message));
  EXPECT_OK(nvmlDeviceGetHandleByIndex_v2(0, &d));
  EXPECT_RET(NVML_ERROR_NOT_FOUND,
             nvmlMigkitGetLastError(NVML_ERROR_INVALID_ARGUMENT, &code, message, sizeof message));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlMigkitGetLastError(NVML_ERROR_INVALID_ARGUMENT, NULL, message, sizeof message));
}

static void TestDeviceEnumeration(void) {
  unsigned int count = 0;
  EXPECT_OK(nvmlDeviceGetCount_v2(&count));
  EXPECT_UINT(2, count);
  count = 0;
  EXPECT_OK(nvmlDeviceGetCount(&count));
  EXPECT_UINT(2, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetCount_v2(NULL));

  nvmlDevice_t a = NULL, h = NULL, again = NULL, v1 = NULL;
  EXPECT_OK(nvmlDeviceGetHandleByIndex_v2(0, &a));
  EXPECT_OK(nvmlDeviceGetHandleByIndex_v2(1, &h));
  CHECK(a != NULL && h != NULL && a != h);
  EXPECT_OK(nvmlDeviceGetHandleByIndex_v2(1, &again));
  CHECK(again == h); /* handles are stable within a process */
  EXPECT_OK(nvmlDeviceGetHandleByIndex(1, &v1));
  CHECK(v1 == h);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByIndex_v2(2, &again));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByIndex_v2(0, NULL));

  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  EXPECT_OK(nvmlDeviceGetName(a, name, sizeof name));
  EXPECT_STR("NVIDIA A100-SXM4-40GB", name);
  EXPECT_OK(nvmlDeviceGetName(h, name, sizeof name));
  EXPECT_STR("NVIDIA H100 80GB HBM3", name);
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE, nvmlDeviceGetName(h, name, 21)); /* needs 22 */
  EXPECT_OK(nvmlDeviceGetName(h, name, 22));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetName(NULL, name, sizeof name));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetName((nvmlDevice_t)name, name, 64));

  char uuid_a[NVML_DEVICE_UUID_V2_BUFFER_SIZE], uuid_h[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  EXPECT_OK(nvmlDeviceGetUUID(a, uuid_a, sizeof uuid_a));
  EXPECT_OK(nvmlDeviceGetUUID(h, uuid_h, sizeof uuid_h));
  CHECK(IsUuid(uuid_a, "GPU-", 0));
  CHECK(IsUuid(uuid_h, "GPU-", 0));
  CHECK(strcmp(uuid_a, uuid_h) != 0);
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE, nvmlDeviceGetUUID(a, uuid_a, 40)); /* needs 41 */
  nvmlDevice_t by_uuid = NULL;
  EXPECT_OK(nvmlDeviceGetHandleByUUID(uuid_h, &by_uuid));
  CHECK(by_uuid == h);
  EXPECT_RET(NVML_ERROR_NOT_FOUND,
             nvmlDeviceGetHandleByUUID("GPU-00000000-0000-0000-0000-000000000000", &by_uuid));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByUUID(NULL, &by_uuid));

  unsigned int index = 99, minor = 99;
  EXPECT_OK(nvmlDeviceGetIndex(h, &index));
  EXPECT_UINT(1, index);
  EXPECT_OK(nvmlDeviceGetMinorNumber(h, &minor));
  EXPECT_UINT(1, minor);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetIndex(h, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMinorNumber(NULL, &minor));
}

static void TestPci(void) {
  nvmlDevice_t a = Gpu(kA100), h = Gpu(kH100), found = NULL;
  nvmlPciInfo_t pci;
  memset(&pci, 0x5A, sizeof pci);
  EXPECT_OK(nvmlDeviceGetPciInfo_v3(a, &pci));
  EXPECT_STR("00000000:18:00.0", pci.busId); /* DGX H100 bus order (emu/node_state.h) */
  EXPECT_STR("0000:18:00.0", pci.busIdLegacy);
  EXPECT_UINT(0, pci.domain);
  EXPECT_UINT(0x18, pci.bus);
  EXPECT_UINT(0, pci.device);
  EXPECT_UINT(0x20B010DE, pci.pciDeviceId);    /* mig-facts.md §2 */
  EXPECT_UINT(0x134F10DE, pci.pciSubSystemId); /* "Sub System Id" of an nvidia-smi -q capture */
  EXPECT_OK(nvmlDeviceGetPciInfo_v2(h, &pci));
  EXPECT_STR("00000000:2A:00.0", pci.busId);
  EXPECT_UINT(0x2A, pci.bus);
  EXPECT_UINT(0x233010DE, pci.pciDeviceId);
  EXPECT_UINT(0x16C110DE, pci.pciSubSystemId); /* DGX H100 nvidia-smi -q captures */
  /* The oldest entry point writes only the prefix its shorter struct had. */
  memset(&pci, 0x5A, sizeof pci);
  EXPECT_OK(nvmlDeviceGetPciInfo(h, &pci));
  EXPECT_STR("0000:2A:00.0", pci.busIdLegacy);
  EXPECT_UINT(0x233010DE, pci.pciDeviceId);
  CHECK(pci.busId[0] == 0x5A);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetPciInfo_v3(h, NULL));

  EXPECT_OK(nvmlDeviceGetHandleByPciBusId_v2("00000000:18:00.0", &found));
  CHECK(found == a);
  /* The 4-digit-domain form sysfs uses (mig-parted passes it), in lower case. */
  EXPECT_OK(nvmlDeviceGetHandleByPciBusId_v2("0000:2a:00.0", &found));
  CHECK(found == h);
  EXPECT_OK(nvmlDeviceGetHandleByPciBusId("00000000:2A:00.0", &found));
  CHECK(found == h);
  /* Short forms and a 1-digit domain are the same address, compared as numbers. */
  EXPECT_OK(nvmlDeviceGetHandleByPciBusId_v2("2A:00.0", &found));
  CHECK(found == h);
  EXPECT_OK(nvmlDeviceGetHandleByPciBusId_v2("0:18:0.0", &found));
  CHECK(found == a);
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetHandleByPciBusId_v2("00000001:18:00.0", &found));
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetHandleByPciBusId_v2("00000000:99:00.0", &found));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByPciBusId_v2("bus 18", &found));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetHandleByPciBusId_v2(NULL, &found));
}

static void TestDeviceProperties(void) {
  nvmlDevice_t a = Gpu(kA100), h = Gpu(kH100);
  nvmlMemory_t mem;
  EXPECT_OK(nvmlDeviceGetMemoryInfo(a, &mem));
  EXPECT_UINT(40960 * kMiB, mem.total); /* mig-facts.md §2 */
  EXPECT_UINT(40960 * kMiB, mem.free);
  EXPECT_UINT(0, mem.used);
  EXPECT_OK(nvmlDeviceGetMemoryInfo(h, &mem));
  EXPECT_UINT(81559 * kMiB, mem.total);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMemoryInfo(h, NULL));

  nvmlMemory_v2_t mem2;
  memset(&mem2, 0, sizeof mem2);
  mem2.version = nvmlMemory_v2;
  EXPECT_OK(nvmlDeviceGetMemoryInfo_v2(h, &mem2));
  EXPECT_UINT(81559 * kMiB, mem2.total);
  EXPECT_UINT(0, mem2.reserved);
  EXPECT_UINT(81559 * kMiB, mem2.free);
  EXPECT_UINT(0, mem2.used);
  mem2.version = 0x01000028;
  EXPECT_RET(NVML_ERROR_ARGUMENT_VERSION_MISMATCH, nvmlDeviceGetMemoryInfo_v2(h, &mem2));

  int major = 0, minor = 0;
  EXPECT_OK(nvmlDeviceGetCudaComputeCapability(a, &major, &minor));
  CHECK(major == 8 && minor == 0);
  EXPECT_OK(nvmlDeviceGetCudaComputeCapability(h, &major, &minor));
  CHECK(major == 9 && minor == 0);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetCudaComputeCapability(h, NULL, &minor));

  nvmlDeviceArchitecture_t arch = 0;
  EXPECT_OK(nvmlDeviceGetArchitecture(a, &arch));
  EXPECT_UINT(NVML_DEVICE_ARCH_AMPERE, arch);
  EXPECT_UINT(7, arch);
  EXPECT_OK(nvmlDeviceGetArchitecture(h, &arch));
  EXPECT_UINT(9, arch);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetArchitecture(h, NULL));

  nvmlBrandType_t brand = NVML_BRAND_UNKNOWN;
  EXPECT_OK(nvmlDeviceGetBrand(h, &brand));
  EXPECT_UINT(NVML_BRAND_NVIDIA, brand);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetBrand(NULL, &brand));

  /* No process ever runs on an emulated GPU: the count is 0 and the array is left alone. */
  unsigned int procs = 5;
  EXPECT_OK(nvmlDeviceGetComputeRunningProcesses_v3(h, &procs, NULL));
  EXPECT_UINT(0, procs);
  procs = 5;
  EXPECT_OK(nvmlDeviceGetComputeRunningProcesses_v2(h, &procs, NULL));
  EXPECT_UINT(0, procs);
  procs = 5;
  EXPECT_OK(nvmlDeviceGetComputeRunningProcesses(a, &procs, NULL));
  EXPECT_UINT(0, procs);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetComputeRunningProcesses_v3(h, NULL, NULL));

  /* Attributes exist for MIG device handles only. */
  nvmlDeviceAttributes_t attrs;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetAttributes_v2(h, &attrs));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetAttributes(h, &attrs));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetAttributes_v2(h, NULL));
}

/* ---- MIG disabled --------------------------------------------------------------------------- */

static void TestMigDisabled(void) {
  nvmlDevice_t h = Gpu(kH100);
  unsigned int current = 9, pending = 9, count = 9;
  EXPECT_OK(nvmlDeviceGetMigMode(h, &current, &pending));
  EXPECT_UINT(NVML_DEVICE_MIG_DISABLE, current);
  EXPECT_UINT(NVML_DEVICE_MIG_DISABLE, pending);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMigMode(h, NULL, &pending));
  EXPECT_OK(nvmlDeviceGetMaxMigDeviceCount(h, &count));
  EXPECT_UINT(0, count);

  /* mig-facts.md §10: capacity, creation and listing need MIG enabled ... */
  nvmlGpuInstance_t gi = NULL;
  nvmlGpuInstance_t gis[7];
  nvmlDevice_t mig = NULL;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceRemainingCapacity(h, 19, &count));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceCreateGpuInstance(h, 19, &gi));
  nvmlGpuInstancePlacement_t at0 = {0, 1};
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceCreateGpuInstanceWithPlacement(h, 19, &at0, &gi));
  count = 7;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstances(h, 19, gis, &count));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceById(h, 1, &gi));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetMigDeviceHandleByIndex(h, 0, &mig));

  /* ... but possible placements work regardless of the mode; a NULL array returns the count. */
  nvmlGpuInstancePlacement_t p[8];
  count = 0;
  EXPECT_OK(nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 9, NULL, &count));
  EXPECT_UINT(2, count);
  count = 1;
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE,
             nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 9, p, &count));
  EXPECT_UINT(2, count);
  count = 8;
  EXPECT_OK(nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 9, p, &count));
  EXPECT_UINT(2, count);
  CHECK(p[0].start == 0 && p[0].size == 4 && p[1].start == 4 && p[1].size == 4);
  count = 8;
  EXPECT_OK(nvmlDeviceGetGpuInstancePossiblePlacements(h, 15, p, &count)); /* 1g.20gb */
  EXPECT_UINT(4, count);
  CHECK(p[0].start == 0 && p[1].start == 2 && p[2].start == 4 && p[3].start == 6);
  CHECK(p[3].size == 2);
  count = 8;
  EXPECT_OK(nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 19, p, &count));
  EXPECT_UINT(7, count);
  CHECK(p[6].start == 6 && p[6].size == 1);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 77, p, &count));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetGpuInstancePossiblePlacements_v2(h, 9, p, NULL));
}

/* ---- Profiles (H100 80GB, mig-facts.md §3.5) --------------------------------------------------
 */

static void TestGpuInstanceProfiles(void) {
  nvmlDevice_t h = Gpu(kH100);
  /* index -> profile ID for the supported indices; every other index below COUNT is
   * NOT_SUPPORTED and COUNT itself INVALID_ARGUMENT, as enumeration loops expect (§6.5). */
  static const int kIdAtIndex[NVML_GPU_INSTANCE_PROFILE_COUNT] = {
      19, 14, 9, 5, 0, -1, -1, 20, -1, 15, -1, -1, -1, -1, -1, -1, -1, -1};
  nvmlGpuInstanceProfileInfo_t info;
  for (unsigned int i = 0; i < NVML_GPU_INSTANCE_PROFILE_COUNT; ++i) {
    if (kIdAtIndex[i] < 0) {
      EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceProfileInfo(h, i, &info));
    } else {
      EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfo(h, i, &info));
      EXPECT_UINT(kIdAtIndex[i], info.id);
    }
  }
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetGpuInstanceProfileInfo(h, NVML_GPU_INSTANCE_PROFILE_COUNT, &info));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceProfileInfo(h, 0, NULL));

  /* 1g.10gb: ID 19, 7 instances, 9984 MiB, 16 SMs, CE 1 DEC 1 ENC 0 JPEG 1 OFA 0, no P2P. */
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfo(h, NVML_GPU_INSTANCE_PROFILE_1_SLICE, &info));
  EXPECT_UINT(19, info.id);
  EXPECT_UINT(0, info.isP2pSupported);
  EXPECT_UINT(1, info.sliceCount);
  EXPECT_UINT(7, info.instanceCount);
  EXPECT_UINT(16, info.multiprocessorCount);
  EXPECT_UINT(1, info.copyEngineCount);
  EXPECT_UINT(1, info.decoderCount);
  EXPECT_UINT(0, info.encoderCount);
  EXPECT_UINT(1, info.jpegCount);
  EXPECT_UINT(0, info.ofaCount);
  EXPECT_UINT(9984, info.memorySizeMB);
  /* 7g.80gb: ID 0, 132 SMs, CE 8, DEC 7, JPEG 7, OFA 1, 81152 MiB. */
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfo(h, NVML_GPU_INSTANCE_PROFILE_7_SLICE, &info));
  EXPECT_UINT(0, info.id);
  EXPECT_UINT(7, info.sliceCount);
  EXPECT_UINT(1, info.instanceCount);
  EXPECT_UINT(132, info.multiprocessorCount);
  EXPECT_UINT(8, info.copyEngineCount);
  EXPECT_UINT(7, info.decoderCount);
  EXPECT_UINT(7, info.jpegCount);
  EXPECT_UINT(1, info.ofaCount);
  EXPECT_UINT(81152, info.memorySizeMB);

  /* v2 and v3 have the same size (152) but different layouts: the version word decides. */
  nvmlGpuInstanceProfileInfo_v2_t v2;
  memset(&v2, 0, sizeof v2);
  v2.version = nvmlGpuInstanceProfileInfo_v2;
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfoV(h, NVML_GPU_INSTANCE_PROFILE_3_SLICE, &v2));
  EXPECT_UINT(0x02000098, v2.version);
  EXPECT_UINT(9, v2.id);
  EXPECT_UINT(0, v2.isP2pSupported);
  EXPECT_UINT(3, v2.sliceCount);
  EXPECT_UINT(2, v2.instanceCount);
  EXPECT_UINT(60, v2.multiprocessorCount);
  EXPECT_UINT(3, v2.copyEngineCount);
  EXPECT_UINT(40448, v2.memorySizeMB);
  EXPECT_STR("MIG 3g.40gb", v2.name);

  nvmlGpuInstanceProfileInfo_v3_t v3;
  memset(&v3, 0, sizeof v3);
  v3.version = nvmlGpuInstanceProfileInfo_v3;
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfoV(h, NVML_GPU_INSTANCE_PROFILE_3_SLICE,
                                                 (nvmlGpuInstanceProfileInfo_v2_t*)&v3));
  EXPECT_UINT(0x03000098, v3.version);
  EXPECT_UINT(9, v3.id);
  EXPECT_UINT(3, v3.sliceCount); /* offset 8, where v2 has isP2pSupported */
  EXPECT_UINT(2, v3.instanceCount);
  EXPECT_UINT(60, v3.multiprocessorCount);
  EXPECT_UINT(40448, v3.memorySizeMB); /* offset 40, v2 has it at 48 */
  EXPECT_STR("MIG 3g.40gb", v3.name);  /* offset 48, v2 has it at 56 */
  EXPECT_UINT(0, v3.capabilities);     /* no P2P, no graphics */
  {
    unsigned int raw[3];
    memcpy(raw, &v3, sizeof raw);
    EXPECT_UINT(3, raw[2]); /* the word at offset 8 of the v3 buffer is sliceCount */
    memcpy(raw, &v2, sizeof raw);
    EXPECT_UINT(0, raw[2]); /* ... and isP2pSupported in the v2 buffer */
  }

  v2.version = 0x01000098;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceProfileInfoV(h, 0, &v2));
  v2.version = nvmlGpuInstanceProfileInfo_v2;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceProfileInfoV(h, 5, &v2));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceProfileInfoV(h, 0x12, &v2));

  /* By profile ID: 15 is 1g.20gb (20096 MiB, 26 SMs). */
  memset(&v2, 0, sizeof v2);
  v2.version = nvmlGpuInstanceProfileInfo_v2;
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfoByIdV(h, 15, &v2));
  EXPECT_UINT(15, v2.id);
  EXPECT_UINT(1, v2.sliceCount);
  EXPECT_UINT(4, v2.instanceCount);
  EXPECT_UINT(26, v2.multiprocessorCount);
  EXPECT_UINT(20096, v2.memorySizeMB);
  EXPECT_STR("MIG 1g.20gb", v2.name);
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceProfileInfoByIdV(h, 99, &v2));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceProfileInfoByIdV(h, 15, NULL));

  /* A100-40GB: 1g.5gb is ID 19 with 4864 MiB (§3.2). */
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfo(Gpu(kA100), 0, &info));
  EXPECT_UINT(19, info.id);
  EXPECT_UINT(14, info.multiprocessorCount);
  EXPECT_UINT(4864, info.memorySizeMB);
}

/* ---- MIG mode ------------------------------------------------------------------------------- */

static void TestMigMode(void) {
  nvmlDevice_t a = Gpu(kA100), h = Gpu(kH100);
  nvmlReturn_t activation = NVML_ERROR_UNKNOWN;
  unsigned int current = 9, pending = 9, count = 9;
  /* Ampere: the new mode is pending until a GPU reset (mig-facts.md §9). */
  EXPECT_OK(nvmlDeviceSetMigMode(a, NVML_DEVICE_MIG_ENABLE, &activation));
  EXPECT_UINT(NVML_ERROR_RESET_REQUIRED, activation);
  EXPECT_OK(nvmlDeviceGetMigMode(a, &current, &pending));
  EXPECT_UINT(0, current);
  EXPECT_UINT(1, pending);
  nvmlGpuInstance_t gi = NULL;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceCreateGpuInstance(a, 19, &gi));
  EXPECT_OK(nvmlDeviceGetMaxMigDeviceCount(a, &count));
  EXPECT_UINT(0, count);
  /* Hopper: effective at once, no reset. */
  EXPECT_OK(nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_ENABLE, &activation));
  EXPECT_UINT(NVML_SUCCESS, activation);
  EXPECT_OK(nvmlDeviceGetMigMode(h, &current, &pending));
  EXPECT_UINT(1, current);
  EXPECT_UINT(1, pending);
  EXPECT_OK(nvmlDeviceGetMaxMigDeviceCount(h, &count));
  EXPECT_UINT(7, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceSetMigMode(h, 2, &activation));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceSetMigMode(h, 1, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMaxMigDeviceCount(h, NULL));
}

/* ---- GPU and compute instances on the H100 ----------------------------------------------------
 */

static nvmlGpuInstance_t g_gi2; /* 3g.40gb at 4:4, GI ID 2 */
static nvmlGpuInstance_t g_gi7; /* 1g.10gb at 0:1, GI ID 7 */
static nvmlComputeInstance_t g_ci0, g_ci1;

static void TestGpuInstances(void) {
  nvmlDevice_t h = Gpu(kH100);
  unsigned int count = 0;
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 19, &count));
  EXPECT_UINT(7, count);
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 9, &count));
  EXPECT_UINT(2, count);
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 0, &count));
  EXPECT_UINT(1, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceRemainingCapacity(h, 77, &count));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceRemainingCapacity(h, 9, NULL));

  /* A 3g without placement goes to 4:4 first, GI ID 2 (§4.2, §4.3). */
  nvmlGpuInstance_t gi = NULL, gi1 = NULL;
  EXPECT_OK(nvmlDeviceCreateGpuInstance(h, 9, &gi));
  g_gi2 = gi;
  nvmlGpuInstanceInfo_t info;
  EXPECT_OK(nvmlGpuInstanceGetInfo(gi, &info));
  CHECK(info.device == h);
  EXPECT_UINT(2, info.id);
  EXPECT_UINT(9, info.profileId);
  EXPECT_UINT(4, info.placement.start);
  EXPECT_UINT(4, info.placement.size);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceGetInfo(gi, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceGetInfo(NULL, &info));

  nvmlGpuInstancePlacement_t place = {0, 4};
  EXPECT_OK(nvmlDeviceCreateGpuInstanceWithPlacement(h, 9, &place, &gi1));
  EXPECT_OK(nvmlGpuInstanceGetInfo(gi1, &info));
  EXPECT_UINT(1, info.id);
  EXPECT_UINT(0, info.placement.start);
  /* Both 3g placements are taken. */
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES, nvmlDeviceCreateGpuInstance(h, 9, &gi));
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlDeviceCreateGpuInstanceWithPlacement(h, 9, &place, &gi));
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 9, &count));
  EXPECT_UINT(0, count);
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 19, &count));
  EXPECT_UINT(0, count);
  nvmlGpuInstancePlacement_t bad_size = {0, 2}, bad_start = {2, 4};
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceCreateGpuInstanceWithPlacement(h, 9, &bad_size, &gi));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceCreateGpuInstanceWithPlacement(h, 9, &bad_start, &gi));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceCreateGpuInstanceWithPlacement(h, 9, NULL, &gi));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceCreateGpuInstance(h, 77, &gi));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceCreateGpuInstance(h, 9, NULL));

  /* Listing: ascending GI ID; the buffer must hold them all. */
  nvmlGpuInstance_t list[7] = {0};
  count = 7;
  EXPECT_OK(nvmlDeviceGetGpuInstances(h, 9, list, &count));
  EXPECT_UINT(2, count);
  CHECK(list[0] == gi1 && list[1] == g_gi2);
  count = 1;
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE, nvmlDeviceGetGpuInstances(h, 9, list, &count));
  EXPECT_UINT(2, count);
  count = 7;
  EXPECT_OK(nvmlDeviceGetGpuInstances(h, 19, list, &count));
  EXPECT_UINT(0, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstances(h, 9, NULL, &count));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstances(h, 77, list, &count));

  nvmlGpuInstance_t by_id = NULL;
  EXPECT_OK(nvmlDeviceGetGpuInstanceById(h, 2, &by_id));
  CHECK(by_id == g_gi2); /* the same handle object */
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetGpuInstanceById(h, 5, &by_id));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceById(h, 2, NULL));

  /* Free 0:4 again; a 1g then goes to the first free start of 6,4,5,0,1,2,3: 0, GI ID 7. */
  EXPECT_OK(nvmlGpuInstanceDestroy(gi1));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceGetInfo(gi1, &info)); /* stale */
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceDestroy(gi1));
  EXPECT_OK(nvmlDeviceCreateGpuInstance(h, 19, &g_gi7));
  EXPECT_OK(nvmlGpuInstanceGetInfo(g_gi7, &info));
  EXPECT_UINT(7, info.id);
  EXPECT_UINT(19, info.profileId);
  EXPECT_UINT(0, info.placement.start);
  EXPECT_UINT(1, info.placement.size);
}

static void TestComputeInstances(void) {
  /* CI profiles of a 3g.40gb GI (60 SMs; CE 3, DEC 3, JPEG 3 shared): 1c x3 (20 SMs),
   * 2c x1 (40 SMs), 3g x1 (60 SMs) -- §5. */
  static const int kInstances[NVML_COMPUTE_INSTANCE_PROFILE_COUNT] = {3,  1,  1,  -1, -1,
                                                                      -1, -1, -1, -1};
  static const int kSms[] = {20, 40, 60};
  nvmlComputeInstanceProfileInfo_t info;
  for (unsigned int p = 0; p < NVML_COMPUTE_INSTANCE_PROFILE_COUNT; ++p) {
    if (kInstances[p] < 0) {
      EXPECT_RET(NVML_ERROR_NOT_SUPPORTED,
                 nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi2, p, 0, &info));
      continue;
    }
    EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi2, p, 0, &info));
    EXPECT_UINT(p, info.id);
    EXPECT_UINT(p + 1, info.sliceCount);
    EXPECT_UINT(kInstances[p], info.instanceCount);
    EXPECT_UINT(kSms[p], info.multiprocessorCount);
    EXPECT_UINT(3, info.sharedCopyEngineCount);
    EXPECT_UINT(3, info.sharedDecoderCount);
    EXPECT_UINT(0, info.sharedEncoderCount);
    EXPECT_UINT(3, info.sharedJpegCount);
    EXPECT_UINT(0, info.sharedOfaCount);
  }
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi2, 9, 0, &info));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi2, 0, 1, &info));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceProfileInfo(g_gi2, 0, 0, NULL));

  nvmlComputeInstanceProfileInfo_v2_t v2;
  memset(&v2, 0, sizeof v2);
  v2.version = nvmlComputeInstanceProfileInfo_v2;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi2, 0, 0, &v2));
  EXPECT_UINT(0x02000088, v2.version);
  EXPECT_UINT(20, v2.multiprocessorCount);
  EXPECT_STR("MIG 1c.3g.40gb", v2.name);
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi2, 2, 0, &v2));
  EXPECT_STR("MIG 3g.40gb", v2.name);
  nvmlComputeInstanceProfileInfo_v3_t v3;
  memset(&v3, 0xFF, sizeof v3);
  v3.version = nvmlComputeInstanceProfileInfo_v3;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfoV(
      g_gi2, 1, 0, (nvmlComputeInstanceProfileInfo_v2_t*)&v3));
  EXPECT_UINT(0x0300008C, v3.version);
  EXPECT_UINT(40, v3.multiprocessorCount);
  EXPECT_STR("MIG 2c.3g.40gb", v3.name);
  EXPECT_UINT(0, v3.capabilities);
  v2.version = 0x02000099;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi2, 0, 0, &v2));
  v2.version = nvmlComputeInstanceProfileInfo_v2;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED,
             nvmlGpuInstanceGetComputeInstanceProfileInfoV(g_gi2, 3, 0, &v2));

  unsigned int count = 0;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi2, 0, &count));
  EXPECT_UINT(3, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi2, 3, &count));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi2, 0, NULL));

  nvmlComputeInstancePlacement_t p[8];
  EXPECT_OK(nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi2, 0, NULL, &count));
  EXPECT_UINT(3, count);
  count = 8;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi2, 0, p, &count));
  EXPECT_UINT(3, count);
  CHECK(p[0].start == 0 && p[1].start == 1 && p[2].start == 2 && p[2].size == 1);
  count = 8;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi2, 1, p, &count));
  EXPECT_UINT(1, count);
  CHECK(p[0].start == 0 && p[0].size == 2);
  count = 0;
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE,
             nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi2, 0, p, &count));
  EXPECT_UINT(3, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstancePossiblePlacements(g_gi2, 4, p, &count));

  /* CI IDs are given 0, 1, ... in creation order (§5). */
  EXPECT_OK(nvmlGpuInstanceCreateComputeInstance(g_gi2, 0, &g_ci0));
  nvmlComputeInstancePlacement_t at2 = {2, 1}, wrong = {2, 2};
  EXPECT_OK(nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi2, 0, &at2, &g_ci1));
  nvmlComputeInstance_t ci = NULL;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi2, 0, &wrong, &ci));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi2, 0, NULL, &ci));
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlGpuInstanceCreateComputeInstanceWithPlacement(g_gi2, 0, &at2, &ci));
  /* The 2c needs slices 0-1, and slice 0 is taken. */
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlGpuInstanceCreateComputeInstance(g_gi2, 1, &ci));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceCreateComputeInstance(g_gi2, 5, &ci));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceCreateComputeInstance(g_gi2, 0, NULL));
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g_gi2, 0, &count));
  EXPECT_UINT(1, count);

  nvmlComputeInstanceInfo_t info2;
  EXPECT_OK(nvmlComputeInstanceGetInfo_v2(g_ci1, &info2));
  EXPECT_UINT(1, info2.id);
  EXPECT_UINT(0, info2.profileId);
  CHECK(info2.gpuInstance == g_gi2);
  EXPECT_UINT(2, info2.placement.start);
  EXPECT_UINT(1, info2.placement.size);
  unsigned int is_mig = 0;
  EXPECT_OK(nvmlDeviceIsMigDeviceHandle(info2.device, &is_mig)); /* the CI's MIG device */
  EXPECT_UINT(1, is_mig);
  /* The unversioned call leaves the placement (added in _v2) untouched. */
  memset(&info2, 0xEE, sizeof info2);
  EXPECT_OK(nvmlComputeInstanceGetInfo(g_ci0, &info2));
  EXPECT_UINT(0, info2.id);
  EXPECT_UINT(0xEEEEEEEEu, info2.placement.start);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlComputeInstanceGetInfo_v2(g_ci0, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlComputeInstanceGetInfo_v2(NULL, &info2));

  nvmlComputeInstance_t list[8] = {0};
  count = 8;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstances(g_gi2, 0, list, &count));
  EXPECT_UINT(2, count);
  CHECK(list[0] == g_ci0 && list[1] == g_ci1);
  count = 1;
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_SIZE,
             nvmlGpuInstanceGetComputeInstances(g_gi2, 0, list, &count));
  EXPECT_UINT(2, count);
  count = 8;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstances(g_gi2, 2, list, &count));
  EXPECT_UINT(0, count);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlGpuInstanceGetComputeInstances(g_gi2, 0, NULL, &count));
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceById(g_gi2, 1, &ci));
  CHECK(ci == g_ci1);
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlGpuInstanceGetComputeInstanceById(g_gi2, 5, &ci));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceGetComputeInstanceById(g_gi2, 0, NULL));

  /* GI 7 (1g.10gb): its only CI profile is the whole GI. */
  nvmlComputeInstance_t ci7 = NULL;
  EXPECT_OK(nvmlGpuInstanceCreateComputeInstance(g_gi7, 0, &ci7));
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlGpuInstanceCreateComputeInstance(g_gi7, 0, &ci));

  /* A GPU instance with compute instances cannot be destroyed (§6.3). */
  EXPECT_RET(NVML_ERROR_IN_USE, nvmlGpuInstanceDestroy(g_gi2));
  /* Nor can MIG be disabled while GPU instances exist. */
  nvmlReturn_t activation;
  EXPECT_RET(NVML_ERROR_IN_USE, nvmlDeviceSetMigMode(Gpu(kH100), 0, &activation));
}

static void TestMigDevices(void) {
  nvmlDevice_t h = Gpu(kH100), a = Gpu(kA100);
  /* Order: GI 2 CI 0, GI 2 CI 1, GI 7 CI 0 -- by GI ID, although GI 7 sits at 0:1 (§7). */
  nvmlDevice_t mig[3] = {NULL, NULL, NULL}, extra = NULL;
  for (unsigned int i = 0; i < 3; ++i)
    EXPECT_OK(nvmlDeviceGetMigDeviceHandleByIndex(h, i, &mig[i]));
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetMigDeviceHandleByIndex(h, 3, &extra));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMigDeviceHandleByIndex(h, 7, &extra));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMigDeviceHandleByIndex(h, 0, NULL));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetMigDeviceHandleByIndex(a, 0, &extra));
  EXPECT_OK(nvmlDeviceGetMigDeviceHandleByIndex(h, 1, &extra));
  CHECK(extra == mig[1]);

  static const unsigned int kGi[] = {2, 2, 7}, kCi[] = {0, 1, 0};
  static const char* const kNames[] = {"NVIDIA H100 80GB HBM3 MIG 1c.3g.40gb",
                                       "NVIDIA H100 80GB HBM3 MIG 1c.3g.40gb",
                                       "NVIDIA H100 80GB HBM3 MIG 1g.10gb"};
  char uuids[3][NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  for (int i = 0; i < 3; ++i) {
    unsigned int v = 99;
    EXPECT_OK(nvmlDeviceIsMigDeviceHandle(mig[i], &v));
    EXPECT_UINT(1, v);
    EXPECT_OK(nvmlDeviceGetGpuInstanceId(mig[i], &v));
    EXPECT_UINT(kGi[i], v);
    EXPECT_OK(nvmlDeviceGetComputeInstanceId(mig[i], &v));
    EXPECT_UINT(kCi[i], v);
    EXPECT_OK(nvmlDeviceGetIndex(mig[i], &v));
    EXPECT_UINT(i, v);
    nvmlDevice_t parent = NULL;
    EXPECT_OK(nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig[i], &parent));
    CHECK(parent == h);
    char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
    EXPECT_OK(nvmlDeviceGetName(mig[i], name, sizeof name));
    EXPECT_STR(kNames[i], name);
    EXPECT_OK(nvmlDeviceGetUUID(mig[i], uuids[i], sizeof uuids[i]));
    CHECK(IsUuid(uuids[i], "MIG-", 1));
    nvmlDevice_t by_uuid = NULL;
    EXPECT_OK(nvmlDeviceGetHandleByUUID(uuids[i], &by_uuid));
    CHECK(by_uuid == mig[i]);
  }
  CHECK(strcmp(uuids[0], uuids[1]) != 0 && strcmp(uuids[1], uuids[2]) != 0);

  /* The CI's info names the same MIG device handle. */
  nvmlComputeInstanceInfo_t ci_info;
  EXPECT_OK(nvmlComputeInstanceGetInfo_v2(g_ci1, &ci_info));
  CHECK(ci_info.device == mig[1]);

  unsigned int v = 0;
  EXPECT_OK(nvmlDeviceIsMigDeviceHandle(h, &v));
  EXPECT_UINT(0, v);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceIsMigDeviceHandle(h, NULL));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetGpuInstanceId(h, &v));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetComputeInstanceId(h, &v));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetGpuInstanceId(mig[0], NULL));
  nvmlDevice_t parent = NULL;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetDeviceHandleFromMigDeviceHandle(h, &parent));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig[0], NULL));

  /* A MIG device has its GI's memory and the CI's share of SMs (§3.5: 3g.40gb = 40448 MiB). */
  nvmlMemory_t mem;
  EXPECT_OK(nvmlDeviceGetMemoryInfo(mig[0], &mem));
  EXPECT_UINT(40448 * kMiB, mem.total);
  nvmlMemory_v2_t mem2;
  memset(&mem2, 0, sizeof mem2);
  mem2.version = nvmlMemory_v2;
  EXPECT_OK(nvmlDeviceGetMemoryInfo_v2(mig[2], &mem2));
  EXPECT_UINT(9984 * kMiB, mem2.total);
  nvmlDeviceAttributes_t attrs;
  EXPECT_OK(nvmlDeviceGetAttributes_v2(mig[0], &attrs));
  EXPECT_UINT(20, attrs.multiprocessorCount);
  EXPECT_UINT(3, attrs.sharedCopyEngineCount);
  EXPECT_UINT(3, attrs.sharedDecoderCount);
  EXPECT_UINT(0, attrs.sharedEncoderCount);
  EXPECT_UINT(3, attrs.sharedJpegCount);
  EXPECT_UINT(0, attrs.sharedOfaCount);
  EXPECT_UINT(3, attrs.gpuInstanceSliceCount);
  EXPECT_UINT(1, attrs.computeInstanceSliceCount);
  EXPECT_UINT(40448, attrs.memorySizeMB);
  EXPECT_OK(nvmlDeviceGetAttributes(mig[2], &attrs));
  EXPECT_UINT(16, attrs.multiprocessorCount);
  EXPECT_UINT(1, attrs.gpuInstanceSliceCount);
  EXPECT_UINT(9984, attrs.memorySizeMB);

  /* Queries about the physical GPU: the parent's PCI address, no minor number, and the calls
   * that need a GPU reject a MIG handle. */
  nvmlPciInfo_t pci;
  EXPECT_OK(nvmlDeviceGetPciInfo_v3(mig[0], &pci));
  EXPECT_STR("00000000:2A:00.0", pci.busId);
  nvmlDeviceArchitecture_t arch = 0;
  EXPECT_OK(nvmlDeviceGetArchitecture(mig[0], &arch));
  EXPECT_UINT(NVML_DEVICE_ARCH_HOPPER, arch);
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetMinorNumber(mig[0], &v));
  unsigned int cur = 0, pend = 0;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMigMode(mig[0], &cur, &pend));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetMaxMigDeviceCount(mig[0], &v));
}

/* ---- Events (issue 8 item 2): the device plugin's health check ----------------------------------
 *
 * The device plugin creates a set, registers XidCritical | DBE | SBE (masked by the supported
 * types) on each parent GPU, and loops on nvmlEventSetWait_v2(set, &e, 5000), skipping TIMEOUT and
 * matching e.gpuInstanceId / e.computeInstanceId against its MIG devices. Events are raised by
 * `migctl emulator fault xid` in another process. */

static double NowMs(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Runs `$MIGCTL PREFIX... ARGS...` (MIGKIT_BACKEND=emulator), after `delay_ms`; returns its pid
 * when `background`, else its exit status. */
static int RunMigctlArgs(const char* const* prefix, const char* const* args, int delay_ms,
                         int background) {
  const char* migctl = getenv("MIGCTL");
  if (migctl == NULL) {
    fprintf(stderr, "MIGCTL is not set\n");
    return -1;
  }
  fflush(stdout);
  fflush(stderr);
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    if (delay_ms > 0) {
      struct timespec d = {delay_ms / 1000, (long)(delay_ms % 1000) * 1000000L};
      nanosleep(&d, NULL);
    }
    const char* argv[16] = {"migctl"};
    int n = 1;
    for (int i = 0; prefix[i] != NULL && n < 15; ++i) argv[n++] = prefix[i];
    for (int i = 0; args[i] != NULL && n < 15; ++i) argv[n++] = args[i];
    argv[n] = NULL;
    setenv("MIGKIT_BACKEND", "emulator", 1);
    if (freopen("/dev/null", "w", stdout) == NULL) _exit(126);
    execv(migctl, (char* const*)argv);
    _exit(127);
  }
  if (background) return (int)pid;
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* `migctl emulator fault xid ARGS...`. */
static int RaiseXid(const char* const* args, int delay_ms, int background) {
  static const char* const kPrefix[] = {"emulator", "fault", "xid", NULL};
  return RunMigctlArgs(kPrefix, args, delay_ms, background);
}

/* `migctl ARGS...`, waited for. */
static int Migctl(const char* const* args) {
  static const char* const kNone[] = {NULL};
  return RunMigctlArgs(kNone, args, 0, 0);
}

/* Child: registers for Xid on the H100 and waits; the parent raises the Xid on GI 7 CI 0 only
 * once this child has said (on stdout = the pipe) it is registered. */
static int ChildEventWaiter(void) {
  EXPECT_OK(nvmlInit_v2());
  nvmlEventSet_t set = NULL;
  EXPECT_OK(nvmlEventSetCreate(&set));
  EXPECT_OK(nvmlDeviceRegisterEvents(Gpu(kH100), nvmlEventTypeXidCriticalError, set));
  printf("registered\n");
  fflush(stdout);
  nvmlEventData_t e;
  memset(&e, 0, sizeof e);
  EXPECT_OK(nvmlEventSetWait_v2(set, &e, 10000));
  EXPECT_UINT(nvmlEventTypeXidCriticalError, e.eventType);
  EXPECT_UINT(94, e.eventData);
  EXPECT_UINT(7, e.gpuInstanceId);
  EXPECT_UINT(0, e.computeInstanceId);
  CHECK(e.device == Gpu(kH100));
  EXPECT_OK(nvmlEventSetFree(set));
  EXPECT_OK(nvmlShutdown());
  return g_failures == 0 ? 0 : 1;
}

static void TestEvents(void) {
  nvmlDevice_t a = Gpu(kA100), h = Gpu(kH100);
  unsigned long long types = 0;
  EXPECT_OK(nvmlDeviceGetSupportedEventTypes(h, &types));
  CHECK((types & nvmlEventTypeXidCriticalError) != 0);
  CHECK((types & nvmlEventTypeDoubleBitEccError) != 0);
  CHECK((types & nvmlEventTypeSingleBitEccError) != 0);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetSupportedEventTypes(h, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetSupportedEventTypes((nvmlDevice_t)&types, &types));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlEventSetCreate(NULL));

  nvmlEventSet_t set = NULL, late = NULL;
  EXPECT_OK(nvmlEventSetCreate(&set));
  CHECK(set != NULL);
  /* The device plugin's mask, limited to what the GPU supports. */
  const unsigned long long wanted =
      (nvmlEventTypeXidCriticalError | nvmlEventTypeDoubleBitEccError |
       nvmlEventTypeSingleBitEccError) &
      types;
  EXPECT_OK(nvmlDeviceRegisterEvents(h, wanted, set));
  EXPECT_OK(nvmlDeviceRegisterEvents(a, nvmlEventTypeXidCriticalError, set));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceRegisterEvents(h, wanted, (nvmlEventSet_t)&types));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceRegisterEvents(NULL, wanted, set));

  /* Nothing happened: TIMEOUT after the timeout, not before; 0 returns at once. */
  nvmlEventData_t e;
  double t0 = NowMs();
  EXPECT_RET(NVML_ERROR_TIMEOUT, nvmlEventSetWait_v2(set, &e, 50));
  const double waited = NowMs() - t0;
  CHECK(waited >= 49.0 && waited < 1000.0);
  EXPECT_RET(NVML_ERROR_TIMEOUT, nvmlEventSetWait_v2(set, &e, 0));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlEventSetWait_v2(set, NULL, 0));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlEventSetWait_v2((nvmlEventSet_t)&e, &e, 0));

  /* An Xid on the whole A100, raised by another process while we wait: it arrives long before
   * the 10 s timeout, with no GI/CI. */
  static const char* const kA100Xid[] = {"-i", "0", "79", NULL};
  const int raiser = RaiseXid(kA100Xid, 100, 1);
  CHECK(raiser > 0);
  memset(&e, 0, sizeof e);
  t0 = NowMs();
  EXPECT_OK(nvmlEventSetWait_v2(set, &e, 10000));
  CHECK(NowMs() - t0 < 5000.0);
  CHECK(e.device == a);
  EXPECT_UINT(nvmlEventTypeXidCriticalError, e.eventType);
  EXPECT_UINT(79, e.eventData);
  EXPECT_UINT(0xFFFFFFFFu, e.gpuInstanceId);
  EXPECT_UINT(0xFFFFFFFFu, e.computeInstanceId);
  int status = 0;
  CHECK(raiser > 0 && waitpid((pid_t)raiser, &status, 0) == (pid_t)raiser && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0);

  /* An Xid on a MIG device (GI 7 CI 0 of the H100) reaches both this process and a child that
   * waits on its own set; it carries the MIG device's GI and CI IDs. */
  int pipefd[2];
  CHECK(pipe(pipefd) == 0);
  fflush(stdout);
  const pid_t waiter = fork();
  if (waiter == 0) {
    dup2(pipefd[1], 1);
    close(pipefd[0]);
    execl("/proc/self/exe", "nvml_c_test", "child-event-waiter", (char*)NULL);
    _exit(127);
  }
  close(pipefd[1]);
  char ready[32] = {0};
  CHECK(read(pipefd[0], ready, sizeof ready - 1) > 0 && strncmp(ready, "registered", 10) == 0);
  close(pipefd[0]);
  static const char* const kMigXid[] = {"-i", "1", "--gi", "7", "--ci", "0", "94", NULL};
  EXPECT_UINT(0, RaiseXid(kMigXid, 0, 0));
  CHECK(waiter > 0 && waitpid(waiter, &status, 0) == waiter && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0);
  memset(&e, 0, sizeof e);
  EXPECT_OK(nvmlEventSetWait_v2(set, &e, 1000));
  CHECK(e.device == h);
  EXPECT_UINT(94, e.eventData);
  EXPECT_UINT(7, e.gpuInstanceId);
  EXPECT_UINT(0, e.computeInstanceId);

  /* A set registered afterwards does not see earlier events. The v1 wait fills only the fields
   * its struct had. */
  EXPECT_OK(nvmlEventSetCreate(&late));
  EXPECT_OK(nvmlDeviceRegisterEvents(h, nvmlEventTypeXidCriticalError, late));
  EXPECT_RET(NVML_ERROR_TIMEOUT, nvmlEventSetWait(late, &e, 10));
  static const char* const kH100Xid[] = {"-i", "0000:2a:00.0", "48", NULL};
  EXPECT_UINT(0, RaiseXid(kH100Xid, 0, 0));
  memset(&e, 0x5A, sizeof e);
  EXPECT_OK(nvmlEventSetWait(late, &e, 1000));
  CHECK(e.device == h);
  EXPECT_UINT(48, e.eventData);
  EXPECT_UINT(0x5A5A5A5Au, e.gpuInstanceId);
  EXPECT_OK(nvmlEventSetWait_v2(set, &e, 1000)); /* the first set gets it too */
  EXPECT_UINT(48, e.eventData);
  EXPECT_RET(NVML_ERROR_TIMEOUT, nvmlEventSetWait_v2(set, &e, 0));

  /* A MIG device for an absent instance is refused by the raiser; nothing is delivered. */
  static const char* const kBadMig[] = {"-i", "1", "--gi", "9", "--ci", "0", NULL};
  CHECK(RaiseXid(kBadMig, 0, 0) != 0);
  EXPECT_RET(NVML_ERROR_TIMEOUT, nvmlEventSetWait_v2(set, &e, 0));

  EXPECT_OK(nvmlEventSetFree(late));
  EXPECT_OK(nvmlEventSetFree(set));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlEventSetFree(set));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlEventSetFree(NULL));
}

/* ---- What Slurm's gpu/nvml plugin calls (issue 8 item 3) --------------------------------------
 *
 * Per GPU: name, UUID, PCI, minor, CPU affinity (a non-empty mask, else Slurm aborts), NVLink
 * state for each link until the first failure; per MIG device, by contiguous index until the
 * first failure: UUID, GI/CI IDs, attributes (cluster-and-service.md §1.2). */
static void TestSlurmCalls(void) {
  nvmlDevice_t a = Gpu(kA100), h = Gpu(kH100);
  unsigned long mask[4];
  memset(mask, 0xFF, sizeof mask);
  EXPECT_OK(nvmlDeviceGetCpuAffinity(h, 4, mask));
  CHECK(mask[0] != 0 || mask[1] != 0 || mask[2] != 0 || mask[3] != 0);
  EXPECT_OK(nvmlDeviceGetCpuAffinity(a, 1, mask));
  CHECK(mask[0] != 0);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetCpuAffinity(h, 0, mask));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetCpuAffinity(h, 4, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetCpuAffinity(NULL, 4, mask));
  unsigned int minor = 99;
  EXPECT_OK(nvmlDeviceGetMinorNumber(h, &minor));
  EXPECT_UINT(1, minor);

  /* No NVLink fabric, no clock control: NOT_SUPPORTED after NVML's argument checks. */
  nvmlEnableState_t active = NVML_FEATURE_ENABLED;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetNvLinkState(h, 0, &active));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetNvLinkState(h, NVML_NVLINK_MAX_LINKS, &active));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetNvLinkState(h, 0, NULL));
  nvmlPciInfo_t pci;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetNvLinkRemotePciInfo_v2(h, 0, &pci));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetNvLinkRemotePciInfo_v2(h, 0, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetNvLinkRemotePciInfo_v2((nvmlDevice_t)&pci, 0, &pci));
  unsigned int count = 0, clocks[8], mhz = 0;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetSupportedMemoryClocks(h, &count, clocks));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetSupportedMemoryClocks(h, NULL, clocks));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED,
             nvmlDeviceGetSupportedGraphicsClocks(h, 2619, &count, clocks));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetSupportedGraphicsClocks(h, 2619, NULL, clocks));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED,
             nvmlDeviceGetApplicationsClock(a, NVML_CLOCK_GRAPHICS, &mhz));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetApplicationsClock(a, NVML_CLOCK_MEM, NULL));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceSetApplicationsClocks(a, 1215, 1410));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceResetApplicationsClocks(a));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceResetApplicationsClocks(NULL));

  /* MIG devices: indices 0..n-1 all succeed, n fails (Slurm stops there). */
  unsigned int max = 0, n = 0;
  EXPECT_OK(nvmlDeviceGetMaxMigDeviceCount(h, &max));
  nvmlDevice_t mig = NULL;
  while (n < max && nvmlDeviceGetMigDeviceHandleByIndex(h, n, &mig) == NVML_SUCCESS) {
    char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
    unsigned int gi = 0, ci = 0;
    nvmlDeviceAttributes_t attrs;
    EXPECT_OK(nvmlDeviceGetUUID(mig, uuid, sizeof uuid));
    EXPECT_OK(nvmlDeviceGetGpuInstanceId(mig, &gi));
    EXPECT_OK(nvmlDeviceGetComputeInstanceId(mig, &ci));
    EXPECT_OK(nvmlDeviceGetAttributes_v2(mig, &attrs));
    ++n;
  }
  EXPECT_UINT(3, n); /* GI 2 CI 0, GI 2 CI 1, GI 7 CI 0: the three of TestMigDevices */
  /* A MIG device is as close to the CPUs as its parent. */
  unsigned long parent_mask[4], mig_mask[4];
  EXPECT_OK(nvmlDeviceGetCpuAffinity(h, 4, parent_mask));
  EXPECT_OK(nvmlDeviceGetMigDeviceHandleByIndex(h, 0, &mig));
  EXPECT_OK(nvmlDeviceGetCpuAffinity(mig, 4, mig_mask));
  CHECK(memcmp(parent_mask, mig_mask, sizeof mig_mask) == 0);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetNvLinkState(mig, 0, &active));
}

/* ---- Another process ------------------------------------------------------------------------- */

/* Child: finds the parent's instances, destroys CI 1 of GI 2 and creates a 2g.20gb at 2:2, which
 * gets GI ID 4 (§4.2). */
static int ChildChange(void) {
  EXPECT_OK(nvmlInit_v2());
  nvmlDevice_t h = Gpu(kH100);
  nvmlGpuInstance_t gi2 = NULL, gi4 = NULL;
  nvmlComputeInstance_t ci1 = NULL;
  EXPECT_OK(nvmlDeviceGetGpuInstanceById(h, 2, &gi2));
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceById(gi2, 1, &ci1));
  EXPECT_OK(nvmlComputeInstanceDestroy(ci1));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlComputeInstanceDestroy(ci1));
  nvmlGpuInstancePlacement_t at2 = {2, 2};
  EXPECT_OK(nvmlDeviceCreateGpuInstanceWithPlacement(h, 14, &at2, &gi4));
  nvmlGpuInstanceInfo_t info;
  EXPECT_OK(nvmlGpuInstanceGetInfo(gi4, &info));
  EXPECT_UINT(4, info.id);
  EXPECT_OK(nvmlShutdown());
  return g_failures == 0 ? 0 : 1;
}

/* Child with MIGKIT_FAULTS="create-gi=in_use,mig-activation@1=reset_required": the next GI
 * creation fails IN_USE, the one after succeeds; SetMigMode reports RESET_REQUIRED. */
static int ChildFaults(void) {
  EXPECT_OK(nvmlInit_v2());
  nvmlDevice_t h = Gpu(kH100);
  nvmlGpuInstance_t gi = NULL;
  nvmlGpuInstancePlacement_t at1 = {1, 1}; /* the only free 1g slot: 0 is GI 7, 2-3 GI 4 */
  EXPECT_RET(NVML_ERROR_IN_USE, nvmlDeviceCreateGpuInstanceWithPlacement(h, 19, &at1, &gi));
  /* The rule is used up; it survives nvmlShutdown/nvmlInit (once per process). */
  EXPECT_OK(nvmlShutdown());
  EXPECT_OK(nvmlInit_v2());
  EXPECT_OK(nvmlDeviceCreateGpuInstanceWithPlacement(h, 19, &at1, &gi));
  EXPECT_OK(nvmlGpuInstanceDestroy(gi));
  nvmlReturn_t activation = NVML_SUCCESS;
  EXPECT_OK(nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_ENABLE, &activation));
  EXPECT_UINT(NVML_ERROR_RESET_REQUIRED, activation);
  EXPECT_OK(nvmlShutdown());
  return g_failures == 0 ? 0 : 1;
}

/* Child whose environment is broken: nvmlInit fails with UNKNOWN (and says why on stderr). */
static int ChildInitFails(void) {
  EXPECT_RET(NVML_ERROR_UNKNOWN, nvmlInit_v2());
  unsigned int count = 0;
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetCount_v2(&count));
  return g_failures == 0 ? 0 : 1;
}

static void TestOtherProcesses(void) {
  nvmlDevice_t h = Gpu(kH100);
  EXPECT_UINT(0, RunChild("child-change", NULL, NULL));
  /* The child's changes are visible on our next call; our handle to the CI it destroyed is stale.
   */
  nvmlComputeInstanceInfo_t info;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlComputeInstanceGetInfo_v2(g_ci1, &info));
  nvmlGpuInstance_t list[3];
  unsigned int count = 3;
  EXPECT_OK(nvmlDeviceGetGpuInstances(h, 14, list, &count));
  EXPECT_UINT(1, count);
  nvmlGpuInstanceInfo_t gi_info;
  EXPECT_OK(nvmlGpuInstanceGetInfo(list[0], &gi_info));
  EXPECT_UINT(4, gi_info.id);
  nvmlDevice_t mig = NULL;
  unsigned int v = 0;
  EXPECT_OK(nvmlDeviceGetMigDeviceHandleByIndex(h, 1, &mig)); /* GI 7 CI 0 moved up */
  EXPECT_OK(nvmlDeviceGetGpuInstanceId(mig, &v));
  EXPECT_UINT(7, v);

  EXPECT_UINT(0, RunChild("child-faults", "MIGKIT_FAULTS",
                          "create-gi=in_use,mig-activation@1=reset_required"));
  /* A failed or faulted call changed nothing: MIG stays on. */
  unsigned int cur = 0, pend = 0;
  EXPECT_OK(nvmlDeviceGetMigMode(h, &cur, &pend));
  CHECK(cur == 1 && pend == 1);

  EXPECT_UINT(0, RunChild("child-init-fails", "MIGKIT_EMULATE", "NoSuchGPU"));
  EXPECT_UINT(0, RunChild("child-init-fails", "MIGKIT_EMULATE", "2xH100-SXM5-80GB"));
}

/* ---- Tear down, handles across shutdown ---------------------------------------------------------
 */

static void TestDestroyEverything(void) {
  nvmlDevice_t h = Gpu(kH100);
  nvmlGpuInstance_t gi4 = NULL;
  nvmlComputeInstance_t ci7 = NULL;
  EXPECT_OK(nvmlDeviceGetGpuInstanceById(h, 4, &gi4));
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceById(g_gi7, 0, &ci7));
  EXPECT_OK(nvmlComputeInstanceDestroy(ci7));
  EXPECT_OK(nvmlComputeInstanceDestroy(g_ci0));
  EXPECT_OK(nvmlGpuInstanceDestroy(g_gi7));
  EXPECT_OK(nvmlGpuInstanceDestroy(g_gi2));
  EXPECT_OK(nvmlGpuInstanceDestroy(gi4));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlGpuInstanceDestroy(g_gi2));
  nvmlGpuInstance_t gi = NULL;
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetGpuInstanceById(h, 2, &gi));
  nvmlDevice_t mig = NULL;
  EXPECT_RET(NVML_ERROR_NOT_FOUND, nvmlDeviceGetMigDeviceHandleByIndex(h, 0, &mig));
  unsigned int count = 0;
  EXPECT_OK(nvmlDeviceGetGpuInstanceRemainingCapacity(h, 0, &count));
  EXPECT_UINT(1, count);
  nvmlReturn_t activation = NVML_ERROR_UNKNOWN;
  EXPECT_OK(nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_DISABLE, &activation));
  EXPECT_UINT(NVML_SUCCESS, activation);
  unsigned int cur = 9, pend = 9;
  EXPECT_OK(nvmlDeviceGetMigMode(h, &cur, &pend));
  CHECK(cur == 0 && pend == 0);
}

/* ---- Double-memory 1g GPU instances (issue 8 item 1) ---------------------------------------
 *
 * go-nvlib (mig-parted, the GPU operator) and NVIDIA's DRA driver create the compute instance of
 * a 1g.20gb GI (profile index 9, 1_SLICE_REV2, ID 15) with CI profile 0 (1_SLICE); -C creates
 * profile 7 (1_SLICE_REV1, §5). Both are offered and share the one compute slot. Runs on an empty
 * H100 with MIG off and leaves it so. */
static void TestDoubleMemoryOneG(void) {
  nvmlDevice_t h = Gpu(kH100);
  nvmlReturn_t activation = NVML_ERROR_UNKNOWN;
  EXPECT_OK(nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_ENABLE, &activation));
  /* go-nvlib's walk: profile index 9, then CI profile 0 engine profile 0. */
  nvmlGpuInstanceProfileInfo_t gp;
  EXPECT_OK(nvmlDeviceGetGpuInstanceProfileInfo(h, 9, &gp));
  EXPECT_UINT(15, gp.id);
  nvmlGpuInstance_t gi = NULL;
  EXPECT_OK(nvmlDeviceCreateGpuInstance(h, gp.id, &gi));
  nvmlGpuInstanceInfo_t gi_info;
  EXPECT_OK(nvmlGpuInstanceGetInfo(gi, &gi_info));
  EXPECT_UINT(5, gi_info.id); /* first 1g.20gb on H100 -> ID 5 (§4.3, T10) */
  nvmlComputeInstanceProfileInfo_t cp0, cp7;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfo(gi, NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                                                         0, &cp0));
  EXPECT_UINT(0, cp0.id);
  EXPECT_UINT(1, cp0.sliceCount);
  EXPECT_UINT(1, cp0.instanceCount);
  EXPECT_UINT(26, cp0.multiprocessorCount); /* §3.5: 1g.20gb has 26 SMs */
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceProfileInfo(
      gi, NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE_REV1, 0, &cp7));
  EXPECT_UINT(7, cp7.id);
  EXPECT_UINT(1, cp7.sliceCount);
  EXPECT_UINT(26, cp7.multiprocessorCount);
  unsigned int count = 9;
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceRemainingCapacity(gi, 0, &count));
  EXPECT_UINT(1, count);
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceRemainingCapacity(gi, 7, &count));
  EXPECT_UINT(1, count);

  nvmlComputeInstance_t ci = NULL, other = NULL;
  EXPECT_OK(nvmlGpuInstanceCreateComputeInstance(gi, cp0.id, &ci));
  /* One slot: the second profile no longer fits. */
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlGpuInstanceCreateComputeInstance(gi, 7, &other));
  EXPECT_OK(nvmlGpuInstanceGetComputeInstanceRemainingCapacity(gi, 7, &count));
  EXPECT_UINT(0, count);
  nvmlComputeInstanceInfo_t ci_info;
  EXPECT_OK(nvmlComputeInstanceGetInfo_v2(ci, &ci_info));
  EXPECT_UINT(0, ci_info.id);
  EXPECT_UINT(0, ci_info.profileId);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  EXPECT_OK(nvmlDeviceGetName(ci_info.device, name, sizeof name));
  EXPECT_STR("NVIDIA H100 80GB HBM3 MIG 1g.20gb", name);

  /* Destroyed and recreated as profile 7 it is the same MIG device (§7: same GI/CI IDs). */
  EXPECT_OK(nvmlComputeInstanceDestroy(ci));
  EXPECT_OK(nvmlGpuInstanceCreateComputeInstance(gi, 7, &ci));
  EXPECT_OK(nvmlComputeInstanceGetInfo_v2(ci, &ci_info));
  EXPECT_UINT(7, ci_info.profileId);
  EXPECT_RET(NVML_ERROR_INSUFFICIENT_RESOURCES,
             nvmlGpuInstanceCreateComputeInstance(gi, 0, &other));
  EXPECT_OK(nvmlComputeInstanceDestroy(ci));
  EXPECT_OK(nvmlGpuInstanceDestroy(gi));
  EXPECT_OK(nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_DISABLE, &activation));
}

static void TestHandlesSurviveShutdown(void) {
  nvmlDevice_t h = Gpu(kH100);
  EXPECT_OK(nvmlShutdown());
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  EXPECT_RET(NVML_ERROR_UNINITIALIZED, nvmlDeviceGetName(h, name, sizeof name));
  EXPECT_OK(nvmlInit_v2());
  EXPECT_OK(nvmlDeviceGetName(h, name, sizeof name));
  EXPECT_STR("NVIDIA H100 80GB HBM3", name);
  CHECK(Gpu(kH100) == h);
}

/* ---- Confidential computing (issue 15; cc-facts.md §5) ----------------------------------- */

/* Both buffers are large (9 KiB, 12 KiB): static, not on the stack. */
static nvmlConfComputeGpuCertificate_t g_cert;
static nvmlConfComputeGpuAttestationReport_t g_report;

static void TestConfComputeOff(void) {
  nvmlDevice_t h = Gpu(kH100);
  nvmlConfComputeSystemState_t st = {9, 9, 9};
  EXPECT_OK(nvmlSystemGetConfComputeState(&st));
  /* §5.4: UNAVAILABLE, DISABLED, OFF when no GPU is in a CC mode. */
  EXPECT_UINT(NVML_CC_SYSTEM_ENVIRONMENT_UNAVAILABLE, st.environment);
  EXPECT_UINT(NVML_CC_SYSTEM_FEATURE_DISABLED, st.ccFeature);
  EXPECT_UINT(NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF, st.devToolsMode);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetConfComputeState(NULL));
  nvmlSystemConfComputeSettings_t settings = {0x01000014u, 9, 9, 9, 9}; /* the §5.2 version word */
  EXPECT_OK(nvmlSystemGetConfComputeSettings(&settings));
  EXPECT_UINT(NVML_CC_SYSTEM_MULTIGPU_NONE, settings.multiGpuMode);
  settings.version = 0x02000014u;
  EXPECT_RET(NVML_ERROR_ARGUMENT_VERSION_MISMATCH, nvmlSystemGetConfComputeSettings(&settings));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetConfComputeSettings(NULL));
  nvmlConfComputeSystemCaps_t caps = {9, 9};
  EXPECT_OK(nvmlSystemGetConfComputeCapabilities(&caps));
  EXPECT_UINT(NVML_CC_SYSTEM_CPU_CAPS_NONE, caps.cpuCaps);
  EXPECT_UINT(NVML_CC_SYSTEM_GPUS_CC_NOT_CAPABLE, caps.gpusCaps); /* GPU 0 is an A100 (§2) */
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetConfComputeCapabilities(NULL));
  unsigned int ready = 9;
  EXPECT_OK(nvmlSystemGetConfComputeGpusReadyState(&ready));
  EXPECT_UINT(NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE, ready);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetConfComputeGpusReadyState(NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemSetConfComputeGpusReadyState(2));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlSystemSetConfComputeGpusReadyState(1));
  nvmlConfComputeGetKeyRotationThresholdInfo_t get_thr = {0x01000010u, 0};
  EXPECT_OK(nvmlSystemGetConfComputeKeyRotationThresholdInfo(&get_thr));
  EXPECT_UINT(60, get_thr.attackerAdvantage); /* RM's default (§5.4) */
  get_thr.version = 0x01000008u;
  EXPECT_RET(NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
             nvmlSystemGetConfComputeKeyRotationThresholdInfo(&get_thr));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemGetConfComputeKeyRotationThresholdInfo(NULL));
  nvmlConfComputeMemSizeInfo_t size = {1, 1};
  EXPECT_OK(nvmlDeviceGetConfComputeMemSizeInfo(h, &size));
  EXPECT_UINT(0, size.protectedMemSizeKib);
  EXPECT_UINT(81559ULL * 1024ULL, size.unprotectedMemSizeKib); /* H100 80GB: 81559 MiB */
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetConfComputeMemSizeInfo(h, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlDeviceGetConfComputeMemSizeInfo((nvmlDevice_t)&size, &size)); /* garbage */
  nvmlMemory_t mem = {1, 1, 1};
  EXPECT_OK(nvmlDeviceGetConfComputeProtectedMemoryUsage(h, &mem));
  /* Every real capture with CC off reads 0 MiB x3 (C11). */
  EXPECT_UINT(0, mem.total);
  EXPECT_UINT(0, mem.used);
  EXPECT_UINT(0, mem.free);
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetConfComputeProtectedMemoryUsage(NULL, &mem));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetConfComputeGpuCertificate(h, &g_cert));
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetConfComputeGpuAttestationReport(h, &g_report));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetConfComputeGpuCertificate(h, NULL));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlDeviceGetConfComputeGpuAttestationReport(h, NULL));
}

static void TestConfComputeOn(void) {
  nvmlDevice_t h = Gpu(kH100);
  /* The mode is set like gpu-admin-tools does, outside NVML, and applied by a reset. */
  static const char* const kSet[] = {"cc", "set", "on", "-i", "1", NULL};
  static const char* const kReset[] = {"reset", "-i", "1", NULL};
  EXPECT_UINT(0, Migctl(kSet));
  EXPECT_UINT(0, Migctl(kReset));
  nvmlConfComputeSystemState_t st;
  EXPECT_OK(nvmlSystemGetConfComputeState(&st));
  EXPECT_UINT(NVML_CC_SYSTEM_ENVIRONMENT_PROD, st.environment);
  EXPECT_UINT(NVML_CC_SYSTEM_FEATURE_ENABLED, st.ccFeature);
  EXPECT_UINT(NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF, st.devToolsMode);
  nvmlConfComputeMemSizeInfo_t size;
  EXPECT_OK(nvmlDeviceGetConfComputeMemSizeInfo(h, &size));
  EXPECT_UINT(81559ULL * 1024ULL, size.protectedMemSizeKib + size.unprotectedMemSizeKib);
  /* Default policy: MIG on a CC GPU is refused (UNCONFIRMED, cc-facts.md §3). */
  nvmlReturn_t activation = NVML_SUCCESS;
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED,
             nvmlDeviceSetMigMode(h, NVML_DEVICE_MIG_ENABLE, &activation));
  /* Certificate and report: fixed-size buffers, clearly synthetic, the nonce echoed. */
  memset(&g_cert, 0xAB, sizeof g_cert);
  EXPECT_OK(nvmlDeviceGetConfComputeGpuCertificate(h, &g_cert));
  CHECK(g_cert.certChainSize > 0 && g_cert.certChainSize <= NVML_GPU_CERT_CHAIN_SIZE);
  CHECK(g_cert.attestationCertChainSize > 0 &&
        g_cert.attestationCertChainSize <= NVML_GPU_ATTESTATION_CERT_CHAIN_SIZE);
  CHECK(strstr((const char*)g_cert.certChain, "NOT A REAL NVIDIA CERTIFICATE") != NULL);
  CHECK(g_cert.certChain[NVML_GPU_CERT_CHAIN_SIZE - 1] == 0);
  memset(&g_report, 0, sizeof g_report);
  for (int i = 0; i < NVML_CC_GPU_CEC_NONCE_SIZE; ++i) g_report.nonce[i] = (unsigned char)i;
  EXPECT_OK(nvmlDeviceGetConfComputeGpuAttestationReport(h, &g_report));
  CHECK(g_report.attestationReportSize > 0 &&
        g_report.attestationReportSize <= NVML_CC_GPU_ATTESTATION_REPORT_SIZE);
  CHECK(strstr((const char*)g_report.attestationReport, "SYNTHETIC") != NULL);
  CHECK(strstr((const char*)g_report.attestationReport,
               "nonce=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f") != NULL);
  EXPECT_UINT(NVML_CC_CEC_ATTESTATION_REPORT_NOT_PRESENT, g_report.isCecAttestationReportPresent);
  /* The A100 has no CC mode: no SPDM session, no certificate. */
  EXPECT_RET(NVML_ERROR_NOT_SUPPORTED, nvmlDeviceGetConfComputeGpuCertificate(Gpu(kA100), &g_cert));
  /* Key rotation threshold: 50..65, settable only before the ready state (§5.4). */
  nvmlConfComputeSetKeyRotationThresholdInfo_t set_thr = {0x01000010u, 49};
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  set_thr.maxAttackerAdvantage = 66;
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  set_thr.maxAttackerAdvantage = 50;
  EXPECT_OK(nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  set_thr.version = 0;
  EXPECT_RET(NVML_ERROR_ARGUMENT_VERSION_MISMATCH,
             nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT, nvmlSystemSetConfComputeKeyRotationThresholdInfo(NULL));
  nvmlConfComputeGetKeyRotationThresholdInfo_t get_thr = {
      nvmlConfComputeGetKeyRotationThresholdInfo_v1, 0};
  EXPECT_OK(nvmlSystemGetConfComputeKeyRotationThresholdInfo(&get_thr));
  EXPECT_UINT(50, get_thr.attackerAdvantage);
  /* Ready state: set, then the threshold is locked; cleared, then latched. */
  unsigned int ready = 0;
  EXPECT_OK(nvmlSystemSetConfComputeGpusReadyState(NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE));
  EXPECT_OK(nvmlSystemGetConfComputeGpusReadyState(&ready));
  EXPECT_UINT(NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE, ready);
  set_thr.version = nvmlConfComputeSetKeyRotationThresholdInfo_v1;
  set_thr.maxAttackerAdvantage = 55;
  EXPECT_RET(NVML_ERROR_INVALID_STATE, nvmlSystemSetConfComputeKeyRotationThresholdInfo(&set_thr));
  EXPECT_OK(nvmlSystemSetConfComputeGpusReadyState(NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE));
  EXPECT_RET(NVML_ERROR_INVALID_ARGUMENT,
             nvmlSystemSetConfComputeGpusReadyState(NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE));
  /* devtools: environment SIM and devToolsMode ON (§5.4). */
  static const char* const kDevtools[] = {"cc", "set", "devtools", "-i", "1", NULL};
  EXPECT_UINT(0, Migctl(kDevtools));
  EXPECT_UINT(0, Migctl(kReset));
  EXPECT_OK(nvmlSystemGetConfComputeState(&st));
  EXPECT_UINT(NVML_CC_SYSTEM_ENVIRONMENT_SIM, st.environment);
  EXPECT_UINT(NVML_CC_SYSTEM_DEVTOOLS_MODE_ON, st.devToolsMode);
  /* The reset started a new CC session: the latch is gone. */
  EXPECT_OK(nvmlSystemSetConfComputeGpusReadyState(NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE));
  static const char* const kOff[] = {"cc", "set", "off", NULL};
  static const char* const kResetAll[] = {"reset", "--all", NULL};
  EXPECT_UINT(0, Migctl(kOff));
  EXPECT_UINT(0, Migctl(kResetAll));
  EXPECT_OK(nvmlSystemGetConfComputeState(&st));
  EXPECT_UINT(NVML_CC_SYSTEM_FEATURE_DISABLED, st.ccFeature);
}

int main(int argc, char** argv) {
  if (argc > 1) {
    if (strcmp(argv[1], "child-change") == 0) return ChildChange();
    if (strcmp(argv[1], "child-faults") == 0) return ChildFaults();
    if (strcmp(argv[1], "child-init-fails") == 0) return ChildInitFails();
    if (strcmp(argv[1], "child-event-waiter") == 0) return ChildEventWaiter();
    fprintf(stderr, "usage: nvml_c_test [child-change|child-faults|child-init-fails]\n");
    return 2;
  }
  TestBeforeInit();
  TestInitRefcount();
  TestSystem();
  TestErrorStrings();
  TestLastError();
  TestDeviceEnumeration();
  TestPci();
  TestDeviceProperties();
  TestMigDisabled();
  TestGpuInstanceProfiles();
  TestMigMode();
  TestGpuInstances();
  TestComputeInstances();
  TestMigDevices();
  TestSlurmCalls();
  TestEvents();
  TestOtherProcesses();
  TestDestroyEverything();
  TestDoubleMemoryOneG();
  TestHandlesSurviveShutdown();
  TestConfComputeOff();
  TestConfComputeOn();
  EXPECT_OK(nvmlShutdown());
  printf("nvml_c_test: %d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
