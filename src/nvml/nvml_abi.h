/* nvml_abi.h: the NVML C ABI that migkit's libnvidia-ml.so.1 exports.
 *
 * Written from ../shared/research/mig-facts.md §6 (constants, struct layouts, version words,
 * signatures); it is not NVIDIA's nvml.h and declares only what migkit implements. Every struct
 * has the field order, size and offsets of the real ABI on x86-64, checked by the static
 * assertions at the end, so a client compiled against the real nvml.h works unchanged.
 *
 * Conventions (as in the real library):
 *   - Every function returns an nvmlReturn_t; out-parameters are written only on NVML_SUCCESS,
 *     except that functions filling a caller's array also report the needed count on
 *     NVML_ERROR_INSUFFICIENT_SIZE.
 *   - Handles (nvmlDevice_t, nvmlGpuInstance_t, nvmlComputeInstance_t) are opaque pointers owned
 *     by the library. They stay valid until the library is unloaded, also across
 *     nvmlShutdown/nvmlInit; a handle whose GPU instance or compute instance has been destroyed
 *     makes calls return NVML_ERROR_INVALID_ARGUMENT.
 *   - Unversioned names (nvmlInit, nvmlDeviceGetCount, ...) are exported as real functions for old
 *     binaries; this header does not #define them to the _vN names.
 *
 * Thread-safety: every function may be called from any thread.
 * This header is C99/C11 and C++ compatible.
 */
#ifndef MIGKIT_NVML_NVML_ABI_H_
#define MIGKIT_NVML_NVML_ABI_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MIGKIT_NVML_BUILDING_LIBRARY)
#define NVML_API __attribute__((visibility("default")))
#else
#define NVML_API
#endif

/* ---- Return codes (mig-facts.md §6.1) ---------------------------------------------------- */

typedef enum nvmlReturn_enum {
  NVML_SUCCESS = 0,
  NVML_ERROR_UNINITIALIZED = 1,
  NVML_ERROR_INVALID_ARGUMENT = 2,
  NVML_ERROR_NOT_SUPPORTED = 3,
  NVML_ERROR_NO_PERMISSION = 4,
  NVML_ERROR_ALREADY_INITIALIZED = 5,
  NVML_ERROR_NOT_FOUND = 6,
  NVML_ERROR_INSUFFICIENT_SIZE = 7,
  NVML_ERROR_INSUFFICIENT_POWER = 8,
  NVML_ERROR_DRIVER_NOT_LOADED = 9,
  NVML_ERROR_TIMEOUT = 10,
  NVML_ERROR_IRQ_ISSUE = 11,
  NVML_ERROR_LIBRARY_NOT_FOUND = 12,
  NVML_ERROR_FUNCTION_NOT_FOUND = 13,
  NVML_ERROR_CORRUPTED_INFOROM = 14,
  NVML_ERROR_GPU_IS_LOST = 15,
  NVML_ERROR_RESET_REQUIRED = 16,
  NVML_ERROR_OPERATING_SYSTEM = 17,
  NVML_ERROR_LIB_RM_VERSION_MISMATCH = 18,
  NVML_ERROR_IN_USE = 19,
  NVML_ERROR_MEMORY = 20,
  NVML_ERROR_NO_DATA = 21,
  NVML_ERROR_VGPU_ECC_NOT_SUPPORTED = 22,
  NVML_ERROR_INSUFFICIENT_RESOURCES = 23,
  NVML_ERROR_ARGUMENT_VERSION_MISMATCH = 25,
  NVML_ERROR_INVALID_STATE = 29, /* cc-facts.md §5.1 */
  NVML_ERROR_UNKNOWN = 999
} nvmlReturn_t;

/* ---- Constants --------------------------------------------------------------------------- */

#define NVML_INIT_FLAG_NO_GPUS 1
#define NVML_INIT_FLAG_NO_ATTACH 2
#define NVML_INIT_FLAG_FORCE_INIT 4

#define NVML_DEVICE_NAME_BUFFER_SIZE 64
#define NVML_DEVICE_NAME_V2_BUFFER_SIZE 96
#define NVML_DEVICE_UUID_BUFFER_SIZE 80
#define NVML_DEVICE_UUID_V2_BUFFER_SIZE 96
#define NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE 80
#define NVML_SYSTEM_NVML_VERSION_BUFFER_SIZE 80
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE 32
#define NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE 16

#define NVML_DEVICE_MIG_DISABLE 0x0
#define NVML_DEVICE_MIG_ENABLE 0x1

/* GPU-instance profile *indices* (not profile IDs; §3.1). */
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE 0x0
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE 0x1
#define NVML_GPU_INSTANCE_PROFILE_3_SLICE 0x2
#define NVML_GPU_INSTANCE_PROFILE_4_SLICE 0x3
#define NVML_GPU_INSTANCE_PROFILE_7_SLICE 0x4
#define NVML_GPU_INSTANCE_PROFILE_8_SLICE 0x5
#define NVML_GPU_INSTANCE_PROFILE_6_SLICE 0x6
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV1 0x7
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE_REV1 0x8
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_REV2 0x9
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_GFX 0x0A
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE_GFX 0x0B
#define NVML_GPU_INSTANCE_PROFILE_4_SLICE_GFX 0x0C
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_NO_ME 0x0D
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE_NO_ME 0x0E
#define NVML_GPU_INSTANCE_PROFILE_1_SLICE_ALL_ME 0x0F
#define NVML_GPU_INSTANCE_PROFILE_2_SLICE_ALL_ME 0x10
#define NVML_GPU_INSTANCE_PROFILE_3_SLICE_GFX 0x11
#define NVML_GPU_INSTANCE_PROFILE_COUNT 0x12

