// nvml_bench: the cost of NVML calls into migkit's libnvidia-ml.so.1 (the real shared library the
// project builds, linked like any client), on a temporary emulated node of 8 H100s with 7 MIG
// devices each (1g.10gb). Results and the commands that produced them: docs/PERFORMANCE.md.
//
//   build/bench/nvml_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// The node is set up through NVML itself, so the benchmark needs nothing but the library. The
// `Faults32k` cases run on a second node whose state holds 32,768 shared fault rules that never
// match a query (issue 14 item 7).
#include <benchmark/benchmark.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include "nvml/nvml_abi.h"

namespace {

constexpr unsigned kGpus = 8;
constexpr unsigned kMigPerGpu = 7;

void Check(nvmlReturn_t r, const char* what) {
  if (r != NVML_SUCCESS) {
    std::fprintf(stderr, "nvml_bench: %s: %s\n", what, nvmlErrorString(r));
    std::exit(1);
  }
}

// Enables MIG on every GPU and fills each with 7 x 1g.10gb, each with its one compute instance.
void PopulateNode() {
  unsigned count = 0;
  Check(nvmlDeviceGetCount_v2(&count), "nvmlDeviceGetCount_v2");
  if (count != kGpus) {
    std::fprintf(stderr, "nvml_bench: expected %u GPUs, found %u\n", kGpus, count);
    std::exit(1);
  }
  for (unsigned g = 0; g < kGpus; ++g) {
    nvmlDevice_t dev;
    Check(nvmlDeviceGetHandleByIndex_v2(g, &dev), "nvmlDeviceGetHandleByIndex_v2");
    nvmlReturn_t activation;
    Check(nvmlDeviceSetMigMode(dev, NVML_DEVICE_MIG_ENABLE, &activation), "nvmlDeviceSetMigMode");
    nvmlGpuInstanceProfileInfo_t gip;
    Check(nvmlDeviceGetGpuInstanceProfileInfo(dev, NVML_GPU_INSTANCE_PROFILE_1_SLICE, &gip),
          "nvmlDeviceGetGpuInstanceProfileInfo");
    for (unsigned i = 0; i < kMigPerGpu; ++i) {
      nvmlGpuInstance_t gi;
      Check(nvmlDeviceCreateGpuInstance(dev, gip.id, &gi), "nvmlDeviceCreateGpuInstance");
      nvmlComputeInstanceProfileInfo_t cip;
      Check(nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gi, NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED, &cip),
            "nvmlGpuInstanceGetComputeInstanceProfileInfo");
      nvmlComputeInstance_t ci;
      Check(nvmlGpuInstanceCreateComputeInstance(gi, cip.id, &ci),
            "nvmlGpuInstanceCreateComputeInstance");
    }
  }
}

nvmlDevice_t Gpu(unsigned index) {
  nvmlDevice_t dev;
  Check(nvmlDeviceGetHandleByIndex_v2(index, &dev), "nvmlDeviceGetHandleByIndex_v2");
  return dev;
}

void BM_GetCount(benchmark::State& state) {
  unsigned count = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetCount_v2(&count));
  }
}

void BM_GetHandleByIndex(benchmark::State& state) {
  nvmlDevice_t dev;
  unsigned i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetHandleByIndex_v2(i++ % kGpus, &dev));
  }
}

void BM_GetName(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(3);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetName(dev, name, sizeof name));
  }
}

void BM_GetUUID(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(3);
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetUUID(dev, uuid, sizeof uuid));
  }
}

void BM_GetMigDeviceHandleByIndex(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(3);
  nvmlDevice_t mig;
  unsigned i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetMigDeviceHandleByIndex(dev, i++ % kMigPerGpu, &mig));
  }
}

void BM_GetMemoryInfo(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(3);
  nvmlMemory_t memory;
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetMemoryInfo(dev, &memory));
  }
}

void BM_GetMigMemoryInfo(benchmark::State& state) {
  nvmlDevice_t mig;
  Check(nvmlDeviceGetMigDeviceHandleByIndex(Gpu(3), 5, &mig),
        "nvmlDeviceGetMigDeviceHandleByIndex");
  nvmlMemory_t memory;
  for (auto _ : state) {
    benchmark::DoNotOptimize(nvmlDeviceGetMemoryInfo(mig, &memory));
  }
}

