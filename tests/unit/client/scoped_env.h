// Sets (or unsets) one environment variable for a test's scope and restores it afterwards, so
// tests of $HYPERD_TOKEN / $HYPERD_TLS_* handling do not depend on the caller's environment.
#ifndef HYPERD_TESTS_UNIT_CLIENT_SCOPED_ENV_H_
#define HYPERD_TESTS_UNIT_CLIENT_SCOPED_ENV_H_

#include <cstdlib>
#include <optional>
#include <string>

namespace hyperd::testing {

class ScopedEnv {
 public:
  // `value` nullopt: the variable is unset.
  ScopedEnv(std::string name, std::optional<std::string> value) : name_(std::move(name)) {
    if (const char* old = std::getenv(name_.c_str())) old_ = old;
    Apply(value);
  }
  ~ScopedEnv() { Apply(old_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  void Apply(const std::optional<std::string>& value) {
    if (value.has_value()) {
      setenv(name_.c_str(), value->c_str(), /*overwrite=*/1);
    } else {
      unsetenv(name_.c_str());
    }
  }

  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace hyperd::testing

#endif  // HYPERD_TESTS_UNIT_CLIENT_SCOPED_ENV_H_
