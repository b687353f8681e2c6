#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh [-b|-s] [KERNEL...] - the static checks of softmap, as TAP:
#   checkpatch.pl --strict on kmod/ and uapi/ (from Debian's 6.12 source);
#   kernel-doc -Wall on kmod/ and uapi/;
#   uapi/linux/softmap.h is what scripts/ynl-gen.sh makes of the YNL spec;
#   the module built with W=1 and sparse (C=1) against each KERNEL's tree
#   (default: all of the matrix): zero warnings;
#   the library, the tool, the selftests and the example built with
#   -Wall -Wextra -Werror (their Makefiles' flags), in a copy of the tree;
#   every shell script through shellcheck;
#   mandoc -T lint on the man pages.
# -b: only the module builds (make check runs the debug kernel's beside
# that kernel's guest); -s: all but the module builds.  The last line is
# "# counts PASSED FAILED SKIPPED".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
builds_only=0
kernels=(stock-6.1 stock-6.12 debug-6.12)
case ${1:-} in
-b) builds_only=1; shift ;;
-s) kernels=(); shift ;;
esac
[ $# -eq 0 ] || kernels=("$@")
eval "$("$top/scripts/vm/kernel.sh" source)" || exit 1
out=$top/build/lint
mkdir -p "$out"
TAP_WHAT=lint
# shellcheck source=scripts/tap.sh
. "$top/scripts/tap.sh"

# module_build K: the module against kernel K's tree, W=1 and sparse.
module_build() {
	local k=$1 log=$out/$1.log src=$out/$1 kv
	if ! kv=$("$top/scripts/vm/kernel.sh" "$k" 2>"$log"); then
		check "W=1 C=1 build ($k)" "$log"
		return
	fi
	eval "$kv"
	rm -rf "$src" && mkdir -p "$src"
	rsync -a --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		kmod uapi Kbuild VERSION "$src/"
	# Everything the build prints but its progress lines is a finding;
	# 6.1's headers have no vmlinux for BTF, which is not ours to fix.
	make -C "$KDIR" M="$src" W=1 C=1 modules 2>&1 |
		grep -vE '^make(\[[0-9]+\])?: (Entering|Leaving)|^  [A-Z0-9]+ +|Skipping BTF generation' \
		>"$log"
	[ -e "$src/kmod/softmap.ko" ] || echo "softmap.ko was not built" >>"$log"
	check "W=1 C=1 build ($k)" "$log"
}

# source_checks: everything that needs no kernel tree but the source's.
source_checks() {
	local sources=() user=$out/userspace scripts pages f

	# The tree's sources, not what an in-tree build generated.
	for f in kmod/*.[ch] uapi/linux/*.h; do
		[[ $f == *.mod.c ]] || sources+=("$f")
	done

	"$SRC/scripts/checkpatch.pl" --strict --no-tree --quiet --show-types \
		-f "${sources[@]}" >"$out/checkpatch.log" 2>&1
	check "checkpatch --strict" "$out/checkpatch.log"

	"$SRC/scripts/kernel-doc" -none -Wall "${sources[@]}" \
		>"$out/kernel-doc.log" 2>&1
	check "kernel-doc -Wall" "$out/kernel-doc.log"

	"$top/scripts/ynl-gen.sh" --check >"$out/ynl.log" 2>&1
	check "ynl spec matches uapi header" "$out/ynl.log"

	# Userspace, in a copy: guests may be building the tree's own.
	rm -rf "$user" && mkdir -p "$user"
	cp -a userspace-tool uapi selftests VERSION "$user/"
	{
		make -s -C "$user/userspace-tool" clean all &&
		make -s -C "$user/selftests" clean all \
			KSFT_DIR="$SRC/tools/testing/selftests"
	} >"$out/userspace.log" 2>&1
	check "userspace -Wall -Wextra -Werror (tool, libsoftmap, selftests)" \
		"$out/userspace.log"

	mapfile -t scripts < <(grep -rlE '^#!.*(sh|bash)$' .ci scripts \
		selftests bench 2>/dev/null | sort)
	# The bash completion is sourced, not run: it has no #! line.
	scripts+=(userspace-tool/completion/softmap)
	shellcheck -x -S style "${scripts[@]}" >"$out/shellcheck.log" 2>&1
	check "shellcheck (${#scripts[@]} scripts)" "$out/shellcheck.log"

	pages=(Documentation/man/*.[0-9])
	mandoc -T lint -W warning "${pages[@]}" >"$out/mandoc.log" 2>&1
	check "mandoc -T lint (${#pages[@]} man pages)" "$out/mandoc.log"
}

cd "$top" || exit 1
[ $builds_only = 1 ] || source_checks
for k in "${kernels[@]}"; do
	module_build "$k"
done

tap_counts
