#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel.sh NAME - make kernel NAME of the test matrix ready in the cache
# and print where it is, as shell assignments:
#
#   KVER=<release>  KIMAGE=<bzImage to boot>  KDIR=<tree to build modules>
#
# NAME is one of (or "source": unpack the 6.12 source, print SRC=<dir>):
#   stock-6.12  Debian's linux-image-6.12-cloud-amd64 and its headers
#   stock-6.1   Debian's linux-image-cloud-amd64 (6.1) and its headers
#   debug-6.12  built from Debian's linux-source-6.12 with tinyconfig plus
#               scripts/vm/debug.config
#
# Packages are fetched (apt-get download, dpkg -x) into the cache, never
# installed.  The cache lives in $SOFTMAP_CACHE (default ~/.cache/softmap);
# entries are keyed by package version (and, for debug-6.12, by the config
# fragment and compiler), so a second run finds them and returns at once.
# Runs of the same NAME wait for each other (flock), so guests can be
# prepared in parallel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SOFTMAP_CACHE:-$HOME/.cache/softmap}
name=${1:?usage: kernel.sh stock-6.12|stock-6.1|debug-6.12}

log() { echo "kernel.sh: $*" >&2; }

# The concrete package a Debian meta package depends on, e.g.
# linux-image-6.12-cloud-amd64 -> linux-image-6.12.117+deb12-cloud-amd64.
concrete() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n "s/^ *Depends: \($2[^ ]*\)\$/\1/p" | head -1
}

# fetch DIR PKG...: download Debian packages and unpack them into DIR.
# Nothing is installed: the host's /boot, /lib/modules and package
# database stay as they are.
fetch() {
	local dir=$1 tmp deb
	shift
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get -o APT::Sandbox::User=root download -q "$@" >&2)
	for deb in "$tmp"/*.deb; do
		dpkg -x "$deb" "$dir"
	done
	rm -rf "$tmp"
}

stock() {
	local meta=$1 pkg ver dir hdr deps
	pkg=$(concrete "$meta" 'linux-image-[0-9]')
	[ -n "$pkg" ] || { log "cannot resolve $meta (apt-get update?)"; exit 1; }
	ver=${pkg#linux-image-}
	ver=${ver%-unsigned}
	dir=$cache/$name/$ver
	hdr=$dir/root/usr/src/linux-headers-$ver
	if [ ! -e "$dir/.done" ]; then
		log "fetching $pkg and linux-headers-$ver"
		rm -rf "$dir" && mkdir -p "$dir/root"
		# The headers and what they include: the -common tree and
		# the kbuild scripts, reached through relative symlinks.
		mapfile -t deps < <(apt-cache depends "linux-headers-$ver" |
			sed -n 's/^ *Depends: \(linux-\(headers\|kbuild\)-[^ ]*\)$/\1/p')
		fetch "$dir/root" "$pkg" "linux-headers-$ver" "${deps[@]}"
		# The one absolute path: the Makefile's include of -common.
		sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
			"$hdr/Makefile"
		touch "$dir/.done"
	fi
	echo "KVER=$ver"
	echo "KIMAGE=$dir/root/boot/vmlinuz-$ver"
	echo "KDIR=$hdr"
}

# Every CONFIG_X=y of the fragment must be =y in .config, every
# "# CONFIG_X is not set" must not be =y: Kconfig silently drops options
# whose dependencies are missing (KASAN with SLUB_TINY, for example).
check_config() {
	local frag=$1 cfg=$2 bad=0 opt
	while read -r opt; do
		grep -qx "$opt" "$cfg" || { log "not in .config: $opt"; bad=1; }
	done < <(grep -E '^CONFIG_[A-Z0-9_]+=y$' "$frag")
	while read -r opt; do
		! grep -qx "$opt=y" "$cfg" || { log "unwanted in .config: $opt"; bad=1; }
	done < <(sed -n 's/^# \(CONFIG_[A-Z0-9_]*\) is not set$/\1/p' "$frag")
	return $bad
}

# Debian's linux-source-6.12, fetched and unpacked once: the debug kernel
# is built from it, and selftests, checkpatch and kernel-doc come from it.
source_tree() {
	local deb
	pkgver=$(apt-cache policy linux-source-6.12 |
		sed -n 's/^ *Candidate: //p')
	if [ -z "$pkgver" ] || [ "$pkgver" = "(none)" ]; then
		log "cannot resolve linux-source-6.12 (apt-get update?)"
		exit 1
	fi
	src=$cache/src/linux-source-$pkgver
	if [ ! -e "$src/.done" ]; then
		log "fetching and unpacking linux-source-6.12 $pkgver"
		rm -rf "$src" "$src.deb" && mkdir -p "$src.deb"
		fetch "$src.deb" "linux-source-6.12=$pkgver"
		mkdir -p "$src"
		tar -xJf "$src.deb"/usr/src/linux-source-6.12.tar.xz -C "$src" \
			--strip-components=1
		rm -rf "$src.deb"
		touch "$src/.done"
	fi
}

debug() {
	local frag=$here/debug.config pkgver src key out
	source_tree
	key=$({ echo "$pkgver"; cat "$frag"; gcc --version | head -1; } |
		sha256sum | cut -c1-12)
	out=$cache/$name/$key
	if [ ! -e "$out/.done" ]; then
		log "building debug kernel into $out (a few minutes)"
		rm -rf "$out" && mkdir -p "$out"
		make -s -C "$src" O="$out" tinyconfig >&2
		"$src/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$frag" >/dev/null
		make -s -C "$src" O="$out" olddefconfig >&2
		check_config "$frag" "$out/.config"
		make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
		touch "$out/.done"
	fi
	echo "KVER=$(cat "$out/include/config/kernel.release")"
	echo "KIMAGE=$out/arch/x86/boot/bzImage"
	echo "KDIR=$out"
}

mkdir -p "$cache"
exec 9>"$cache/.lock-$name"
flock 9
case $name in
stock-6.12) stock linux-image-6.12-cloud-amd64 ;;
stock-6.1)  stock linux-image-cloud-amd64 ;;
debug-6.12) debug ;;
source)     source_tree; echo "SRC=$src" ;;
*) log "unknown kernel '$name'"; exit 2 ;;
esac
