#!/usr/bin/env python3
"""A full MIG scenario through Debian's python3-pynvml against migkit's libnvidia-ml.so.1.

Node: MIGKIT_EMULATE=A100-SXM4-40GB,H100-SXM5-80GB on a fresh MIGKIT_STATE_DIR. Every expected
value below is written from ../shared/research/mig-facts.md (§2 identity, §3.2 A100-40GB and §3.5
H100 80GB profile tables, §4.2 GI IDs, §4.3 automatic placement, §5 CI profiles, §6.1 error
strings, §7 MIG device order, names and UUID format, §9 mode changes), not read from migkit.

Environment (set by ctest, tests/nvml/CMakeLists.txt):
  MIGKIT_PYNVML_DIR   where scripts/ci-nvml-clients.sh extracted python3-pynvml; the test is
                      skipped (exit 77) only when that directory does not exist
  MIGKIT_RESET_TOOL   tests/nvml's emu_reset_gpu, standing in for `nvidia-smi -r`
  MIGCTL              migctl, which raises Xid events (`migctl emulator fault xid`)
  LD_LIBRARY_PATH     the directory holding migkit's libnvidia-ml.so.1
"""
import ctypes
import os
import re
import subprocess
import sys

SKIP = 77

PYNVML_DIR = os.environ.get("MIGKIT_PYNVML_DIR", "/var/cache/migkit/pynvml")
SITE = os.path.join(PYNVML_DIR, "usr", "lib", "python3", "dist-packages")
if not os.path.isdir(PYNVML_DIR):
    print(f"SKIPPED: python3-pynvml is not extracted in {PYNVML_DIR}; "
          "run scripts/ci-nvml-clients.sh (CI does) to fetch it from Debian contrib")
    sys.exit(SKIP)
sys.path.insert(0, SITE)
import pynvml  # noqa: E402  (Debian's package, found through MIGKIT_PYNVML_DIR)

