#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# pack-python.sh STAGE - add what the kernel's ynl CLI needs to run in the
# test guest to the initramfs staging directory STAGE:
#
#   softmap/bin/python3             Debian's /usr/bin/python3.11
#   softmap/lib/python3.11/         its standard library, less what a
#                                   netlink CLI never imports (below)
#   softmap/lib/python3/dist-packages/{yaml,_yaml}   PyYAML
#   softmap/ynl/{cli.py,lib/}       tools/net/ynl of the kernel source
#   softmap/ynl/softmap.yaml        Documentation/netlink/specs/softmap.yaml
#
# Python finds its prefix, /softmap, from where bin/python3 lies (the
# landmark lib/python3.11/os.py), and Debian's site.py adds
# lib/python3/dist-packages.  Extension modules are installed executable,
# so that run.sh, which copies the shared libraries of every executable
# ELF file under STAGE/softmap, copies theirs too.
#
# Left out: tests, IDLE, tkinter, ensurepip, lib2to3, pydoc_data,
# distutils, the config-* build directory and __pycache__ (Python
# compiles into the guest's RAM as it imports), and the extension modules
# of TLS, hashing by OpenSSL (hashlib falls back to its built-in
# algorithms), databases, terminals and readline, which would bring
# several MiB of libraries.  Prints the size added.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
stage=${1:?usage: pack-python.sh STAGE}
python=/usr/bin/python3.11
stdlib=/usr/lib/python3.11
dist=/usr/lib/python3/dist-packages

eval "$("$top/scripts/vm/kernel.sh" source)"
ynl=$SRC/tools/net/ynl

for f in "$python" "$stdlib/os.py" "$dist/yaml/__init__.py" "$ynl/cli.py"; do
	[ -e "$f" ] || { echo "pack-python.sh: no $f" >&2; exit 1; }
done

dst=$stage/softmap
mkdir -p "$dst/bin" "$dst/lib/python3/dist-packages" "$dst/ynl"
install -m 0755 "$python" "$dst/bin/python3"

rsync -a --copy-links --prune-empty-dirs \
	--exclude=__pycache__ \
	--exclude='/test/' --exclude='/idlelib/' --exclude='/tkinter/' \
	--exclude='/turtledemo/' --exclude='/ensurepip/' --exclude='/lib2to3/' \
	--exclude='/pydoc_data/' --exclude='/distutils/' --exclude='/config-*/' \
	--exclude=sitecustomize.py \
	--exclude='/lib-dynload/_test*' --exclude='/lib-dynload/_xxtestfuzz*' \
	--exclude='/lib-dynload/xxlimited*' --exclude='/lib-dynload/_ctypes_test*' \
	--exclude='/lib-dynload/_ssl.*' --exclude='/lib-dynload/_hashlib.*' \
	--exclude='/lib-dynload/_sqlite3.*' --exclude='/lib-dynload/_dbm.*' \
	--exclude='/lib-dynload/nis.*' --exclude='/lib-dynload/_curses*' \
	--exclude='/lib-dynload/readline.*' --exclude='/lib-dynload/_crypt.*' \
	"$stdlib/" "$dst/lib/python3.11/"
for d in yaml _yaml; do
	[ -d "$dist/$d" ] || continue
	rsync -a --exclude=__pycache__ "$dist/$d" "$dst/lib/python3/dist-packages/"
done
find "$dst/lib" -name '*.so' -exec chmod 0755 {} +

rsync -a --exclude=__pycache__ "$ynl/cli.py" "$ynl/lib" "$dst/ynl/"
rm -f "$dst/ynl/lib/"*.[ch] "$dst/ynl/lib/Makefile"
install -m 0644 "$top/Documentation/netlink/specs/softmap.yaml" "$dst/ynl/"

echo "pack-python.sh: $(du -sh --apparent-size "$dst/bin/python3" "$dst/lib" "$dst/ynl" |
	awk '{ printf "%s%s %s", sep, $1, $2; sep = ", " }')" >&2