#define NVML_GPU_INSTANCE_PROFILE_CAPS_P2P 0x1
#define NVML_GPU_INTSTANCE_PROFILE_CAPS_P2P 0x1 /* the real header's misspelt alias */
#define NVML_GPU_INSTANCE_PROFILE_CAPS_GFX 0x2
#define NVML_COMPUTE_INSTANCE_PROFILE_CAPS_GFX 0x1

/* Compute-instance profiles: the value is the CI profile ID (§5). */
#define NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE 0x0
#define NVML_COMPUTE_INSTANCE_PROFILE_2_SLICE 0x1
#define NVML_COMPUTE_INSTANCE_PROFILE_3_SLICE 0x2
#define NVML_COMPUTE_INSTANCE_PROFILE_4_SLICE 0x3
#define NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE 0x4
#define NVML_COMPUTE_INSTANCE_PROFILE_8_SLICE 0x5
#define NVML_COMPUTE_INSTANCE_PROFILE_6_SLICE 0x6
#define NVML_COMPUTE_INSTANCE_PROFILE_1_SLICE_REV1 0x7
#define NVML_COMPUTE_INSTANCE_PROFILE_7_SLICE_NVL 0x8
#define NVML_COMPUTE_INSTANCE_PROFILE_COUNT 0x9

#define NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED 0x0
#define NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_COUNT 0x1

typedef unsigned int nvmlDeviceArchitecture_t;
#define NVML_DEVICE_ARCH_AMPERE 7
#define NVML_DEVICE_ARCH_HOPPER 9
#define NVML_DEVICE_ARCH_BLACKWELL 10

typedef enum nvmlBrandType_enum {
  NVML_BRAND_UNKNOWN = 0,
  NVML_BRAND_QUADRO = 1,
  NVML_BRAND_TESLA = 2,
  NVML_BRAND_NVIDIA_RTX = 13,
  NVML_BRAND_NVIDIA = 14
} nvmlBrandType_t;

/* ---- Handles ----------------------------------------------------------------------------- */

typedef struct nvmlDevice_st* nvmlDevice_t;
typedef struct nvmlGpuInstance_st* nvmlGpuInstance_t;
typedef struct nvmlComputeInstance_st* nvmlComputeInstance_t;

/* ---- Structs (§6.2; sizes and offsets asserted below) ------------------------------------ */

