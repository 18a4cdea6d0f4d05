//! nvml-rust-client: lists GPUs and MIG devices through Rust's nvml-wrapper (Debian's
//! librust-nvml-wrapper-dev), against whatever libnvidia-ml.so the loader finds.
//!
//! nvml-wrapper 0.9 has no safe MIG API, so the MIG calls go through the raw nvml-wrapper-sys
//! bindings with the safe API's device handles. With `--setup` it first enables MIG on GPU 1
//! and creates a 3g.40gb at 4:4 with two 1c compute instances and a 1g.10gb with one (the
//! H100-SXM5-80GB of tests/nvml). The output is compared line by line with expected_output.txt;
//! UUIDs are checked for their format (mig-facts.md §7) rather than printed.
use std::ffi::CStr;
use std::os::raw::{c_char, c_uint};
use std::process::ExitCode;

use nvml_wrapper::error::NvmlError;
use nvml_wrapper::Nvml;
use nvml_wrapper_sys::bindings::*;

const SUCCESS: nvmlReturn_t = nvmlReturn_enum_NVML_SUCCESS;
const NOT_FOUND: nvmlReturn_t = nvmlReturn_enum_NVML_ERROR_NOT_FOUND;

fn check(what: &str, ret: nvmlReturn_t) -> Result<(), String> {
    if ret == SUCCESS {
        Ok(())
    } else {
        Err(format!("{what} returned {ret}"))
    }
}

/// "MIG-" + 8-4-4-4-12 lowercase hex with a version-5 nibble and an RFC 4122 variant.
fn is_mig_uuid(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("MIG-") else { return false };
    let groups: Vec<&str> = rest.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    groups.len() == 5
        && groups.iter().zip(lens).all(|(g, n)| {
            g.len() == n && g.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        })
        && groups[2].starts_with('5')
        && groups[3].starts_with(['8', '9', 'a', 'b'])
}

fn c_string(buf: &[c_char]) -> String {
    unsafe { CStr::from_ptr(buf.as_ptr()) }.to_string_lossy().into_owned()
}

