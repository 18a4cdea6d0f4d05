# Generates a C++ file holding data/configs/builtin.yaml as a string, so migctl needs no data files.
# Invoked at build time: cmake -DINPUT=... -DOUTPUT=... -P embed_configs.cmake
file(READ "${INPUT}" text)
set(content "// Generated from data/configs/builtin.yaml by embed_configs.cmake. Do not edit.\n#include \"config/builtin.h\"\n\nnamespace migkit {\n\nstd::string_view BuiltinMigConfigText() {\n  static constexpr std::string_view kText = R\"migkit_yaml(${text})migkit_yaml\";\n  return kText;\n}\n\n}  // namespace migkit\n")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
  if(old STREQUAL content)
    return()
  endif()
endif()
file(WRITE "${OUTPUT}" "${content}")