/* Version word of a versioned struct: its size, with the version in the top byte. */
#define NVML_STRUCT_VERSION(data, ver) \
  ((unsigned int)(sizeof(nvml##data##_v##ver##_t) | ((unsigned int)(ver) << 24U)))

typedef struct nvmlPciInfo_st {
  char busIdLegacy[NVML_DEVICE_PCI_BUS_ID_BUFFER_V2_SIZE]; /* "0000:18:00.0" */
  unsigned int domain;
  unsigned int bus;
  unsigned int device;
  unsigned int pciDeviceId;                       /* device ID << 16 | vendor ID: 0x20B010DE */
  unsigned int pciSubSystemId;                    /* 0 when the catalog does not know it */
  char busId[NVML_DEVICE_PCI_BUS_ID_BUFFER_SIZE]; /* "00000000:18:00.0" */
} nvmlPciInfo_t;

typedef struct nvmlMemory_st {
  unsigned long long total; /* bytes */
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st {
  unsigned int version; /* nvmlMemory_v2 */
  unsigned long long total;
  unsigned long long reserved;
  unsigned long long free;
  unsigned long long used;
} nvmlMemory_v2_t;
#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)

typedef struct nvmlGpuInstancePlacement_st {
  unsigned int start; /* first memory slice (placement unit) occupied */
  unsigned int size;  /* number of units occupied */
} nvmlGpuInstancePlacement_t;

typedef struct nvmlGpuInstanceProfileInfo_st {
  unsigned int id; /* the profile ID (nvidia-smi's ID column), not the index */
  unsigned int isP2pSupported;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
} nvmlGpuInstanceProfileInfo_t;

typedef struct nvmlGpuInstanceProfileInfo_v2_st {
  unsigned int version; /* nvmlGpuInstanceProfileInfo_v2 */
  unsigned int id;
  unsigned int isP2pSupported;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE]; /* "MIG 1g.10gb" */
} nvmlGpuInstanceProfileInfo_v2_t;
#define nvmlGpuInstanceProfileInfo_v2 NVML_STRUCT_VERSION(GpuInstanceProfileInfo, 2)

/* Same size as v2 but no isP2pSupported and a trailing capabilities word: the version word,
 * not the size, tells them apart (§6.2). */
typedef struct nvmlGpuInstanceProfileInfo_v3_st {
  unsigned int version; /* nvmlGpuInstanceProfileInfo_v3 */
  unsigned int id;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  unsigned int capabilities; /* NVML_GPU_INSTANCE_PROFILE_CAPS_* */
} nvmlGpuInstanceProfileInfo_v3_t;
#define nvmlGpuInstanceProfileInfo_v3 NVML_STRUCT_VERSION(GpuInstanceProfileInfo, 3)

typedef struct nvmlGpuInstanceInfo_st {
  nvmlDevice_t device; /* the parent GPU */
  unsigned int id;     /* GI ID, 0-14 */
  unsigned int profileId;
  nvmlGpuInstancePlacement_t placement;
} nvmlGpuInstanceInfo_t;

typedef struct nvmlComputeInstancePlacement_st {
  unsigned int start; /* first compute slice within the GPU instance */
  unsigned int size;  /* compute slices */
} nvmlComputeInstancePlacement_t;

typedef struct nvmlComputeInstanceProfileInfo_st {
  unsigned int id; /* NVML_COMPUTE_INSTANCE_PROFILE_* */
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
} nvmlComputeInstanceProfileInfo_t;

typedef struct nvmlComputeInstanceProfileInfo_v2_st {
  unsigned int version; /* nvmlComputeInstanceProfileInfo_v2 */
  unsigned int id;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE]; /* "MIG 1c.3g.40gb" */
} nvmlComputeInstanceProfileInfo_v2_t;
#define nvmlComputeInstanceProfileInfo_v2 NVML_STRUCT_VERSION(ComputeInstanceProfileInfo, 2)

typedef struct nvmlComputeInstanceProfileInfo_v3_st {
  unsigned int version; /* nvmlComputeInstanceProfileInfo_v3 */
  unsigned int id;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
  char name[NVML_DEVICE_NAME_V2_BUFFER_SIZE];
  unsigned int capabilities; /* NVML_COMPUTE_INSTANCE_PROFILE_CAPS_* */
} nvmlComputeInstanceProfileInfo_v3_t;
#define nvmlComputeInstanceProfileInfo_v3 NVML_STRUCT_VERSION(ComputeInstanceProfileInfo, 3)

typedef struct nvmlComputeInstanceInfo_st {
  nvmlDevice_t device; /* the MIG device this compute instance is */
  nvmlGpuInstance_t gpuInstance;
  unsigned int id; /* CI ID within the GPU instance, 0-7 */
  unsigned int profileId;
  nvmlComputeInstancePlacement_t placement;
} nvmlComputeInstanceInfo_t;

typedef struct nvmlDeviceAttributes_st {
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
  unsigned int gpuInstanceSliceCount;
  unsigned int computeInstanceSliceCount;
  unsigned long long memorySizeMB;
} nvmlDeviceAttributes_t;

/* Per-process information. Left incomplete here: no process ever runs on an emulated GPU, so
 * the library never writes one. */
typedef struct nvmlProcessInfo_st nvmlProcessInfo_t;

/* Events (nvml.h). A set collects the events of the devices registered with it. */
typedef struct nvmlEventSet_st* nvmlEventSet_t;
#define nvmlEventTypeSingleBitEccError 0x0000000000000001LL
#define nvmlEventTypeDoubleBitEccError 0x0000000000000002LL
#define nvmlEventTypePState 0x0000000000000004LL
#define nvmlEventTypeXidCriticalError 0x0000000000000008LL
#define nvmlEventTypeClock 0x0000000000000010LL
#define nvmlEventMigConfigChange 0x0000000000000100LL
#define nvmlEventTypeNone 0x0000000000000000LL
typedef struct nvmlEventData_st {
  nvmlDevice_t device;          /* the physical GPU the event happened on */
  unsigned long long eventType; /* one nvmlEventType* bit */
  unsigned long long eventData; /* the Xid for nvmlEventTypeXidCriticalError */
  unsigned int gpuInstanceId;   /* the MIG device's, or 0xFFFFFFFF for the whole GPU */
  unsigned int computeInstanceId;
} nvmlEventData_t;

/* NVLink and clocks (what Slurm's gpu/nvml plugin asks). */
#define NVML_NVLINK_MAX_LINKS 18
typedef enum nvmlEnableState_enum {
  NVML_FEATURE_DISABLED = 0,
  NVML_FEATURE_ENABLED = 1
} nvmlEnableState_t;
typedef enum nvmlClockType_enum {
  NVML_CLOCK_GRAPHICS = 0,
  NVML_CLOCK_SM = 1,
  NVML_CLOCK_MEM = 2,
  NVML_CLOCK_VIDEO = 3
} nvmlClockType_t;

/* ---- Functions ---------------------------------------------------------------------------- */

/* Initialization and system. */
NVML_API nvmlReturn_t nvmlInit(void);
NVML_API nvmlReturn_t nvmlInit_v2(void);
NVML_API nvmlReturn_t nvmlInitWithFlags(unsigned int flags);
NVML_API nvmlReturn_t nvmlShutdown(void);
NVML_API const char* nvmlErrorString(nvmlReturn_t result);
/* migkit extension, not in NVIDIA's NVML: the cause behind this thread's last failed call if it
 * returned `result` (`code` is a migkit Code, core/status.h); NVML_ERROR_NOT_FOUND otherwise. */
NVML_API nvmlReturn_t nvmlMigkitGetLastError(nvmlReturn_t result, int* code, char* message,
                                             unsigned int length);
NVML_API nvmlReturn_t nvmlSystemGetDriverVersion(char* version, unsigned int length);
NVML_API nvmlReturn_t nvmlSystemGetNVMLVersion(char* version, unsigned int length);
NVML_API nvmlReturn_t nvmlSystemGetCudaDriverVersion(int* cudaDriverVersion);
NVML_API nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int* cudaDriverVersion);

/* Devices. */
NVML_API nvmlReturn_t nvmlDeviceGetCount(unsigned int* deviceCount);
NVML_API nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* deviceCount);
NVML_API nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int index, nvmlDevice_t* device);
NVML_API nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t* device);
NVML_API nvmlReturn_t nvmlDeviceGetHandleByPciBusId(const char* pciBusId, nvmlDevice_t* device);
NVML_API nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* pciBusId, nvmlDevice_t* device);
NVML_API nvmlReturn_t nvmlDeviceGetHandleByUUID(const char* uuid, nvmlDevice_t* device);
NVML_API nvmlReturn_t nvmlDeviceGetIndex(nvmlDevice_t device, unsigned int* index);
NVML_API nvmlReturn_t nvmlDeviceGetMinorNumber(nvmlDevice_t device, unsigned int* minorNumber);
NVML_API nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char* name, unsigned int length);
NVML_API nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char* uuid, unsigned int length);
NVML_API nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t* memory);
NVML_API nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t* memory);
/* nvmlDeviceGetPciInfo (the oldest entry point) fills only the fields its struct shared with
 * today's: busIdLegacy through pciSubSystemId (the first 36 bytes). */
