// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <linux/softmap.h>

static int __init softmap_init(void)
{
	pr_info("softmap %s\n", SOFTMAP_VERSION);
	return 0;
}

static void __exit softmap_exit(void)
{
}

module_init(softmap_init);
module_exit(softmap_exit);
MODULE_LICENSE("GPL");
MODULE_VERSION(SOFTMAP_VERSION);