void BM_GetGpuInstanceProfileInfo(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(3);
  nvmlGpuInstanceProfileInfo_t info;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        nvmlDeviceGetGpuInstanceProfileInfo(dev, NVML_GPU_INSTANCE_PROFILE_3_SLICE, &info));
  }
}

// What an inventory tool (the device plugin, gpu-feature-discovery) does: every GPU and every MIG
// device, its name, UUID and memory. 8 GPUs + 56 MIG devices, 8 + 56 handle look-ups, 192 queries.
void BM_Sweep(benchmark::State& state) {
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  char uuid[NVML_DEVICE_UUID_V2_BUFFER_SIZE];
  nvmlMemory_t memory;
  for (auto _ : state) {
    unsigned count = 0;
    Check(nvmlDeviceGetCount_v2(&count), "count");
    for (unsigned g = 0; g < count; ++g) {
      nvmlDevice_t dev;
      Check(nvmlDeviceGetHandleByIndex_v2(g, &dev), "handle");
      Check(nvmlDeviceGetName(dev, name, sizeof name), "name");
      Check(nvmlDeviceGetUUID(dev, uuid, sizeof uuid), "uuid");
      Check(nvmlDeviceGetMemoryInfo(dev, &memory), "memory");
      unsigned max_mig = 0;
      Check(nvmlDeviceGetMaxMigDeviceCount(dev, &max_mig), "max mig");
      for (unsigned m = 0; m < max_mig; ++m) {
        nvmlDevice_t mig;
        if (nvmlDeviceGetMigDeviceHandleByIndex(dev, m, &mig) != NVML_SUCCESS) break;
        Check(nvmlDeviceGetName(mig, name, sizeof name), "mig name");
        Check(nvmlDeviceGetUUID(mig, uuid, sizeof uuid), "mig uuid");
        Check(nvmlDeviceGetMemoryInfo(mig, &memory), "mig memory");
      }
    }
  }
}

// A state change costs a locked read-modify-write with fsync; after it the next query sees it.
void BM_CreateDestroyGi(benchmark::State& state) {
  nvmlDevice_t dev = Gpu(7);
  nvmlGpuInstance_t gi;
  nvmlGpuInstanceProfileInfo_t gip;
  Check(nvmlDeviceGetGpuInstanceProfileInfo(dev, NVML_GPU_INSTANCE_PROFILE_1_SLICE, &gip), "gip");
  // GPU 7 is full; free one slot for the loop and put it back afterwards.
  nvmlDevice_t mig;
  Check(nvmlDeviceGetMigDeviceHandleByIndex(dev, 6, &mig), "mig");
  unsigned gi_id = 0;
  Check(nvmlDeviceGetGpuInstanceId(mig, &gi_id), "gi id");
  nvmlGpuInstance_t last;
  Check(nvmlDeviceGetGpuInstanceById(dev, gi_id, &last), "gi by id");
  nvmlComputeInstance_t cis[8];
  unsigned n = 8;  // in: the array's capacity
  Check(nvmlGpuInstanceGetComputeInstances(last, 0, cis, &n), "cis");
  for (unsigned i = 0; i < n; ++i) Check(nvmlComputeInstanceDestroy(cis[i]), "ci destroy");
  Check(nvmlGpuInstanceDestroy(last), "gi destroy");
  for (auto _ : state) {
    Check(nvmlDeviceCreateGpuInstance(dev, gip.id, &gi), "create");
    Check(nvmlGpuInstanceDestroy(gi), "destroy");
  }
  nvmlComputeInstanceProfileInfo_t cip;
  Check(nvmlDeviceCreateGpuInstance(dev, gip.id, &gi), "create");
  Check(nvmlGpuInstanceGetComputeInstanceProfileInfo(gi, NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE,
                                                     NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED,
                                                     &cip),
        "cip");
  nvmlComputeInstance_t ci;
  Check(nvmlGpuInstanceCreateComputeInstance(gi, cip.id, &ci), "ci create");
}

