// GoogleTest assertions for Status and StatusOr (LevelDB's ASSERT_LEVELDB_OK, for migkit).
//
//   ASSERT_OK(SetMigMode(model, &state, true, &activation));
//   ASSERT_OK_AND_ASSIGN(GpuInstance gi, CreateGpuInstance(model, &state, 9, std::nullopt));
//   EXPECT_CODE(DestroyGpuInstance(&state, 42), Code::kNotFound);
//
// Each accepts a Status or a StatusOr<T>; a failure prints the Status's ToString().
#ifndef MIGKIT_TESTING_STATUS_MATCHERS_H_
#define MIGKIT_TESTING_STATUS_MATCHERS_H_

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "core/status.h"

namespace migkit {

/// Lets gtest print a Status in failure messages.
inline void PrintTo(const Status& s, std::ostream* os) { *os << s.ToString(); }
inline void PrintTo(Code c, std::ostream* os) {
  *os << "Code(" << static_cast<int>(c) << ", \"" << CodeText(c) << "\")";
}

namespace testing_internal {

inline const Status& GetStatus(const Status& s) { return s; }
template <typename T>
Status GetStatus(const StatusOr<T>& s) {
  return s.status();
}

inline ::testing::AssertionResult IsOk(const char* expr, const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " returned " << s.ToString();
}

inline ::testing::AssertionResult HasCode(const char* expr, const char* /*code_expr*/,
                                          const Status& s, Code code) {
  if (s.code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << expr << " returned " << s.ToString() << "; expected code "
                                       << static_cast<int>(code) << " (" << CodeText(code) << ")";
}

}  // namespace testing_internal
}  // namespace migkit

#define MIGKIT_TESTING_CONCAT_INNER_(a, b) a##b
#define MIGKIT_TESTING_CONCAT_(a, b) MIGKIT_TESTING_CONCAT_INNER_(a, b)

/// Non-fatal / fatal: `expr` (a Status or StatusOr) is OK.
#define EXPECT_OK(expr) \
  EXPECT_PRED_FORMAT1(::migkit::testing_internal::IsOk, ::migkit::testing_internal::GetStatus(expr))
#define ASSERT_OK(expr) \
  ASSERT_PRED_FORMAT1(::migkit::testing_internal::IsOk, ::migkit::testing_internal::GetStatus(expr))

/// Non-fatal / fatal: `expr` (a Status or StatusOr) failed with `code`.
#define EXPECT_CODE(expr, code)                            \
  EXPECT_PRED_FORMAT2(::migkit::testing_internal::HasCode, \
                      ::migkit::testing_internal::GetStatus(expr), code)
#define ASSERT_CODE(expr, code)                            \
  ASSERT_PRED_FORMAT2(::migkit::testing_internal::HasCode, \
                      ::migkit::testing_internal::GetStatus(expr), code)

/// Evaluates `expr` (a StatusOr<T>), asserts it is OK, and moves its value into `lhs`, which may be
/// a declaration ("GpuInstance gi"). Usable once per line.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  MIGKIT_TESTING_ASSIGN_(MIGKIT_TESTING_CONCAT_(migkit_statusor_, __LINE__), lhs, expr)
#define MIGKIT_TESTING_ASSIGN_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  ASSERT_OK(tmp);                              \
  lhs = std::move(tmp).value()

#endif  // MIGKIT_TESTING_STATUS_MATCHERS_H_
