// ptoattn simulator runtime: the run report as JSON (parsed by the Python harness).
#include <sstream>

#include "runtime.h"

namespace ptosim {

namespace {
std::string jstr(const std::string &s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
    case '"':
      o += "\\\"";
      break;
    case '\\':
      o += "\\\\";
      break;
    case '\n':
      o += "\\n";
      break;
    case '\t':
      o += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char b[8];
        std::snprintf(b, sizeof(b), "\\u%04x", c);
        o += b;
      } else {
        o += c;
      }
    }
  }
  return o + "\"";
}
} // namespace

std::string Runtime::report_json() const {
  std::lock_guard<std::mutex> lk(findings_mu_);
  std::ostringstream os;
  os << "{\"ok\": " << ((fatal_ || kernel_failed_) ? "false" : "true");
  os << ", \"fatal\": " << (fatal_ ? jstr(fatal_msg_) : std::string("null"));
  os << ", \"tasks_submitted\": " << records_.size() << ", \"tasks_executed\": " << tasks_executed_
     << ", \"invocations\": " << invocations_;
  os << ", \"run_seconds\": " << run_seconds_ << ", \"analysis_seconds\": " << analysis_seconds_;
  os << ", \"gm_bytes_read\": " << gm_read_ << ", \"gm_bytes_written\": " << gm_written_;
  os << ", \"sync\": {\"set_flag\": " << sync_set_ << ", \"wait_flag\": " << sync_wait_
     << ", \"pipe_barrier\": " << sync_barrier_ << "}";
  os << ", \"kernels\": {";
  bool first = true;
  for (const auto &kv : kernels_) {
    os << (first ? "" : ", ") << jstr(kv.second.name) << ": {\"func_id\": " << kv.first
       << ", \"core\": " << jstr(kv.second.core ? "aiv" : "aic")
       << ", \"invocations\": " << kv.second.invocations << ", \"seconds\": " << kv.second.seconds
       << "}";
    first = false;
  }
  os << "}, \"model\": " << model_.summary_json();
  os << ", \"rings\": [";
  for (int r = 0; r < kMaxRings; r++) {
    const Ring &R = rings_[r];
    os << (r ? ", " : "") << "{\"ring\": " << r << ", \"task_window\": " << R.window
       << ", \"task_high_water\": " << R.hw_tasks << ", \"heap_size\": " << R.heap_size
       << ", \"heap_high_water\": " << R.hw_heap << ", \"heap_wraps\": " << R.wraps
       << ", \"dep_pool\": " << R.dep_cap << ", \"dep_high_water\": " << R.hw_dep
       << ", \"blocked_waits\": " << R.blocked_waits << ", \"tasks\": " << R.next_local << "}";
  }
  os << "], \"tensormap\": {\"pool\": " << cfg_.tensormap_pool << ", \"high_water\": " << hw_tmap_
     << "}";
  os << ", \"checks\": [";
  first = true;
  auto chk = [&](bool on, const char *name) {
    if (!on)
      return;
    os << (first ? "" : ", ") << jstr(name);
    first = false;
  };
  chk(true, "deadlock");
  chk(cfg_.check_gm, "out_of_bounds");
  chk(cfg_.check_gm, "write_to_input");
  chk(cfg_.check_gm, "read_outside_view");
  chk(cfg_.check_lines, "shared_line");
  chk(cfg_.check_races, "race_raw");
  chk(cfg_.check_races, "race_waw");
  chk(cfg_.check_races, "race_war");
  chk(cfg_.check_sync, "sync");
  chk(cfg_.check_sync, "store_drain");
  chk(true, "tassign");
  chk(true, "shape");
  os << "], \"finding_counts\": {";
  first = true;
  for (const auto &kv : finding_counts_) {
    os << (first ? "" : ", ") << jstr(kv.first) << ": " << kv.second;
    first = false;
  }
  os << "}, \"findings\": [";
  first = true;
  static const char *const sev[] = {"warning", "error", "fatal"};
  for (const Finding &f : findings_) {
    os << (first ? "" : ", ") << "{\"severity\": " << jstr(sev[f.severity])
       << ", \"check\": " << jstr(f.check) << ", \"task\": " << f.task
       << ", \"kernel\": " << jstr(f.kernel) << ", \"block\": " << f.block
       << ", \"lane\": " << f.lane << ", \"message\": " << jstr(f.message) << "}";
    first = false;
  }
  os << "]}";
  return os.str();
}

} // namespace ptosim