std::string g_node_dir, g_faults_dir;

// Points the library at the 32k-fault node for one benchmark, and back afterwards.
class OnFaultsNode {
 public:
  OnFaultsNode() { Switch(g_faults_dir); }
  ~OnFaultsNode() { Switch(g_node_dir); }

 private:
  static void Switch(const std::string& dir) {
    Check(nvmlShutdown(), "nvmlShutdown");
    setenv("MIGKIT_STATE_DIR", dir.c_str(), 1);
    Check(nvmlInit_v2(), "nvmlInit_v2");
  }
};

void BM_GetName_Faults32k(benchmark::State& state) {
  OnFaultsNode on_faults_node;
  nvmlDevice_t dev = Gpu(0);
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  for (auto _ : state) {
    Check(nvmlDeviceGetName(dev, name, sizeof name), "name");
  }
}

void BM_SetMigMode_Faults32k(benchmark::State& state) {
  OnFaultsNode on_faults_node;
  nvmlDevice_t dev = Gpu(0);
  nvmlReturn_t activation;
  unsigned mode = NVML_DEVICE_MIG_ENABLE;
  for (auto _ : state) {
    Check(nvmlDeviceSetMigMode(dev, mode, &activation), "set mig mode");
    mode = mode == NVML_DEVICE_MIG_ENABLE ? NVML_DEVICE_MIG_DISABLE : NVML_DEVICE_MIG_ENABLE;
  }
}

// A fresh node whose state file holds `rules` shared fault rules that no benchmark triggers
// (reset on GPU 7): written by migkit once, then the rules are spliced into its "faults" list.
void AddFaultRules(const std::string& dir, int rules) {
  const std::string path = dir + "/node.json";
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string key = "\"faults\": [";
  size_t at = text.find(key);
  if (at == std::string::npos) {
    std::fprintf(stderr, "nvml_bench: no faults list in %s\n", path.c_str());
    std::exit(1);
  }
  at += key.size();
  const size_t end = text.find(']', at);
  std::string list;
  for (int i = 0; i < rules; ++i) list += std::string(i ? "," : "") + "\"reset@7=unknown*always\"";
  text.replace(at, end - at, list);
  std::ofstream(path, std::ios::trunc) << text;
}

}  // namespace

BENCHMARK(BM_GetCount);
BENCHMARK(BM_GetHandleByIndex);
BENCHMARK(BM_GetName);
BENCHMARK(BM_GetUUID);
BENCHMARK(BM_GetMigDeviceHandleByIndex);
BENCHMARK(BM_GetMemoryInfo);
BENCHMARK(BM_GetMigMemoryInfo);
BENCHMARK(BM_GetGpuInstanceProfileInfo);
BENCHMARK(BM_Sweep)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CreateDestroyGi)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GetName_Faults32k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_SetMigMode_Faults32k)->Unit(benchmark::kMillisecond)->Iterations(4);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  char tmpl[] = "/tmp/nvml_bench.XXXXXX";
  const char* root = mkdtemp(tmpl);
  if (root == nullptr) {
    std::perror("nvml_bench: mkdtemp");
    return 1;
  }
  g_node_dir = std::string(root) + "/node";
  g_faults_dir = std::string(root) + "/faults";
  setenv("MIGKIT_EMULATE", "8xH100-SXM5-80GB", 1);
  unsetenv("MIGKIT_FAULTS");

  // The 32k-fault node: created by nvmlInit, then the rules are spliced into its state file.
  setenv("MIGKIT_STATE_DIR", g_faults_dir.c_str(), 1);
  Check(nvmlInit_v2(), "nvmlInit_v2");
  Check(nvmlShutdown(), "nvmlShutdown");
  AddFaultRules(g_faults_dir, 32768);

  setenv("MIGKIT_STATE_DIR", g_node_dir.c_str(), 1);
  Check(nvmlInit_v2(), "nvmlInit_v2");
  PopulateNode();
  benchmark::RunSpecifiedBenchmarks();
  Check(nvmlShutdown(), "nvmlShutdown");

  benchmark::Shutdown();
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  return 0;
}