NVML_API nvmlReturn_t nvmlDeviceGetPciInfo(nvmlDevice_t device, nvmlPciInfo_t* pci);
NVML_API nvmlReturn_t nvmlDeviceGetPciInfo_v2(nvmlDevice_t device, nvmlPciInfo_t* pci);
NVML_API nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t* pci);
NVML_API nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t device, int* major,
                                                         int* minor);
NVML_API nvmlReturn_t nvmlDeviceGetArchitecture(nvmlDevice_t device,
                                                nvmlDeviceArchitecture_t* arch);
NVML_API nvmlReturn_t nvmlDeviceGetBrand(nvmlDevice_t device, nvmlBrandType_t* type);
NVML_API nvmlReturn_t nvmlDeviceGetAttributes(nvmlDevice_t device,
                                              nvmlDeviceAttributes_t* attributes);
NVML_API nvmlReturn_t nvmlDeviceGetAttributes_v2(nvmlDevice_t device,
                                                 nvmlDeviceAttributes_t* attributes);

/* Compute processes: always none (*infoCount = 0). */
NVML_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device,
                                                           unsigned int* infoCount,
                                                           nvmlProcessInfo_t* infos);
NVML_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device,
                                                              unsigned int* infoCount,
                                                              nvmlProcessInfo_t* infos);
NVML_API nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device,
                                                              unsigned int* infoCount,
                                                              nvmlProcessInfo_t* infos);

/* MIG mode. */
NVML_API nvmlReturn_t nvmlDeviceSetMigMode(nvmlDevice_t device, unsigned int mode,
                                           nvmlReturn_t* activationStatus);
NVML_API nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int* currentMode,
                                           unsigned int* pendingMode);

/* GPU-instance profiles, placements and capacity. */
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfo(nvmlDevice_t device, unsigned int profile,
                                                          nvmlGpuInstanceProfileInfo_t* info);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoV(nvmlDevice_t device,
                                                           unsigned int profile,
                                                           nvmlGpuInstanceProfileInfo_v2_t* info);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceProfileInfoByIdV(
    nvmlDevice_t device, unsigned int profileId, nvmlGpuInstanceProfileInfo_v2_t* info);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements(
    nvmlDevice_t device, unsigned int profileId, nvmlGpuInstancePlacement_t* placements,
    unsigned int* count);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstancePossiblePlacements_v2(
    nvmlDevice_t device, unsigned int profileId, nvmlGpuInstancePlacement_t* placements,
    unsigned int* count);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceRemainingCapacity(nvmlDevice_t device,
                                                                unsigned int profileId,
                                                                unsigned int* count);

/* GPU instances. */
NVML_API nvmlReturn_t nvmlDeviceCreateGpuInstance(nvmlDevice_t device, unsigned int profileId,
                                                  nvmlGpuInstance_t* gpuInstance);
NVML_API nvmlReturn_t nvmlDeviceCreateGpuInstanceWithPlacement(
    nvmlDevice_t device, unsigned int profileId, const nvmlGpuInstancePlacement_t* placement,
    nvmlGpuInstance_t* gpuInstance);
NVML_API nvmlReturn_t nvmlGpuInstanceDestroy(nvmlGpuInstance_t gpuInstance);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstances(nvmlDevice_t device, unsigned int profileId,
                                                nvmlGpuInstance_t* gpuInstances,
                                                unsigned int* count);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceById(nvmlDevice_t device, unsigned int id,
                                                   nvmlGpuInstance_t* gpuInstance);
