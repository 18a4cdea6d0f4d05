// NVML's numeric constants that the MIG model itself depends on (mig-facts.md §5, §6.1).
//
// These are plain numbers, not NVML types: the core never includes nvml.h. The NVML layer has its
// own header with the full ABI.
#ifndef MIGKIT_CORE_NVML_CONSTANTS_H_
#define MIGKIT_CORE_NVML_CONSTANTS_H_

namespace migkit {

// NVML_GPU_INSTANCE_PROFILE_* (profile *indices*, not profile IDs).
inline constexpr int kGiProfile1Slice = 0x0;
inline constexpr int kGiProfile2Slice = 0x1;
inline constexpr int kGiProfile3Slice = 0x2;
inline constexpr int kGiProfile4Slice = 0x3;
inline constexpr int kGiProfile7Slice = 0x4;
inline constexpr int kGiProfile8Slice = 0x5;
inline constexpr int kGiProfile6Slice = 0x6;
inline constexpr int kGiProfile1SliceRev1 = 0x7;
inline constexpr int kGiProfile2SliceRev1 = 0x8;
inline constexpr int kGiProfile1SliceRev2 = 0x9;
inline constexpr int kGiProfile1SliceGfx = 0xA;
inline constexpr int kGiProfile2SliceGfx = 0xB;
inline constexpr int kGiProfile4SliceGfx = 0xC;
inline constexpr int kGiProfile1SliceNoMe = 0xD;
inline constexpr int kGiProfile2SliceNoMe = 0xE;
inline constexpr int kGiProfile1SliceAllMe = 0xF;
inline constexpr int kGiProfile2SliceAllMe = 0x10;
inline constexpr int kGiProfile3SliceGfx = 0x11;
inline constexpr int kGiProfileCount = 0x12;

// NVML_COMPUTE_INSTANCE_PROFILE_* (the value is the CI profile ID).
inline constexpr int kCiProfile1Slice = 0x0;
inline constexpr int kCiProfile2Slice = 0x1;
inline constexpr int kCiProfile3Slice = 0x2;
inline constexpr int kCiProfile4Slice = 0x3;
inline constexpr int kCiProfile7Slice = 0x4;
inline constexpr int kCiProfile8Slice = 0x5;
inline constexpr int kCiProfile6Slice = 0x6;
inline constexpr int kCiProfile1SliceRev1 = 0x7;
inline constexpr int kCiProfile7SliceNvl = 0x8;
inline constexpr int kCiProfileCount = 0x9;

}  // namespace migkit

#endif  // MIGKIT_CORE_NVML_CONSTANTS_H_
