/* SPDX-License-Identifier: GPL-2.0 */
/*
 * smuser: run part of a selftest as an unprivileged user.
 *
 * The function runs in a forked child that has dropped to the given uid
 * and gid (and no supplementary groups), so it holds no capability.  It
 * must not use the harness' ASSERT/EXPECT (they would unwind into the
 * harness from the wrong process): it reports through its return value
 * (0..255) and through memory from sm_shared_alloc().
 */
#ifndef SOFTMAP_SELFTEST_SMUSER_H
#define SOFTMAP_SELFTEST_SMUSER_H

#include <stddef.h>
#include <sys/types.h>

#define SM_UID_ALICE	1001
#define SM_UID_BOB	1002

/* Exit status of a child that could not fork or switch user. */
#define SM_RUN_FAILED	255

int sm_run_as(uid_t uid, int (*fn)(void *arg), void *arg);
void *sm_shared_alloc(size_t size);
void sm_shared_free(void *p, size_t size);

#endif /* SOFTMAP_SELFTEST_SMUSER_H */
