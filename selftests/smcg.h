/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smcg: child memory cgroups (cgroup v2) for softmap's selftests.
 *
 * A cgroup is named relative to the cgroup v2 root (SM_CG_ROOT).  The
 * memory controller is enabled in the root's cgroup.subtree_control, so
 * that every child gets memory.* files.  A process enters a cgroup by
 * writing its pid to cgroup.procs, which needs root; sm_cg_run_as() does
 * that in a child before dropping to an unprivileged user.
 *
 * Functions return 0 on success and a negative errno on failure; nothing
 * here exits or asserts.
 */
#ifndef SOFTMAP_SELFTEST_SMCG_H
#define SOFTMAP_SELFTEST_SMCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SM_CG_ROOT	"/sys/fs/cgroup"

int sm_cg_memory_controller(char *why, size_t len);
int sm_cg_create(const char *cg);
int sm_cg_remove(const char *cg);
int sm_cg_write(const char *cg, const char *file, const char *val);
int sm_cg_read_u64(const char *cg, const char *file, uint64_t *v);
int sm_cg_key_u64(const char *cg, const char *file, const char *key,
		  uint64_t *v);
int sm_cg_enter(const char *cg);
int sm_cg_run_as(const char *cg, uid_t uid, int (*fn)(void *arg), void *arg);

#endif /* SOFTMAP_SELFTEST_SMCG_H */
