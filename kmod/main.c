// SPDX-License-Identifier: GPL-2.0
/*
 * softmap: per-user keyed objects in the kernel whose memory comes back.
 *
 * Module init builds the store from the bottom up: counters, slab caches,
 * owner records, LRU and shrinker, table, sysfs, and last the netlink
 * family, through which requests arrive; then the shrinker goes live.
 * Exit undoes it in reverse, except that the shrinker is stopped first so
 * that no reclaim runs against a store being torn down.
 * Documentation/softmap.rst describes the design.
 */
#include <linux/init.h>
#include <linux/module.h>
#include "softmap.h"

static int __init softmap_init(void)
{
	int err;

	err = softmap_stats_init();
	if (err)
		return err;
	err = softmap_obj_init();
	if (err)
		goto err_stats;
	err = softmap_user_init();
	if (err)
		goto err_obj;
	err = softmap_reclaim_init();
	if (err)
		goto err_user;
	err = softmap_store_init();
	if (err)
		goto err_reclaim;
	err = softmap_sysfs_init();
	if (err)
		goto err_store;
	err = softmap_nl_init();
	if (err)
		goto err_sysfs;
	softmap_reclaim_start();
	pr_info("softmap %s loaded\n", SOFTMAP_VERSION);
	return 0;

err_sysfs:
	softmap_sysfs_exit();
err_store:
	softmap_store_exit();
err_reclaim:
	softmap_reclaim_exit();
err_user:
	softmap_user_exit();
err_obj:
	softmap_obj_exit();
err_stats:
	softmap_stats_exit();
	return err;
}

static void __exit softmap_exit(void)
{
	softmap_reclaim_stop();
	softmap_nl_exit();
	softmap_sysfs_exit();
	softmap_store_exit();
	softmap_reclaim_exit();
	softmap_user_exit();
	softmap_obj_exit();
	softmap_stats_exit();
	pr_info("softmap unloaded\n");
}

module_init(softmap_init);
module_exit(softmap_exit);
MODULE_DESCRIPTION("softmap: per-user keyed objects in an RCU hash table on slab caches, over generic netlink");
MODULE_LICENSE("GPL");
MODULE_VERSION(SOFTMAP_VERSION);