fn setup(lib: &NvmlLib, gpu: nvmlDevice_t) -> Result<(), String> {
    unsafe {
        let mut activation: nvmlReturn_t = 0;
        check("nvmlDeviceSetMigMode", lib.nvmlDeviceSetMigMode(gpu, 1, &mut activation))?;
        println!("setup: MIG enabled on GPU 1, activation status {activation}");
        let mut gi3: nvmlGpuInstance_t = std::ptr::null_mut();
        let mut placement = nvmlGpuInstancePlacement_t { start: 4, size: 4 };
        check("create 3g.40gb",
              lib.nvmlDeviceCreateGpuInstanceWithPlacement(gpu, 9, &mut placement, &mut gi3))?;
        let mut gi1: nvmlGpuInstance_t = std::ptr::null_mut();
        check("create 1g.10gb", lib.nvmlDeviceCreateGpuInstance(gpu, 19, &mut gi1))?;
        for (gi, ci_profile) in [(gi3, 0), (gi3, 0), (gi1, 0)] {
            let mut ci: nvmlComputeInstance_t = std::ptr::null_mut();
            check("create CI", lib.nvmlGpuInstanceCreateComputeInstance(gi, ci_profile, &mut ci))?;
        }
        let mut again: nvmlGpuInstance_t = std::ptr::null_mut();
        let ret = lib.nvmlDeviceCreateGpuInstanceWithPlacement(gpu, 9, &mut placement, &mut again);
        println!("setup: a second 3g.40gb at 4:4 returns {ret} (Insufficient Resources is 23)");
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let do_setup = std::env::args().any(|a| a == "--setup");
    // Nvml::init() opens "libnvidia-ml.so": migkit ships that link beside libnvidia-ml.so.1.
    let nvml = Nvml::init().map_err(|e| format!("Nvml::init: {e}"))?;
    let lib = unsafe { NvmlLib::new("libnvidia-ml.so") }.map_err(|e| format!("load: {e}"))?;
    println!("driver {} nvml {} cuda {}",
             nvml.sys_driver_version().map_err(|e| e.to_string())?,
             nvml.sys_nvml_version().map_err(|e| e.to_string())?,
             nvml.sys_cuda_driver_version().map_err(|e| e.to_string())?);
    let count = nvml.device_count().map_err(|e| e.to_string())?;
    println!("gpus {count}");
    if do_setup {
        let gpu1 = nvml.device_by_index(1).map_err(|e| e.to_string())?;
        setup(&lib, unsafe { gpu1.handle() })?;
    }
    for i in 0..count {
        let d = nvml.device_by_index(i).map_err(|e| e.to_string())?;
        let cc = d.cuda_compute_capability().map_err(|e| e.to_string())?;
        // nvml-wrapper 0.9 predates Hopper: architecture 9 is an "unexpected variant" to it,
        // exactly as on a real H100.
        let arch = match d.architecture() {
            Ok(a) => format!("{a:?}"),
            Err(NvmlError::UnexpectedVariant(v)) => format!("unknown-to-crate({v})"),
            Err(e) => format!("error({e})"),
        };
        let uuid = d.uuid().map_err(|e| e.to_string())?;
        println!("gpu {i}: {} | pci {} | memory {} MiB | cc {}.{} | arch {arch} | uuid {}",
                 d.name().map_err(|e| e.to_string())?,
                 d.pci_info().map_err(|e| e.to_string())?.bus_id,
                 d.memory_info().map_err(|e| e.to_string())?.total / (1024 * 1024),
                 cc.major, cc.minor,
                 if uuid.starts_with("GPU-") && uuid.len() == 40 { "ok" } else { "BAD" });
        let h = unsafe { d.handle() };
        unsafe {
            let (mut current, mut pending, mut max): (c_uint, c_uint, c_uint) = (0, 0, 0);
            check("nvmlDeviceGetMigMode", lib.nvmlDeviceGetMigMode(h, &mut current, &mut pending))?;
            check("nvmlDeviceGetMaxMigDeviceCount",
                  lib.nvmlDeviceGetMaxMigDeviceCount(h, &mut max))?;
            println!("  mig mode {current}/{pending}, max mig devices {max}");
            for m in 0..max {
                let mut mig: nvmlDevice_t = std::ptr::null_mut();
                let ret = lib.nvmlDeviceGetMigDeviceHandleByIndex(h, m, &mut mig);
                if ret == NOT_FOUND {
                    continue;
                }
                check("nvmlDeviceGetMigDeviceHandleByIndex", ret)?;
                let (mut gi, mut ci): (c_uint, c_uint) = (0, 0);
                check("nvmlDeviceGetGpuInstanceId", lib.nvmlDeviceGetGpuInstanceId(mig, &mut gi))?;
                check("nvmlDeviceGetComputeInstanceId",
                      lib.nvmlDeviceGetComputeInstanceId(mig, &mut ci))?;
                let mut name = [0 as c_char; NVML_DEVICE_NAME_V2_BUFFER_SIZE as usize];
                check("nvmlDeviceGetName",
                      lib.nvmlDeviceGetName(mig, name.as_mut_ptr(), name.len() as c_uint))?;
                let mut uuid = [0 as c_char; NVML_DEVICE_UUID_V2_BUFFER_SIZE as usize];
                check("nvmlDeviceGetUUID",
                      lib.nvmlDeviceGetUUID(mig, uuid.as_mut_ptr(), uuid.len() as c_uint))?;
                let mut by_uuid: nvmlDevice_t = std::ptr::null_mut();
                check("nvmlDeviceGetHandleByUUID",
                      lib.nvmlDeviceGetHandleByUUID(uuid.as_ptr(), &mut by_uuid))?;
                let mut parent: nvmlDevice_t = std::ptr::null_mut();
                check("nvmlDeviceGetDeviceHandleFromMigDeviceHandle",
                      lib.nvmlDeviceGetDeviceHandleFromMigDeviceHandle(mig, &mut parent))?;
                let uuid = c_string(&uuid);
                println!("  mig {m}: gi {gi} ci {ci} | {} | uuid {} | by-uuid {} | parent {}",
                         c_string(&name),
                         if is_mig_uuid(&uuid) { "ok" } else { "BAD" },
                         if by_uuid == mig { "same" } else { "DIFFERENT" },
                         if parent == h { "same" } else { "DIFFERENT" });
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("nvml-rust-client: {e}");
            ExitCode::FAILURE
        }
    }
}
