// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: creates the tracepoints declared in trace.h.  Kbuild adds this
 * directory to the include path of this file, where define_trace.h looks
 * for trace.h (TRACE_INCLUDE_PATH is ".").
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