NVML_API nvmlReturn_t nvmlGpuInstanceGetInfo(nvmlGpuInstance_t gpuInstance,
                                             nvmlGpuInstanceInfo_t* info);

/* Compute instances. */
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfo(
    nvmlGpuInstance_t gpuInstance, unsigned int profile, unsigned int engProfile,
    nvmlComputeInstanceProfileInfo_t* info);
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceProfileInfoV(
    nvmlGpuInstance_t gpuInstance, unsigned int profile, unsigned int engProfile,
    nvmlComputeInstanceProfileInfo_v2_t* info);
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceRemainingCapacity(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId, unsigned int* count);
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstancePossiblePlacements(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId,
    nvmlComputeInstancePlacement_t* placements, unsigned int* count);
NVML_API nvmlReturn_t nvmlGpuInstanceCreateComputeInstance(nvmlGpuInstance_t gpuInstance,
                                                           unsigned int profileId,
                                                           nvmlComputeInstance_t* computeInstance);
NVML_API nvmlReturn_t nvmlGpuInstanceCreateComputeInstanceWithPlacement(
    nvmlGpuInstance_t gpuInstance, unsigned int profileId,
    const nvmlComputeInstancePlacement_t* placement, nvmlComputeInstance_t* computeInstance);
NVML_API nvmlReturn_t nvmlComputeInstanceDestroy(nvmlComputeInstance_t computeInstance);
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstances(nvmlGpuInstance_t gpuInstance,
                                                         unsigned int profileId,
                                                         nvmlComputeInstance_t* computeInstances,
                                                         unsigned int* count);
NVML_API nvmlReturn_t nvmlGpuInstanceGetComputeInstanceById(nvmlGpuInstance_t gpuInstance,
                                                            unsigned int id,
                                                            nvmlComputeInstance_t* computeInstance);
/* The unversioned name fills the fields up to profileId only (the placement came with _v2). */
NVML_API nvmlReturn_t nvmlComputeInstanceGetInfo(nvmlComputeInstance_t computeInstance,
                                                 nvmlComputeInstanceInfo_t* info);
NVML_API nvmlReturn_t nvmlComputeInstanceGetInfo_v2(nvmlComputeInstance_t computeInstance,
                                                    nvmlComputeInstanceInfo_t* info);

/* MIG devices (one per compute instance). */
NVML_API nvmlReturn_t nvmlDeviceIsMigDeviceHandle(nvmlDevice_t device, unsigned int* isMigDevice);
NVML_API nvmlReturn_t nvmlDeviceGetGpuInstanceId(nvmlDevice_t device, unsigned int* id);
NVML_API nvmlReturn_t nvmlDeviceGetComputeInstanceId(nvmlDevice_t device, unsigned int* id);
NVML_API nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int* count);
NVML_API nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index,
                                                          nvmlDevice_t* migDevice);
NVML_API nvmlReturn_t nvmlDeviceGetDeviceHandleFromMigDeviceHandle(nvmlDevice_t migDevice,
                                                                   nvmlDevice_t* device);

/* Events. The v1 wait writes only the fields before gpuInstanceId (its struct predates MIG). */
NVML_API nvmlReturn_t nvmlEventSetCreate(nvmlEventSet_t* set);
NVML_API nvmlReturn_t nvmlDeviceGetSupportedEventTypes(nvmlDevice_t device,
                                                       unsigned long long* eventTypes);
NVML_API nvmlReturn_t nvmlDeviceRegisterEvents(nvmlDevice_t device, unsigned long long eventTypes,
                                               nvmlEventSet_t set);
NVML_API nvmlReturn_t nvmlEventSetWait_v2(nvmlEventSet_t set, nvmlEventData_t* data,
                                          unsigned int timeoutms);
NVML_API nvmlReturn_t nvmlEventSetWait(nvmlEventSet_t set, nvmlEventData_t* data,
                                       unsigned int timeoutms);
NVML_API nvmlReturn_t nvmlEventSetFree(nvmlEventSet_t set);

/* Topology and clocks (Slurm's gpu/nvml plugin). */
NVML_API nvmlReturn_t nvmlDeviceGetCpuAffinity(nvmlDevice_t device, unsigned int cpuSetSize,
                                               unsigned long* cpuSet);
NVML_API nvmlReturn_t nvmlDeviceGetNvLinkState(nvmlDevice_t device, unsigned int link,
                                               nvmlEnableState_t* isActive);
NVML_API nvmlReturn_t nvmlDeviceGetNvLinkRemotePciInfo_v2(nvmlDevice_t device, unsigned int link,
                                                          nvmlPciInfo_t* pci);
NVML_API nvmlReturn_t nvmlDeviceGetSupportedMemoryClocks(nvmlDevice_t device, unsigned int* count,
                                                         unsigned int* clocksMHz);
NVML_API nvmlReturn_t nvmlDeviceGetSupportedGraphicsClocks(nvmlDevice_t device,
                                                           unsigned int memoryClockMHz,
                                                           unsigned int* count,
                                                           unsigned int* clocksMHz);
NVML_API nvmlReturn_t nvmlDeviceGetApplicationsClock(nvmlDevice_t device, nvmlClockType_t clockType,
                                                     unsigned int* clockMHz);
