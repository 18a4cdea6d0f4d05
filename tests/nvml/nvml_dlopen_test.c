/* nvml_dlopen_test: libnvidia-ml.so.1 can be loaded, used, unloaded and loaded again in one
 * process, as gpu-feature-discovery and the device plugin do (dlopen, dlclose, dlopen:
 * nvml-clients.md §1.3), and state written by one load is read by the next.
 *
 * Usage: nvml_dlopen_test PATH/libnvidia-ml.so.1   (MIGKIT_EMULATE=H100-SXM5-80GB, fresh state)
 */
#define _POSIX_C_SOURCE 200809L

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "nvml/nvml_abi.h"

static int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      ++g_failures;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

typedef nvmlReturn_t (*InitFn)(void);
typedef nvmlReturn_t (*CountFn)(unsigned int*);
typedef nvmlReturn_t (*HandleFn)(unsigned int, nvmlDevice_t*);
typedef nvmlReturn_t (*NameFn)(nvmlDevice_t, char*, unsigned int);
typedef nvmlReturn_t (*SetMigFn)(nvmlDevice_t, unsigned int, nvmlReturn_t*);
typedef nvmlReturn_t (*GetMigFn)(nvmlDevice_t, unsigned int*, unsigned int*);
typedef nvmlReturn_t (*CreateGiFn)(nvmlDevice_t, unsigned int, nvmlGpuInstance_t*);
typedef nvmlReturn_t (*GetGiByIdFn)(nvmlDevice_t, unsigned int, nvmlGpuInstance_t*);
typedef nvmlReturn_t (*DestroyGiFn)(nvmlGpuInstance_t);
typedef const char* (*ErrorStringFn)(nvmlReturn_t);

/* Resolves `name` from `lib` into `*fn`; a missing symbol is a failure. */
static void* Sym(void* lib, const char* name) {
  void* fn = dlsym(lib, name);
  if (fn == NULL) {
    ++g_failures;
    fprintf(stderr, "dlsym(%s): %s\n", name, dlerror());
  }
  return fn;
}

/* One load: init, check the node, then `round` decides what to change. */
static void UseOnce(const char* path, int round, int flags) {
  void* lib = dlopen(path, flags);
  if (lib == NULL) {
    ++g_failures;
    fprintf(stderr, "dlopen(%s): %s\n", path, dlerror());
    return;
  }
  InitFn init = (InitFn)Sym(lib, "nvmlInit_v2");
  InitFn shutdown = (InitFn)Sym(lib, "nvmlShutdown");
  CountFn count_fn = (CountFn)Sym(lib, "nvmlDeviceGetCount_v2");
  HandleFn handle_fn = (HandleFn)Sym(lib, "nvmlDeviceGetHandleByIndex_v2");
  NameFn name_fn = (NameFn)Sym(lib, "nvmlDeviceGetName");
  SetMigFn set_mig = (SetMigFn)Sym(lib, "nvmlDeviceSetMigMode");
  GetMigFn get_mig = (GetMigFn)Sym(lib, "nvmlDeviceGetMigMode");
  CreateGiFn create_gi = (CreateGiFn)Sym(lib, "nvmlDeviceCreateGpuInstance");
  GetGiByIdFn gi_by_id = (GetGiByIdFn)Sym(lib, "nvmlDeviceGetGpuInstanceById");
  DestroyGiFn destroy_gi = (DestroyGiFn)Sym(lib, "nvmlGpuInstanceDestroy");
  ErrorStringFn error_string = (ErrorStringFn)Sym(lib, "nvmlErrorString");
  /* Nothing but nvml* is exported. */
  CHECK(dlsym(lib, "_ZN6migkit7Catalog7BuiltInEv") == NULL);
  if (g_failures != 0) {
    dlclose(lib);
    return;
  }

  CHECK(strcmp(error_string(NVML_ERROR_IN_USE), "In use by another client") == 0);
  unsigned int n = 0;
  CHECK(count_fn(&n) == NVML_ERROR_UNINITIALIZED);
  CHECK(init() == NVML_SUCCESS);
  CHECK(count_fn(&n) == NVML_SUCCESS && n == 1);
  nvmlDevice_t dev = NULL;
  CHECK(handle_fn(0, &dev) == NVML_SUCCESS);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE] = "";
  CHECK(name_fn(dev, name, sizeof name) == NVML_SUCCESS);
  CHECK(strcmp(name, "NVIDIA H100 80GB HBM3") == 0);
  unsigned int current = 9, pending = 9;
  nvmlReturn_t activation = NVML_ERROR_UNKNOWN;
  nvmlGpuInstance_t gi = NULL;
  if (round == 0) {
    /* First load: enable MIG and create a 7g.80gb (profile ID 0 -> GI ID 0). */
    CHECK(get_mig(dev, &current, &pending) == NVML_SUCCESS && current == 0);
    CHECK(set_mig(dev, NVML_DEVICE_MIG_ENABLE, &activation) == NVML_SUCCESS);
    CHECK(activation == NVML_SUCCESS);
    CHECK(create_gi(dev, 0, &gi) == NVML_SUCCESS);
  } else if (round == 1) {
    /* Second load: the first one's GPU instance is there; remove it. */
    CHECK(get_mig(dev, &current, &pending) == NVML_SUCCESS && current == 1);
    CHECK(gi_by_id(dev, 0, &gi) == NVML_SUCCESS);
    CHECK(destroy_gi(gi) == NVML_SUCCESS);
  } else {
    CHECK(gi_by_id(dev, 0, &gi) == NVML_ERROR_NOT_FOUND);
    CHECK(set_mig(dev, NVML_DEVICE_MIG_DISABLE, &activation) == NVML_SUCCESS);
  }
  CHECK(shutdown() == NVML_SUCCESS);
  CHECK(dlclose(lib) == 0);
  /* The object really went away (no STB_GNU_UNIQUE symbol or leftover reference pins it). */
  void* still = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
  CHECK(still == NULL);
  if (still != NULL) dlclose(still);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: nvml_dlopen_test PATH/libnvidia-ml.so.1\n");
    return 2;
  }
  UseOnce(argv[1], 0, RTLD_NOW | RTLD_LOCAL);   /* every symbol resolves at load */
  UseOnce(argv[1], 1, RTLD_LAZY | RTLD_GLOBAL); /* as go-nvml loads it */
  UseOnce(argv[1], 2, RTLD_NOW | RTLD_LOCAL);
  printf("nvml_dlopen_test: %s\n", g_failures == 0 ? "OK" : "FAILED");
  return g_failures == 0 ? 0 : 1;
}