A100, H100 = 0, 1
MIB = 1024 * 1024
MIG_UUID = re.compile(r"^MIG-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
GPU_UUID = re.compile(r"^GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

# NVML profile index ->
#   (ID, name, slices, instances, MiB, SM, CE, DEC, ENC, JPEG, OFA, placement starts, size)
PROFILES = {
    A100: {  # mig-facts.md §3.2 (R525+ driver)
        0: (19, "1g.5gb", 1, 7, 4864, 14, 1, 0, 0, 0, 0, [0, 1, 2, 3, 4, 5, 6], 1),
        1: (14, "2g.10gb", 2, 3, 9856, 28, 2, 1, 0, 0, 0, [0, 2, 4], 2),
        2: (9, "3g.20gb", 3, 2, 19968, 42, 3, 2, 0, 0, 0, [0, 4], 4),
        3: (5, "4g.20gb", 4, 1, 19968, 56, 4, 2, 0, 0, 0, [0], 4),
        4: (0, "7g.40gb", 7, 1, 40192, 98, 7, 5, 0, 1, 1, [0], 8),
        7: (20, "1g.5gb+me", 1, 1, 4864, 14, 1, 1, 0, 1, 1, [0, 1, 2, 3, 4, 5, 6], 1),
        9: (15, "1g.10gb", 1, 4, 9856, 14, 1, 1, 0, 0, 0, [0, 2, 4, 6], 2),
    },
    H100: {  # mig-facts.md §3.5 (T1 transcript)
        0: (19, "1g.10gb", 1, 7, 9984, 16, 1, 1, 0, 1, 0, [0, 1, 2, 3, 4, 5, 6], 1),
        1: (14, "2g.20gb", 2, 3, 20096, 32, 2, 2, 0, 2, 0, [0, 2, 4], 2),
        2: (9, "3g.40gb", 3, 2, 40448, 60, 3, 3, 0, 3, 0, [0, 4], 4),
        3: (5, "4g.40gb", 4, 1, 40448, 64, 4, 4, 0, 4, 0, [0], 4),
        4: (0, "7g.80gb", 7, 1, 81152, 132, 8, 7, 0, 7, 1, [0], 8),
        7: (20, "1g.10gb+me", 1, 1, 9984, 16, 1, 1, 0, 1, 1, [0, 1, 2, 3, 4, 5, 6], 1),
        9: (15, "1g.20gb", 1, 4, 20096, 26, 1, 1, 0, 1, 0, [0, 2, 4, 6], 2),
    },
}
IDENTITY = {  # name, memory MiB, PCI bus ID, PCI device ID, architecture, compute capability
    A100: ("NVIDIA A100-SXM4-40GB", 40960, "00000000:18:00.0", 0x20B010DE, 7, (8, 0)),
    H100: ("NVIDIA H100 80GB HBM3", 81559, "00000000:2A:00.0", 0x233010DE, 9, (9, 0)),
}
# NVML_GPU_INSTANCE_PROFILE_COUNT of current drivers (pynvml 11.525's constant is still 0xA).
GI_PROFILE_COUNT = 0x12
CI_PROFILE_COUNT = 0x9

checks = 0


def expect(actual, expected, what):
    global checks
    checks += 1
    if actual != expected:
        raise AssertionError(f"{what}: got {actual!r}, expected {expected!r}")


def expect_error(error_class, text, fn, *args):
    """fn(*args) must raise pynvml's error_class, whose str() (nvmlErrorString) is `text`."""
    global checks
    checks += 1
    try:
        fn(*args)
    except error_class as e:
        expect(str(e), text, f"error text of {fn.__name__}")
        return
    raise AssertionError(f"{fn.__name__}{args[1:]} did not raise {error_class.__name__}")


def text(value):
    """A char[] struct field, which ctypes gives as bytes."""
    return value.decode() if isinstance(value, bytes) else value


def reset(index):
    """`nvidia-smi -r -i INDEX` for the emulated node."""
    subprocess.run([os.environ["MIGKIT_RESET_TOOL"], str(index)], check=True)


def in_child(mode, extra_env=None):
    """Runs this script in another process (a second NVML client) and returns its stdout."""
    env = dict(os.environ)
    env.update(extra_env or {})
    out = subprocess.run([sys.executable, __file__, mode], env=env, check=True,
                         stdout=subprocess.PIPE, text=True)
    return out.stdout


def mig_devices(gpu):
    """(index, GI ID, CI ID, name, UUID) of every MIG device, walked as GFD and DCGM walk them."""
    out = []
    for i in range(pynvml.nvmlDeviceGetMaxMigDeviceCount(gpu)):
        try:
            mig = pynvml.nvmlDeviceGetMigDeviceHandleByIndex(gpu, i)
        except pynvml.NVMLError_NotFound:
            continue
        out.append((i, pynvml.nvmlDeviceGetGpuInstanceId(mig),
                    pynvml.nvmlDeviceGetComputeInstanceId(mig),
                    pynvml.nvmlDeviceGetName(mig), pynvml.nvmlDeviceGetUUID(mig)))
    return out


def check_identity():
    expect(pynvml.nvmlSystemGetDriverVersion(), "580.82.07", "driver version")
    nvml_version = pynvml.nvmlSystemGetNVMLVersion()
    expect(nvml_version, "13.580.82.07", "NVML version")
    expect(int(nvml_version.split(".")[0]) >= 11, True, "NVML major >= 11 (mig-parted)")
    expect(pynvml.nvmlSystemGetCudaDriverVersion(), 13000, "CUDA driver version")
    expect(pynvml.nvmlDeviceGetCount(), 2, "device count")
    for index, (name, mib, bus, pci_id, arch, cc) in IDENTITY.items():
        h = pynvml.nvmlDeviceGetHandleByIndex(index)
        expect(pynvml.nvmlDeviceGetName(h), name, f"GPU {index} name")
        uuid = pynvml.nvmlDeviceGetUUID(h)
        expect(bool(GPU_UUID.match(uuid)), True, f"GPU {index} UUID format {uuid}")
        expect(pynvml.nvmlDeviceGetIndex(pynvml.nvmlDeviceGetHandleByUUID(uuid)), index,
               "handle by UUID")
        expect(pynvml.nvmlDeviceGetMemoryInfo(h).total, mib * MIB, f"GPU {index} memory")
        pci = pynvml.nvmlDeviceGetPciInfo_v3(h)
        expect(pci.busId, bus, f"GPU {index} PCI bus ID")
        expect(pci.pciDeviceId, pci_id, f"GPU {index} PCI device ID")
        expect(pynvml.nvmlDeviceGetIndex(pynvml.nvmlDeviceGetHandleByPciBusId(bus)), index,
               "handle by PCI bus ID")
        expect(pynvml.nvmlDeviceGetArchitecture(h), arch, f"GPU {index} architecture")
        expect(pynvml.nvmlDeviceGetCudaComputeCapability(h), cc, f"GPU {index} compute capability")
        expect(pynvml.nvmlDeviceGetBrand(h), pynvml.NVML_BRAND_NVIDIA, f"GPU {index} brand")
        expect(pynvml.nvmlDeviceGetMigMode(h), [0, 0], f"GPU {index} MIG mode")
        expect(pynvml.nvmlDeviceGetMaxMigDeviceCount(h), 0, f"GPU {index} max MIG devices, MIG off")
    print("identity: 2 GPUs, driver 580.82.07, NVML 13.580.82.07, CUDA 13000")


def check_profiles(index):
    """The walk mig-parted, GFD and DCGM do: every index, skipping NOT_SUPPORTED (§6.5)."""
    h = pynvml.nvmlDeviceGetHandleByIndex(index)
    seen = {}
    for i in range(GI_PROFILE_COUNT):
        try:
            info = pynvml.nvmlDeviceGetGpuInstanceProfileInfo(h, i)  # the V call, version 2
        except pynvml.NVMLError_NotSupported:
            continue
        seen[i] = (info.id, text(info.name), info.sliceCount, info.instanceCount, info.memorySizeMB,
                   info.multiprocessorCount, info.copyEngineCount, info.decoderCount,
                   info.encoderCount, info.jpegCount, info.ofaCount)
        expect(info.isP2pSupported, 0, "P2P (No on every captured GPU)")
        v1 = pynvml.nvmlDeviceGetGpuInstanceProfileInfo(h, i, version=1)
        expect((v1.id, v1.memorySizeMB), (info.id, info.memorySizeMB), "v1 and v2 agree")
        placements = (pynvml.c_nvmlGpuInstancePlacement_t * 8)()
        count = ctypes.c_uint(8)
        pynvml.nvmlDeviceGetGpuInstancePossiblePlacements(h, info.id, placements,
                                                          ctypes.byref(count))
        seen[i] += ([placements[k].start for k in range(count.value)],
                    placements[0].size)
    expected = {i: (p[0], "MIG " + p[1]) + p[2:] for i, p in PROFILES[index].items()}
    expect(seen, expected, f"GPU {index} GPU instance profiles")
    expect_error(pynvml.NVMLError_InvalidArgument, "Invalid Argument",
                 pynvml.nvmlDeviceGetGpuInstanceProfileInfo, h, GI_PROFILE_COUNT)
    print(f"GPU {index}: {len(seen)} GPU instance profiles and their placements as in the facts")


def gi_info(gi):
    info = pynvml.nvmlGpuInstanceGetInfo(gi)
    return (info.id, info.profileId, info.placement.start, info.placement.size)


def ci_profiles(gi):
    out = {}
    for p in range(CI_PROFILE_COUNT):
        try:
            info = pynvml.nvmlGpuInstanceGetComputeInstanceProfileInfo(
                gi, p, pynvml.NVML_COMPUTE_INSTANCE_ENGINE_PROFILE_SHARED)
        except pynvml.NVMLError_NotSupported:
            continue
        out[p] = (text(info.name), info.sliceCount, info.instanceCount, info.multiprocessorCount,
                  info.sharedCopyEngineCount, info.sharedDecoderCount, info.sharedEncoderCount,
                  info.sharedJpegCount, info.sharedOfaCount)
    return out


def hopper_scenario():
    h = pynvml.nvmlDeviceGetHandleByIndex(H100)
    # Not enabled: capacity and creation are NOT_SUPPORTED (§10).
    expect_error(pynvml.NVMLError_NotSupported, "Not Supported",
                 pynvml.nvmlDeviceCreateGpuInstance, h, 19)
    expect_error(pynvml.NVMLError_NotSupported, "Not Supported",
                 pynvml.nvmlDeviceGetGpuInstanceRemainingCapacity, h, 19)
    # Hopper enables MIG at once, without a reset (§9).
    expect(pynvml.nvmlDeviceSetMigMode(h, pynvml.NVML_DEVICE_MIG_ENABLE), pynvml.NVML_SUCCESS,
           "H100 activation status")
    expect(pynvml.nvmlDeviceGetMigMode(h), [1, 1], "H100 MIG mode")
    expect(pynvml.nvmlDeviceGetMaxMigDeviceCount(h), 7, "H100 max MIG devices")
    expect(pynvml.nvmlDeviceGetGpuInstanceRemainingCapacity(h, 19), 7, "free 1g.10gb")

    # pynvml passes the placement through as given: the C API takes a pointer.
    g3 = pynvml.nvmlDeviceCreateGpuInstanceWithPlacement(
        h, 9, ctypes.byref(pynvml.c_nvmlGpuInstancePlacement_t(4, 4)))
    g2 = pynvml.nvmlDeviceCreateGpuInstanceWithPlacement(
        h, 14, ctypes.byref(pynvml.c_nvmlGpuInstancePlacement_t(0, 2)))
    # Without a placement a 1g takes the first free start of 6, 4, 5, 0, 1, 2, 3 (§4.3, T1).
    g1a = pynvml.nvmlDeviceCreateGpuInstance(h, 19)
    g1b = pynvml.nvmlDeviceCreateGpuInstance(h, 19)
    # GI IDs follow from placements: 4:4 -> 2, 0:2 -> 3, 2:1 -> 9, 3:1 -> 10 (§4.2).
    expect([gi_info(g) for g in (g3, g2, g1a, g1b)],
           [(2, 9, 4, 4), (3, 14, 0, 2), (9, 19, 2, 1), (10, 19, 3, 1)], "H100 GPU instances")
    expect_error(pynvml.NVMLError_InsufficientResources, "Insufficient Resources",
                 pynvml.nvmlDeviceCreateGpuInstance, h, 19)
    for profile_id in (19, 20, 15, 14, 9, 5, 0):
        expect(pynvml.nvmlDeviceGetGpuInstanceRemainingCapacity(h, profile_id), 0,
               f"remaining capacity of profile {profile_id} on a full H100")
    listed = (pynvml.c_nvmlGpuInstance_t * 7)()
    count = ctypes.c_uint(7)
    pynvml.nvmlDeviceGetGpuInstances(h, 19, listed, ctypes.byref(count))
    expect([gi_info(listed[i])[0] for i in range(count.value)], [9, 10], "1g.10gb GIs by ID")
    expect(gi_info(pynvml.nvmlDeviceGetGpuInstanceById(h, 3)), (3, 14, 0, 2), "GI 3 by ID")
    expect_error(pynvml.NVMLError_NotFound, "Not Found",
                 pynvml.nvmlDeviceGetGpuInstanceById, h, 5)

    # CI profiles of the 3g.40gb (§5: C == G or 2C <= G+1; SMs scale with C).
    expect(ci_profiles(g3), {
        0: ("MIG 1c.3g.40gb", 1, 3, 20, 3, 3, 0, 3, 0),
        1: ("MIG 2c.3g.40gb", 2, 1, 40, 3, 3, 0, 3, 0),
        2: ("MIG 3g.40gb", 3, 1, 60, 3, 3, 0, 3, 0)}, "CI profiles of 3g.40gb")
    c30 = pynvml.nvmlGpuInstanceCreateComputeInstance(g3, 0)
    c31 = pynvml.nvmlGpuInstanceCreateComputeInstance(g3, 0)
    c20 = pynvml.nvmlGpuInstanceCreateComputeInstance(g2, 1)
    c1a = pynvml.nvmlGpuInstanceCreateComputeInstanceWithPlacement(
        g1a, 0, ctypes.byref(pynvml.c_nvmlComputeInstancePlacement_t(0, 1)))
    infos = [pynvml.nvmlComputeInstanceGetInfo(c) for c in (c30, c31, c20, c1a)]
    expect([(i.id, i.profileId, i.placement.start, i.placement.size) for i in infos],
           [(0, 0, 0, 1), (1, 0, 1, 1), (0, 1, 0, 2), (0, 0, 0, 1)], "H100 compute instances")
    expect(pynvml.nvmlGpuInstanceGetComputeInstanceRemainingCapacity(g3, 0), 1, "free 1c in 3g")
    expect_error(pynvml.NVMLError_InsufficientResources, "Insufficient Resources",
                 pynvml.nvmlGpuInstanceCreateComputeInstance, g3, 1)

    # MIG devices: ascending GI ID then CI ID (§7), named after the CI profile.
    devices = mig_devices(h)
    name = "NVIDIA H100 80GB HBM3 MIG "
    expect([d[:4] for d in devices],
           [(0, 2, 0, name + "1c.3g.40gb"), (1, 2, 1, name + "1c.3g.40gb"),
            (2, 3, 0, name + "2g.20gb"), (3, 9, 0, name + "1g.10gb")], "H100 MIG devices")
    uuids = [d[4] for d in devices]
    for u in uuids:
        expect(bool(MIG_UUID.match(u)), True, f"MIG UUID format {u}")
    expect(len(set(uuids)), 4, "distinct MIG UUIDs")
    expect(pynvml.nvmlDeviceGetUUID(infos[2].device), uuids[2], "ciInfo.device is the MIG device")
    mig = pynvml.nvmlDeviceGetHandleByUUID(uuids[2])
    expect(pynvml.nvmlDeviceIsMigDeviceHandle(mig).value, 1, "MIG handle by UUID")
    expect(pynvml.nvmlDeviceGetUUID(pynvml.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig)),
           pynvml.nvmlDeviceGetUUID(h), "parent of a MIG device")
    expect(pynvml.nvmlDeviceGetMemoryInfo(mig).total, 20096 * MIB, "2g.20gb memory")
    a = pynvml.nvmlDeviceGetAttributes(mig)
    expect((a.multiprocessorCount, a.sharedCopyEngineCount, a.sharedDecoderCount,
            a.sharedEncoderCount, a.sharedJpegCount, a.sharedOfaCount, a.gpuInstanceSliceCount,
            a.computeInstanceSliceCount, a.memorySizeMB),
           (32, 2, 2, 0, 2, 0, 2, 2, 20096), "2g.20gb MIG device attributes")

    # Another process sees the same MIG devices, in the same order, with the same UUIDs.
    expect(in_child("--list-mig").split(), uuids, "MIG UUIDs seen by a second process")

    # A GPU instance with compute instances is in use (§6.3; `-dgi` before `-dci`).
    expect_error(pynvml.NVMLError_InUse, "In use by another client",
                 pynvml.nvmlGpuInstanceDestroy, g3)
    expect_error(pynvml.NVMLError_InUse, "In use by another client",
                 pynvml.nvmlDeviceSetMigMode, h, pynvml.NVML_DEVICE_MIG_DISABLE)

    for c in (c30, c31, c20, c1a):
        pynvml.nvmlComputeInstanceDestroy(c)
    for g in (g3, g2, g1a, g1b):
        pynvml.nvmlGpuInstanceDestroy(g)
    expect(mig_devices(h), [], "no MIG devices left")
    expect(pynvml.nvmlDeviceGetGpuInstanceRemainingCapacity(h, 0), 1, "7g.80gb fits again")
    print("H100: 4 GIs, 4 CIs, 4 MIG devices; Insufficient Resources and In Use; all destroyed")

    # Fault injection reaches NVML clients: MIGKIT_FAULTS in a second process.
    in_child("--faults", {"MIGKIT_FAULTS": "create-gi=in_use,mig-activation@1=reset_required"})
    expect(pynvml.nvmlDeviceGetMigMode(h), [1, 1], "mode unchanged by the faulted SetMigMode")
    expect(pynvml.nvmlDeviceSetMigMode(h, pynvml.NVML_DEVICE_MIG_DISABLE), pynvml.NVML_SUCCESS,
           "H100 disable")
    expect(pynvml.nvmlDeviceGetMigMode(h), [0, 0], "H100 MIG off")


def go_nvlib_and_health_check_scenario():
    """Issue 8: what go-nvlib and the device plugin's health check do, through pynvml.

    go-nvlib creates the CI of a double-memory 1g GI (profile index 9, 1_SLICE_REV2, ID 15) with
    CI profile 0 (1_SLICE); -C uses 7 (1_SLICE_REV1, §5). The device plugin registers Xid and ECC
    events on the parent GPU and matches an event's GI/CI IDs against its MIG devices."""
    h = pynvml.nvmlDeviceGetHandleByIndex(H100)
    pynvml.nvmlDeviceSetMigMode(h, pynvml.NVML_DEVICE_MIG_ENABLE)
    info = pynvml.nvmlDeviceGetGpuInstanceProfileInfo(h, 9)
    expect(info.id, 15, "profile index 9 is ID 15 (1g.20gb)")
    gi = pynvml.nvmlDeviceCreateGpuInstance(h, info.id)
    expect(gi_info(gi), (5, 15, 4, 2), "first 1g.20gb at 4:2, GI ID 5 (§4.3, T10)")
    # §3.5 1g.20gb: 26 SMs, CE 1, DEC 1, ENC 0, JPEG 1, OFA 0 shared.
    expect(ci_profiles(gi), {
        0: ("MIG 1g.20gb", 1, 1, 26, 1, 1, 0, 1, 0),
        7: ("MIG 1g.20gb", 1, 1, 26, 1, 1, 0, 1, 0)}, "CI profiles of 1g.20gb")
    ci = pynvml.nvmlGpuInstanceCreateComputeInstance(gi, 0)
    expect_error(pynvml.NVMLError_InsufficientResources, "Insufficient Resources",
                 pynvml.nvmlGpuInstanceCreateComputeInstance, gi, 7)
    ci_info = pynvml.nvmlComputeInstanceGetInfo(ci)
    expect((ci_info.id, ci_info.profileId), (0, 0), "CI 0 of profile 0")
    expect(text(pynvml.nvmlDeviceGetName(ci_info.device)), "NVIDIA H100 80GB HBM3 MIG 1g.20gb",
           "MIG device of a profile-0 CI")

    event_set = pynvml.nvmlEventSetCreate()
    supported = pynvml.nvmlDeviceGetSupportedEventTypes(h)
    wanted = (pynvml.nvmlEventTypeXidCriticalError | pynvml.nvmlEventTypeDoubleBitEccError |
              pynvml.nvmlEventTypeSingleBitEccError)
    expect(supported & wanted, wanted, "Xid and ECC events supported")
    pynvml.nvmlDeviceRegisterEvents(h, wanted & supported, event_set)
    expect_error(pynvml.NVMLError_Timeout, "Timeout", pynvml.nvmlEventSetWait_v2, event_set, 20)
    subprocess.run([os.environ["MIGCTL"], "emulator", "fault", "xid", "-i", "1", "--gi", "5",
                    "--ci", "0", "94"], check=True, stdout=subprocess.DEVNULL,
                   env=dict(os.environ, MIGKIT_BACKEND="emulator"))
    e = pynvml.nvmlEventSetWait_v2(event_set, 5000)
    expect((e.eventType, e.eventData, e.gpuInstanceId, e.computeInstanceId),
           (pynvml.nvmlEventTypeXidCriticalError, 94, 5, 0), "Xid 94 on GI 5 CI 0")
    expect(pynvml.nvmlDeviceGetUUID(e.device), pynvml.nvmlDeviceGetUUID(h), "event on the H100")
    expect_error(pynvml.NVMLError_Timeout, "Timeout", pynvml.nvmlEventSetWait_v2, event_set, 0)
    pynvml.nvmlEventSetFree(event_set)

    pynvml.nvmlComputeInstanceDestroy(ci)
    pynvml.nvmlGpuInstanceDestroy(gi)
    pynvml.nvmlDeviceSetMigMode(h, pynvml.NVML_DEVICE_MIG_DISABLE)
    print("H100: go-nvlib's CI profile 0 in a 1g.20gb; an Xid event on a MIG device")


def ampere_scenario():
    a = pynvml.nvmlDeviceGetHandleByIndex(A100)
    # Ampere: the change is pending until the GPU is reset (§9).
    expect(pynvml.nvmlDeviceSetMigMode(a, pynvml.NVML_DEVICE_MIG_ENABLE),
           pynvml.NVML_ERROR_RESET_REQUIRED, "A100 activation status")
    expect(pynvml.nvmlDeviceGetMigMode(a), [0, 1], "A100 MIG mode pending")
    expect_error(pynvml.NVMLError_NotSupported, "Not Supported",
                 pynvml.nvmlDeviceCreateGpuInstance, a, 9)
    reset(A100)
    expect(pynvml.nvmlDeviceGetMigMode(a), [1, 1], "A100 MIG mode after reset")

    # A 3g without placement goes to 4:4 (GI 2) on A100 (§4.3, S10); the 4g only fits at 0:4.
    g3 = pynvml.nvmlDeviceCreateGpuInstance(a, 9)
    g4 = pynvml.nvmlDeviceCreateGpuInstance(a, 5)
    expect([gi_info(g3), gi_info(g4)], [(2, 9, 4, 4), (1, 5, 0, 4)], "A100 GPU instances")
    expect_error(pynvml.NVMLError_InsufficientResources, "Insufficient Resources",
                 pynvml.nvmlDeviceCreateGpuInstance, a, 19)
    # -lcip tables (§5).
    expect(ci_profiles(g3), {
        0: ("MIG 1c.3g.20gb", 1, 3, 14, 3, 2, 0, 0, 0),
        1: ("MIG 2c.3g.20gb", 2, 1, 28, 3, 2, 0, 0, 0),
        2: ("MIG 3g.20gb", 3, 1, 42, 3, 2, 0, 0, 0)}, "CI profiles of A100 3g.20gb")
    expect(ci_profiles(g4), {
        0: ("MIG 1c.4g.20gb", 1, 4, 14, 4, 2, 0, 0, 0),
        1: ("MIG 2c.4g.20gb", 2, 2, 28, 4, 2, 0, 0, 0),
        3: ("MIG 4g.20gb", 4, 1, 56, 4, 2, 0, 0, 0)}, "CI profiles of A100 4g.20gb")
    c4 = pynvml.nvmlGpuInstanceCreateComputeInstance(g4, 3)
    c3a = pynvml.nvmlGpuInstanceCreateComputeInstance(g3, 1)
    c3b = pynvml.nvmlGpuInstanceCreateComputeInstance(g3, 0)
    name = "NVIDIA A100-SXM4-40GB MIG "
    devices = mig_devices(a)
    expect([d[:4] for d in devices],
           [(0, 1, 0, name + "4g.20gb"), (1, 2, 0, name + "2c.3g.20gb"),
            (2, 2, 1, name + "1c.3g.20gb")], "A100 MIG devices")
    for d in devices:
        expect(bool(MIG_UUID.match(d[4])), True, f"MIG UUID format {d[4]}")
    expect_error(pynvml.NVMLError_InUse, "In use by another client",
                 pynvml.nvmlGpuInstanceDestroy, g4)
    for c in (c4, c3a, c3b):
        pynvml.nvmlComputeInstanceDestroy(c)
    for g in (g3, g4):
        pynvml.nvmlGpuInstanceDestroy(g)
    expect(pynvml.nvmlDeviceSetMigMode(a, pynvml.NVML_DEVICE_MIG_DISABLE),
           pynvml.NVML_ERROR_RESET_REQUIRED, "A100 disable pending")
    expect(pynvml.nvmlDeviceGetMigMode(a), [1, 0], "A100 pending disable")
    reset(A100)
    expect(pynvml.nvmlDeviceGetMigMode(a), [0, 0], "A100 MIG off after reset")
    print("A100: pending enable, reset, 4g + 3g with 3 CIs, In Use, all destroyed, disabled")


def child_list_mig():
    pynvml.nvmlInit()
    for d in mig_devices(pynvml.nvmlDeviceGetHandleByIndex(H100)):
        print(d[4])
    pynvml.nvmlShutdown()


def child_faults():
    pynvml.nvmlInit()
    h = pynvml.nvmlDeviceGetHandleByIndex(H100)
    expect_error(pynvml.NVMLError_InUse, "In use by another client",
                 pynvml.nvmlDeviceCreateGpuInstance, h, 19)
    gi = pynvml.nvmlDeviceCreateGpuInstance(h, 19)  # the rule fired once
    expect(gi_info(gi), (13, 19, 6, 1), "first 1g after the fault")
    pynvml.nvmlGpuInstanceDestroy(gi)
    expect(pynvml.nvmlDeviceSetMigMode(h, pynvml.NVML_DEVICE_MIG_ENABLE),
           pynvml.NVML_ERROR_RESET_REQUIRED, "injected activation status")
    pynvml.nvmlShutdown()


def main():
    if len(sys.argv) > 1:
        {"--list-mig": child_list_mig, "--faults": child_faults}[sys.argv[1]]()
        return
    pynvml.nvmlInit()  # nvmlInitWithFlags(0)
    check_identity()
    hopper_scenario()  # profiles listed after enabling, as mig-parted does
    check_profiles(H100)
    go_nvlib_and_health_check_scenario()
    ampere_scenario()
    check_profiles(A100)
    pynvml.nvmlShutdown()
    print(f"pynvml scenario: {checks} checks passed")


if __name__ == "__main__":
    main()