NVML_API nvmlReturn_t nvmlDeviceSetApplicationsClocks(nvmlDevice_t device, unsigned int memClockMHz,
                                                      unsigned int graphicsClockMHz);
NVML_API nvmlReturn_t nvmlDeviceResetApplicationsClocks(nvmlDevice_t device);

/* ---- Confidential Computing (../shared/research/cc-facts.md §5; nvml.h 13.3.29) ------------
 * Constants, structs and functions as the real header has them. Layouts and version words are
 * those the facts derive for x86-64 (§5.2) and are checked right here. The caps, state, memory
 * size, certificate and report structs are unversioned in the real ABI. */

#define NVML_CC_SYSTEM_CPU_CAPS_NONE 0
#define NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV 1
#define NVML_CC_SYSTEM_CPU_CAPS_INTEL_TDX 2
#define NVML_CC_SYSTEM_CPU_CAPS_AMD_SEV_SNP 3
#define NVML_CC_SYSTEM_CPU_CAPS_AMD_SNP_VTOM 4
#define NVML_CC_SYSTEM_GPUS_CC_NOT_CAPABLE 0
#define NVML_CC_SYSTEM_GPUS_CC_CAPABLE 1
#define NVML_CC_SYSTEM_DEVTOOLS_MODE_OFF 0
#define NVML_CC_SYSTEM_DEVTOOLS_MODE_ON 1
#define NVML_CC_SYSTEM_ENVIRONMENT_UNAVAILABLE 0
#define NVML_CC_SYSTEM_ENVIRONMENT_SIM 1
#define NVML_CC_SYSTEM_ENVIRONMENT_PROD 2
#define NVML_CC_SYSTEM_FEATURE_DISABLED 0
#define NVML_CC_SYSTEM_FEATURE_ENABLED 1
#define NVML_CC_SYSTEM_MULTIGPU_NONE 0
#define NVML_CC_SYSTEM_MULTIGPU_PROTECTED_PCIE 1
#define NVML_CC_SYSTEM_MULTIGPU_NVLE 2
#define NVML_CC_ACCEPTING_CLIENT_REQUESTS_FALSE 0
#define NVML_CC_ACCEPTING_CLIENT_REQUESTS_TRUE 1
#define NVML_GPU_CERT_CHAIN_SIZE 0x1000
#define NVML_GPU_ATTESTATION_CERT_CHAIN_SIZE 0x1400
#define NVML_CC_GPU_CEC_NONCE_SIZE 0x20
#define NVML_CC_GPU_ATTESTATION_REPORT_SIZE 0x2000
#define NVML_CC_GPU_CEC_ATTESTATION_REPORT_SIZE 0x1000
#define NVML_CC_CEC_ATTESTATION_REPORT_NOT_PRESENT 0
#define NVML_CC_CEC_ATTESTATION_REPORT_PRESENT 1
#define NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MIN 50
#define NVML_CC_KEY_ROTATION_THRESHOLD_ATTACKER_ADVANTAGE_MAX 65

typedef struct nvmlConfComputeSystemCaps_st {
  unsigned int cpuCaps;
  unsigned int gpusCaps;
} nvmlConfComputeSystemCaps_t;

typedef struct nvmlConfComputeSystemState_st {
  unsigned int environment;
  unsigned int ccFeature;
  unsigned int devToolsMode;
} nvmlConfComputeSystemState_t;

typedef struct nvmlSystemConfComputeSettings_v1_st {
  unsigned int version; /* nvmlSystemConfComputeSettings_v1 */
  unsigned int environment;
  unsigned int ccFeature;
  unsigned int devToolsMode;
  unsigned int multiGpuMode;
} nvmlSystemConfComputeSettings_v1_t;
typedef nvmlSystemConfComputeSettings_v1_t nvmlSystemConfComputeSettings_t;
#define nvmlSystemConfComputeSettings_v1 NVML_STRUCT_VERSION(SystemConfComputeSettings, 1)

typedef struct nvmlConfComputeMemSizeInfo_st {
  unsigned long long protectedMemSizeKib;
  unsigned long long unprotectedMemSizeKib;
} nvmlConfComputeMemSizeInfo_t;

typedef struct nvmlConfComputeGpuCertificate_st {
  unsigned int certChainSize;
  unsigned int attestationCertChainSize;
  unsigned char certChain[NVML_GPU_CERT_CHAIN_SIZE];
  unsigned char attestationCertChain[NVML_GPU_ATTESTATION_CERT_CHAIN_SIZE];
} nvmlConfComputeGpuCertificate_t;

typedef struct nvmlConfComputeGpuAttestationReport_st {
  unsigned int isCecAttestationReportPresent;
  unsigned int attestationReportSize;
  unsigned int cecAttestationReportSize;
  unsigned char nonce[NVML_CC_GPU_CEC_NONCE_SIZE]; /* input */
  unsigned char attestationReport[NVML_CC_GPU_ATTESTATION_REPORT_SIZE];
  unsigned char cecAttestationReport[NVML_CC_GPU_CEC_ATTESTATION_REPORT_SIZE];
} nvmlConfComputeGpuAttestationReport_t;

