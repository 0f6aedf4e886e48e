// ptoattn simulator: kernel-exit drain of the last store (FIX -> S on AIC, MTE3 -> S on AIV).
// The core kind comes from __DAV_CUBE__ / __DAV_VEC__, which the harness defines per kernel
// directory (aic / aiv) exactly as the real toolchain does.
#pragma once

#ifndef __aicore__
#define __aicore__
#endif

static inline void pipe_sync() {
#if defined(__DAV_VEC__)
  set_flag(PIPE_MTE3, PIPE_S, EVENT_ID7);
  wait_flag(PIPE_MTE3, PIPE_S, EVENT_ID7);
#elif defined(__DAV_CUBE__)
  set_flag(PIPE_FIX, PIPE_S, EVENT_ID7);
  wait_flag(PIPE_FIX, PIPE_S, EVENT_ID7);
#else
#error "pipe_sync.h needs __DAV_VEC__ (AIV kernel) or __DAV_CUBE__ (AIC kernel)"
#endif
}
