# SPDX-License-Identifier: GPL-2.0
#
# softmap: the kernel module (kmod/), its uapi header (uapi/), the softmap
# tool and libsoftmap (userspace-tool/) and the selftests (selftests/).
#
#   make              build kmod/softmap.ko against KDIR
#   make tool         build the softmap tool and libsoftmap
#   make install      install the module (modules_install) and the tool
#   make check        every test on every kernel of the matrix, in QEMU
#   make lint         checkpatch, kernel-doc, W=1 and sparse builds
#   make demo         boot stock-6.12 and show softmap at work
#   make bench        the memory benchmark side by side with peers (BENCHMARKS.md)
#   make deps         install the Debian packages all of this needs

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= stock-6.1 stock-6.12 debug-6.12
SOFTMAP_CACHE ?= $(HOME)/.cache/softmap
export SOFTMAP_CACHE

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C userspace-tool

install: modules tool
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	$(MAKE) -C userspace-tool install

deps:
	scripts/deps.sh

check:
	scripts/check.sh $(KERNELS)

lint: deps
	scripts/lint.sh $(KERNELS)

demo: deps
	scripts/demo.sh

bench:
	scripts/deps.sh --bench
	bench/run.sh

clean:
	if [ -d $(KDIR) ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace-tool clean
	$(MAKE) -C selftests clean
	rm -rf build

.PHONY: all modules tool install deps check lint demo bench clean
