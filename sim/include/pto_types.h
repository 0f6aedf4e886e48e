// ptoattn simulator: task arguments (CoreTaskArgs / ChipTaskArgs) and submit results.
// Argument rules follow simpler: tensors before scalars, lvalues only (pointers are kept
// until submit), add_output(TensorCreateInfo) asks the runtime to allocate the tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "data_type.h"
#include "pto_submit_types.h"
#include "pto_task_id.h"
#include "tensor.h"
#include "tensor_create_info.h"

inline constexpr int CORE_MAX_TENSOR_ARGS = 32;
inline constexpr int CORE_MAX_SCALAR_ARGS = 16;
inline constexpr int CHIP_MAX_TENSOR_ARGS = 256;
inline constexpr int CHIP_MAX_SCALAR_ARGS = 128;
#define MAX_TENSOR_ARGS CORE_MAX_TENSOR_ARGS
#define MAX_SCALAR_ARGS CORE_MAX_SCALAR_ARGS

enum class PTO2ScopeMode : uint8_t { AUTO = 0, MANUAL = 1 };

class TensorRef {
public:
  TensorRef() : ptr_(nullptr) {}
  TensorRef(const TensorRef &) = delete;
  TensorRef &operator=(const TensorRef &) = delete;
  TensorRef &operator=(const ChipTensor *p) {
    ptr_ = p;
    return *this;
  }
  TensorRef &operator=(const TensorCreateInfo *ci) {
    ci_ = ci;
    return *this;
  }
  const ChipTensor &ref() const { return *ptr_; }
  const TensorCreateInfo &create_info() const { return *ci_; }

private:
  union {
    const ChipTensor *ptr_;
    const TensorCreateInfo *ci_;
  };
};

class TaskOutputTensors {
public:
  bool empty() const { return count_ == 0; }
  uint32_t size() const { return count_; }
  const ChipTensor &get_ref(uint32_t i) const & { return i < count_ ? *tensors_[i] : dummy(); }
  const ChipTensor &get_ref(uint32_t i) const && = delete;
  void materialize_output(const ChipTensor &t) {
    if (count_ < MAX_TENSOR_ARGS)
      tensors_[count_++] = &t;
  }
  void set_task_id(PTO2TaskId id) { task_id_ = id; }
  PTO2TaskId task_id() const { return task_id_; }

private:
  // After a fatal error submits return nothing; get_ref must still not crash the orchestration.
  static const ChipTensor &dummy() {
    static ChipTensor t{};
    return t;
  }
  PTO2TaskId task_id_{PTO2TaskId::invalid()};
  uint32_t count_{0};
  const ChipTensor *tensors_[MAX_TENSOR_ARGS] = {};
};

template <size_t MaxT, size_t MaxS> struct Arg {
  Arg() = default;
  Arg(const Arg &) = delete;
  Arg &operator=(const Arg &) = delete;

  bool has_error{false};
  const char *error_msg{nullptr};
  PTO2LaunchSpec launch_spec;

  const TensorRef &tensor(int32_t i) const { return tensors_[i]; }
  TensorArgType tag(int32_t i) const { return tags_[i]; }
  const TensorArgType *tag_data() const { return tags_; }
  const TensorRef *tensor_data() const { return tensors_; }
  uint64_t scalar(int32_t i) const { return scalars_[i]; }
  const uint64_t *scalar_data() const { return scalars_; }
  int32_t tensor_count() const { return tensor_count_; }
  int32_t scalar_count() const { return scalar_count_; }

  void set_error(const char *m) {
    if (!has_error) {
      has_error = true;
      error_msg = m;
    }
  }
  void clear() {
    tensor_count_ = scalar_count_ = 0;
    explicit_dep_count_ = 0;
    explicit_deps_ = nullptr;
  }
  void reset() {
    clear();
    has_error = false;
    error_msg = nullptr;
  }

  template <typename... A> void add_input(A &&...a) {
    static_assert((std::is_lvalue_reference_v<A> && ...), "add_input: temporaries would dangle");
    add_tensors<false>(TensorArgType::INPUT, a...);
  }
  template <typename... A> void add_inout(A &&...a) {
    static_assert((std::is_lvalue_reference_v<A> && ...), "add_inout: temporaries would dangle");
    add_tensors<false>(TensorArgType::INOUT, a...);
  }
  template <typename... A> void add_no_dep(A &&...a) {
    static_assert((std::is_lvalue_reference_v<A> && ...), "add_no_dep: temporaries would dangle");
    add_tensors<false>(TensorArgType::NO_DEP, a...);
  }
  template <typename... A> void add_output(A &&...a) {
    static_assert((std::is_lvalue_reference_v<A> && ...), "add_output: temporaries would dangle");
    if constexpr ((std::is_same_v<std::decay_t<A>, TensorCreateInfo> && ...))
      add_tensors<true>(TensorArgType::OUTPUT, a...);
    else
      add_tensors<true>(TensorArgType::OUTPUT_EXISTING, a...);
  }

  template <typename... A> void add_scalar(A &&...a) {
    static_assert(sizeof...(A) >= 1, "add_scalar: at least one value");
    static_assert((is_supported_scalar_arg_v<A> && ...),
                  "add_scalar: arithmetic or enum values only");
    if (scalar_count_ + sizeof...(A) > MaxS) {
      set_error("too many scalar args");
      return;
    }
    ((scalars_[scalar_count_++] = to_u64(a)), ...);
  }
  void add_scalars(const uint64_t *v, int n) {
    if (n < 0 || scalar_count_ + n > static_cast<int32_t>(MaxS)) {
      set_error("too many scalar args");
      return;
    }
    for (int i = 0; i < n; i++)
      scalars_[scalar_count_++] = v[i];
  }

  void set_dependencies(const PTO2TaskId *deps, uint32_t n) {
    explicit_deps_ = deps;
    explicit_dep_count_ = n;
  }
  uint32_t explicit_dep_count() const { return explicit_dep_count_; }
  PTO2TaskId explicit_dep(uint32_t i) const { return explicit_deps_[i]; }

private:
  template <bool is_output, typename... A> void add_tensors(TensorArgType tag, A &...a) {
    static_assert(sizeof...(A) >= 1, "at least one tensor");
    if constexpr (is_output) {
      static_assert((std::is_same_v<std::decay_t<A>, ChipTensor> && ...) ||
                        (std::is_same_v<std::decay_t<A>, TensorCreateInfo> && ...),
                    "add_output: all ChipTensor or all TensorCreateInfo");
    } else {
      static_assert((std::is_same_v<std::decay_t<A>, ChipTensor> && ...),
                    "tensor args must be ChipTensor");
    }
    if (scalar_count_ != 0) {
      set_error("tensors must be added before any scalars");
      return;
    }
    if (tensor_count_ + static_cast<int32_t>(sizeof...(A)) > static_cast<int32_t>(MaxT)) {
      set_error("too many tensor args");
      return;
    }
    ((tensors_[tensor_count_] = &a, tags_[tensor_count_] = tag, tensor_count_++), ...);
  }

  TensorRef tensors_[MaxT];
  TensorArgType tags_[MaxT]{};
  uint64_t scalars_[MaxS]{};
  int32_t tensor_count_{0};
  int32_t scalar_count_{0};
  const PTO2TaskId *explicit_deps_{nullptr};
  uint32_t explicit_dep_count_{0};
};

using CoreTaskArgs = Arg<CORE_MAX_TENSOR_ARGS, CORE_MAX_SCALAR_ARGS>;
struct ChipTaskArgs : Arg<CHIP_MAX_TENSOR_ARGS, CHIP_MAX_SCALAR_ARGS> {};
