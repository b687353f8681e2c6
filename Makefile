# SPDX-License-Identifier: GPL-2.0
#
# softmap: the kernel module (kmod/), its uapi header (uapi/), the softmap
# tool and libsoftmap (userspace-tool/) and the selftests (selftests/).
#
#   make              build kmod/softmap.ko against KDIR
#   make tool         build the softmap tool and libsoftmap
#   make install      install the module (modules_install), the tool, the
#                     libraries, headers, softmap.pc, man pages and bash
#                     completion; DESTDIR and PREFIX (default /usr/local)
#                     are honoured, the module goes to
#                     $(DESTDIR)/lib/modules/KERNELRELEASE/updates/kmod/
#   make uninstall    remove what install installed
#   make dkms-install copy the module's sources to /usr/src/softmap-VERSION
#                     and dkms add, build and install it for the running
#                     kernel (make dkms-uninstall removes it)
#   make check        every test on every kernel of the matrix, in QEMU
#   make lint         checkpatch, kernel-doc, W=1 and sparse builds, man
#                     pages, shellcheck, the YNL spec
#   make demo         boot stock-6.12 and show softmap at work
#   make bench        the memory benchmark side by side with peers (BENCHMARKS.md)
#   make deps         install the Debian packages all of this needs

KDIR ?= /lib/modules/$(shell uname -r)/build
KERNELS ?= stock-6.1 stock-6.12 debug-6.12
SOFTMAP_CACHE ?= $(HOME)/.cache/softmap
export SOFTMAP_CACHE

PREFIX ?= /usr/local
MANDIR ?= $(PREFIX)/share/man
export PREFIX
VERSION := $(shell cat VERSION)
KRELEASE = $(or $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null),$(shell uname -r))
MAN_PAGES := $(wildcard Documentation/man/*.[0-9])
DKMS_SRC := $(DESTDIR)/usr/src/softmap-$(VERSION)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tool:
	$(MAKE) -C userspace-tool

install: install-module install-user

install-module: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) \
		$(if $(DESTDIR),INSTALL_MOD_PATH=$(DESTDIR) DEPMOD=true) \
		modules_install

install-user:
	$(MAKE) -C userspace-tool install
	for page in $(MAN_PAGES); do \
		sect=$${page##*.}; \
		install -d $(DESTDIR)$(MANDIR)/man$$sect && \
		install -m 0644 $$page $(DESTDIR)$(MANDIR)/man$$sect/ || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(KRELEASE)/updates/kmod/softmap.ko*
	$(if $(DESTDIR),,depmod -a $(KRELEASE))
	$(MAKE) -C userspace-tool uninstall
	for page in $(MAN_PAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}; \
	done

# The module's sources, as DKMS builds them, with dkms.conf's version.
dkms-src:
	rm -rf $(DKMS_SRC)
	install -d $(DKMS_SRC)
	cp -a kmod uapi Kbuild VERSION $(DKMS_SRC)/
	sed 's/@VERSION@/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

dkms-install: dkms-src
	dkms add -m softmap -v $(VERSION)
	dkms build -m softmap -v $(VERSION)
	dkms install -m softmap -v $(VERSION)

dkms-uninstall:
	dkms remove -m softmap -v $(VERSION) --all
	rm -rf $(DKMS_SRC)

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

.PHONY: all modules tool install install-module install-user uninstall \
	dkms-src dkms-install dkms-uninstall deps check lint demo bench clean
