#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-example.sh - install libsoftmap into build/prefix (make
# install-user PREFIX=...) and build the example program against it
# through pkg-config, as a user's program is built:
#   build/example/softmap-hello         shared, with an rpath to the prefix
#   build/example/softmap-hello-static  libsoftmap.a linked in
# The guests run the shared one (selftests/softmap_example.sh).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prefix=$top/build/prefix
ex=$top/build/example
cd "$top"
rm -rf "$prefix" "$ex" && mkdir -p "$ex"
make -s install-user PREFIX="$prefix"
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
make -s -C userspace-tool/examples -B softmap-hello \
	LDFLAGS="-Wl,-rpath,$prefix/lib"
mv userspace-tool/examples/softmap-hello "$ex/softmap-hello"
make -s -C userspace-tool/examples -B softmap-hello STATIC=1
mv userspace-tool/examples/softmap-hello "$ex/softmap-hello-static"
