#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# install-check.sh - softmap installed as a package would be, as TAP:
#   - "make install DESTDIR=... PREFIX=/usr" against Debian's 6.12 headers
#     lays out the module, the tool, libsoftmap.so.1 (its soname, exactly
#     the symbols of libsoftmap.map) and libsoftmap.a, both headers,
#     softmap.pc, the man pages and the bash completion, and
#     "make uninstall" with the same variables removes every file;
#   - the example program (userspace-tool/examples) builds against an
#     installed libsoftmap through pkg-config, shared and static
#     (scripts/build-example.sh; the guests run it:
#     selftests/softmap_example.sh);
#   - "dkms build" of the tree's dkms.conf succeeds against Debian's 6.1
#     and 6.12 headers, in a DKMS tree under build/, and the module it
#     builds carries the tree's version and the kernel's vermagic.
# Nothing outside build/ is written.  The last line is
# "# counts PASSED FAILED SKIPPED".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/install
version=$(cat "$top/VERSION")
TAP_WHAT=install
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

rm -rf "$out" && mkdir -p "$out"
cd "$top" || exit 1
# The userspace tree is built here: not at the same time as a guest's
# preparation (scripts/vm/run.sh takes the same lock).
exec 8>"$top/build/.userspace.lock"
flock 8
eval "$(scripts/vm/kernel.sh stock-6.12)" || exit 1
kdir612=$KDIR kver612=$KVER

# 1. make install into a DESTDIR, then make uninstall.
dest=$out/destdir
log=$out/layout.log
vars=(DESTDIR="$dest" PREFIX=/usr KDIR="$kdir612")
make -s install "${vars[@]}" >"$out/make-install.log" 2>&1 ||
	echo "make install failed (build/install/make-install.log)" >"$log"
expect=(
	"lib/modules/$kver612/updates/kmod/softmap.ko*"
	usr/bin/softmap
	usr/lib/libsoftmap.so.1 usr/lib/libsoftmap.so usr/lib/libsoftmap.a
	usr/include/libsoftmap.h usr/include/linux/softmap.h
	usr/lib/pkgconfig/softmap.pc
	usr/share/man/man8/softmap.8 usr/share/man/man3/libsoftmap.3
	usr/share/man/man7/softmap.7
	usr/share/bash-completion/completions/softmap
)
for f in "${expect[@]}"; do
	# shellcheck disable=SC2086 # the module's name is a glob
	compgen -G "$dest/"$f >/dev/null || echo "missing: $f" >>"$log"
done
check "make install DESTDIR PREFIX lays out every file" "$log"

log=$out/library.log
lib=$dest/usr/lib/libsoftmap.so.1
soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libsoftmap.so.1 ] || echo "soname is '$soname'" >"$log"
diff <(sed -n 's/^\t\(softmap_[a-z_]*\);$/\1/p' userspace-tool/libsoftmap.map | sort) \
     <(nm -D --defined-only "$lib" 2>/dev/null | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort) \
	>>"$log"
check "libsoftmap.so.1: soname, exports exactly libsoftmap.map" "$log"

log=$out/pc.log
v=$(PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig pkg-config --modversion softmap 2>&1)
[ "$v" = "$version" ] || echo "softmap.pc version '$v', tree $version" >"$log"
grep -qx 'prefix=/usr' "$dest/usr/lib/pkgconfig/softmap.pc" ||
	echo "softmap.pc prefix is not /usr" >>"$log"
check "softmap.pc names the version and the prefix" "$log"

log=$out/uninstall.log
make -s uninstall "${vars[@]}" >"$out/make-uninstall.log" 2>&1 ||
	echo "make uninstall failed" >"$log"
find "$dest" ! -type d | sed 's/^/left behind: /' >>"$log"
check "make uninstall removes every file" "$log"

# 2. The example, against an installed prefix, through pkg-config.
log=$out/example.log
ex=$top/build/example
prefix=$top/build/prefix
scripts/build-example.sh >"$out/example-build.log" 2>&1 ||
	cat "$out/example-build.log" >"$log"
if [ ! -s "$log" ]; then
	# ldd's output whole: grep -q may quit before ldd has written all,
	# and pipefail would take ldd's SIGPIPE for a failure.
	libs=$(ldd "$ex/softmap-hello")
	grep -q "$prefix/lib/libsoftmap.so.1" <<<"$libs" ||
		echo "softmap-hello does not use the installed libsoftmap.so.1" >>"$log"
	libs=$(ldd "$ex/softmap-hello-static")
	! grep -q libsoftmap <<<"$libs" ||
		echo "softmap-hello-static links libsoftmap dynamically" >>"$log"
fi
check "example builds against the installed softmap.pc (shared, static)" "$log"

# 3. DKMS, against each stock kernel's headers, in a private tree.
for k in stock-6.1 stock-6.12; do
	log=$out/dkms-$k.log
	eval "$(scripts/vm/kernel.sh "$k")" || exit 1
	tree=$out/dkms-$k
	mkdir -p "$tree/dkms"
	make -s dkms-src DESTDIR="$tree/src-root" >"$log.out" 2>&1
	if dkms build -m softmap -v "$version" -k "$KVER" \
		--kernelsourcedir "$KDIR" --dkmstree "$tree/dkms" \
		--sourcetree "$tree/src-root/usr/src" >>"$log.out" 2>&1; then
		ko=$(find "$tree/dkms/softmap/$version/$KVER" -name 'softmap.ko*' | head -1)
		if [ -z "$ko" ]; then
			echo "dkms built no softmap.ko" >"$log"
		else
			mv=$(modinfo -F version "$ko")
			vm=$(modinfo -F vermagic "$ko")
			[ "$mv" = "$version" ] ||
				echo "module version '$mv', tree $version" >>"$log"
			[ "${vm%% *}" = "$KVER" ] ||
				echo "vermagic '$vm', kernel $KVER" >>"$log"
		fi
	else
		tail -20 "$log.out" >"$log"
	fi
	check "dkms build ($k, $KVER): version and vermagic" "$log"
done

tap_counts