typedef struct nvmlConfComputeSetKeyRotationThresholdInfo_st {
  unsigned int version; /* nvmlConfComputeSetKeyRotationThresholdInfo_v1 */
  unsigned long long maxAttackerAdvantage;
} nvmlConfComputeSetKeyRotationThresholdInfo_v1_t;
typedef nvmlConfComputeSetKeyRotationThresholdInfo_v1_t
    nvmlConfComputeSetKeyRotationThresholdInfo_t;
#define nvmlConfComputeSetKeyRotationThresholdInfo_v1 \
  NVML_STRUCT_VERSION(ConfComputeSetKeyRotationThresholdInfo, 1)

typedef struct nvmlConfComputeGetKeyRotationThresholdInfo_st {
  unsigned int version; /* nvmlConfComputeGetKeyRotationThresholdInfo_v1 */
  unsigned long long attackerAdvantage;
} nvmlConfComputeGetKeyRotationThresholdInfo_v1_t;
typedef nvmlConfComputeGetKeyRotationThresholdInfo_v1_t
    nvmlConfComputeGetKeyRotationThresholdInfo_t;
#define nvmlConfComputeGetKeyRotationThresholdInfo_v1 \
  NVML_STRUCT_VERSION(ConfComputeGetKeyRotationThresholdInfo, 1)

/* System-wide: they describe every GPU of the node (cc-facts.md §8). */
NVML_API nvmlReturn_t
nvmlSystemGetConfComputeCapabilities(nvmlConfComputeSystemCaps_t* capabilities);
NVML_API nvmlReturn_t nvmlSystemGetConfComputeState(nvmlConfComputeSystemState_t* state);
NVML_API nvmlReturn_t nvmlSystemGetConfComputeSettings(nvmlSystemConfComputeSettings_t* settings);
NVML_API nvmlReturn_t nvmlSystemGetConfComputeGpusReadyState(unsigned int* isAcceptingWork);
NVML_API nvmlReturn_t nvmlSystemSetConfComputeGpusReadyState(unsigned int isAcceptingWork);
NVML_API nvmlReturn_t nvmlSystemGetConfComputeKeyRotationThresholdInfo(
    nvmlConfComputeGetKeyRotationThresholdInfo_t* pKeyRotationThrInfo);
NVML_API nvmlReturn_t nvmlSystemSetConfComputeKeyRotationThresholdInfo(
    nvmlConfComputeSetKeyRotationThresholdInfo_t* pKeyRotationThrInfo);
/* Per GPU (physical GPU handles only). */
NVML_API nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device,
                                                          nvmlConfComputeMemSizeInfo_t* memInfo);
NVML_API nvmlReturn_t nvmlDeviceGetConfComputeProtectedMemoryUsage(nvmlDevice_t device,
                                                                   nvmlMemory_t* memory);
NVML_API nvmlReturn_t nvmlDeviceGetConfComputeGpuCertificate(
    nvmlDevice_t device, nvmlConfComputeGpuCertificate_t* gpuCert);
NVML_API nvmlReturn_t nvmlDeviceGetConfComputeGpuAttestationReport(
    nvmlDevice_t device, nvmlConfComputeGpuAttestationReport_t* gpuAtstReport);

/* ---- Layout checks (mig-facts.md §6.2, x86-64) -------------------------------------------- */

#ifdef __cplusplus
#define MIGKIT_NVML_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#else
#define MIGKIT_NVML_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#endif
#define MIGKIT_NVML_CHECK_OFFSET(type, field, off) \
  MIGKIT_NVML_STATIC_ASSERT(offsetof(type, field) == (off), #type "." #field " offset")
#define MIGKIT_NVML_CHECK_SIZE(type, size) \
  MIGKIT_NVML_STATIC_ASSERT(sizeof(type) == (size), "sizeof " #type)

MIGKIT_NVML_CHECK_SIZE(nvmlReturn_t, 4);
MIGKIT_NVML_CHECK_SIZE(nvmlBrandType_t, 4);
MIGKIT_NVML_CHECK_SIZE(nvmlDevice_t, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstance_t, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstance_t, 8);

MIGKIT_NVML_CHECK_SIZE(nvmlPciInfo_t, 68);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, domain, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, bus, 20);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, device, 24);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, pciDeviceId, 28);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, pciSubSystemId, 32);
MIGKIT_NVML_CHECK_OFFSET(nvmlPciInfo_t, busId, 36);

MIGKIT_NVML_CHECK_SIZE(nvmlMemory_t, 24);
MIGKIT_NVML_CHECK_SIZE(nvmlMemory_v2_t, 40);
MIGKIT_NVML_CHECK_OFFSET(nvmlMemory_v2_t, total, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlMemory_v2_t, reserved, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlMemory_v2_t, free, 24);
MIGKIT_NVML_CHECK_OFFSET(nvmlMemory_v2_t, used, 32);
MIGKIT_NVML_STATIC_ASSERT(nvmlMemory_v2 == 0x02000028u, "nvmlMemory_v2 version word");

MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstancePlacement_t, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstancePlacement_t, 8);

MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstanceProfileInfo_t, 48);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_t, ofaCount, 36);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_t, memorySizeMB, 40);

MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstanceProfileInfo_v2_t, 152);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v2_t, id, 4);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v2_t, isP2pSupported, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v2_t, ofaCount, 40);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v2_t, memorySizeMB, 48);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v2_t, name, 56);
MIGKIT_NVML_STATIC_ASSERT(nvmlGpuInstanceProfileInfo_v2 == 0x02000098u,
                          "nvmlGpuInstanceProfileInfo_v2 version word");

MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstanceProfileInfo_v3_t, 152);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, id, 4);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, sliceCount, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, ofaCount, 36);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, memorySizeMB, 40);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, name, 48);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceProfileInfo_v3_t, capabilities, 144);
MIGKIT_NVML_STATIC_ASSERT(nvmlGpuInstanceProfileInfo_v3 == 0x03000098u,
                          "nvmlGpuInstanceProfileInfo_v3 version word");

MIGKIT_NVML_CHECK_SIZE(nvmlGpuInstanceInfo_t, 24);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceInfo_t, id, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceInfo_t, profileId, 12);
MIGKIT_NVML_CHECK_OFFSET(nvmlGpuInstanceInfo_t, placement, 16);

MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstanceProfileInfo_t, 36);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceProfileInfo_t, sharedOfaCount, 32);

MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstanceProfileInfo_v2_t, 136);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceProfileInfo_v2_t, sharedOfaCount, 36);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceProfileInfo_v2_t, name, 40);
MIGKIT_NVML_STATIC_ASSERT(nvmlComputeInstanceProfileInfo_v2 == 0x02000088u,
                          "nvmlComputeInstanceProfileInfo_v2 version word");

MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstanceProfileInfo_v3_t, 140);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceProfileInfo_v3_t, name, 40);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceProfileInfo_v3_t, capabilities, 136);
MIGKIT_NVML_STATIC_ASSERT(nvmlComputeInstanceProfileInfo_v3 == 0x0300008Cu,
                          "nvmlComputeInstanceProfileInfo_v3 version word");

MIGKIT_NVML_CHECK_SIZE(nvmlComputeInstanceInfo_t, 32);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceInfo_t, gpuInstance, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceInfo_t, id, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceInfo_t, profileId, 20);
MIGKIT_NVML_CHECK_OFFSET(nvmlComputeInstanceInfo_t, placement, 24);

MIGKIT_NVML_CHECK_SIZE(nvmlEventData_t, 32);
MIGKIT_NVML_CHECK_OFFSET(nvmlEventData_t, eventType, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlEventData_t, eventData, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlEventData_t, gpuInstanceId, 24);
MIGKIT_NVML_CHECK_OFFSET(nvmlEventData_t, computeInstanceId, 28);

MIGKIT_NVML_CHECK_SIZE(nvmlDeviceAttributes_t, 40);
MIGKIT_NVML_CHECK_OFFSET(nvmlDeviceAttributes_t, computeInstanceSliceCount, 28);
MIGKIT_NVML_CHECK_OFFSET(nvmlDeviceAttributes_t, memorySizeMB, 32);

/* Confidential Computing (cc-facts.md §5.2). */
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeSystemCaps_t, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeSystemCaps_t, gpusCaps, 4);
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeSystemState_t, 12);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeSystemState_t, ccFeature, 4);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeSystemState_t, devToolsMode, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlSystemConfComputeSettings_v1_t, 20);
MIGKIT_NVML_CHECK_OFFSET(nvmlSystemConfComputeSettings_v1_t, multiGpuMode, 16);
MIGKIT_NVML_STATIC_ASSERT(nvmlSystemConfComputeSettings_v1 == 0x01000014u,
                          "nvmlSystemConfComputeSettings_v1 version word");
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeMemSizeInfo_t, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeMemSizeInfo_t, unprotectedMemSizeKib, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeGpuCertificate_t, 9224);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGpuCertificate_t, certChain, 8);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGpuCertificate_t, attestationCertChain, 4104);
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeGpuAttestationReport_t, 12332);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGpuAttestationReport_t, nonce, 12);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGpuAttestationReport_t, attestationReport, 44);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGpuAttestationReport_t, cecAttestationReport, 8236);
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeSetKeyRotationThresholdInfo_v1_t, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeSetKeyRotationThresholdInfo_v1_t, maxAttackerAdvantage, 8);
MIGKIT_NVML_CHECK_SIZE(nvmlConfComputeGetKeyRotationThresholdInfo_v1_t, 16);
MIGKIT_NVML_CHECK_OFFSET(nvmlConfComputeGetKeyRotationThresholdInfo_v1_t, attackerAdvantage, 8);
MIGKIT_NVML_STATIC_ASSERT(nvmlConfComputeSetKeyRotationThresholdInfo_v1 == 0x01000010u,
                          "nvmlConfComputeSetKeyRotationThresholdInfo_v1 version word");
MIGKIT_NVML_STATIC_ASSERT(nvmlConfComputeGetKeyRotationThresholdInfo_v1 == 0x01000010u,
                          "nvmlConfComputeGetKeyRotationThresholdInfo_v1 version word");

#undef MIGKIT_NVML_CHECK_OFFSET
#undef MIGKIT_NVML_CHECK_SIZE
#undef MIGKIT_NVML_STATIC_ASSERT

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MIGKIT_NVML_NVML_ABI_H_ */
