#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# ynl-gen.sh [--check] - generate uapi/linux/softmap.h from the YNL spec
# Documentation/netlink/specs/softmap.yaml, with the kernel's
# tools/net/ynl/ynl-gen-c.py in uapi mode (from Debian's 6.12 source, see
# scripts/vm/kernel.sh source).
#
# First the spec is validated against the kernel's schema of its protocol
# (Documentation/netlink/<protocol>.yaml), and the f-all constant must be
# the mask of every obj-flags entry.  Then:
#
#   (none)   write uapi/linux/softmap.h
#   --check  generate into a temporary file; print a diff and fail when
#            the committed header differs.  Prints nothing on success.
#
# Exit: 0 done (or up to date), 1 spec invalid or header out of date,
# 2 usage.  Runs Debian's /usr/bin/python3 (python3-yaml,
# python3-jsonschema: scripts/deps.sh), or $PYTHON.
#
# The spec and so the header carry the license of the kernel's own specs
# and uapi headers, which the generator insists on.  The generator finds
# the spec's path relative to a kernel tree (a directory with
# MAINTAINERS), so it runs on the spec linked into a scratch tree.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
spec_rel=Documentation/netlink/specs/softmap.yaml
header_rel=uapi/linux/softmap.h
python=${PYTHON:-/usr/bin/python3}

check=0
case ${1-} in
'') ;;
--check) check=1 ;;
*) echo "usage: ynl-gen.sh [--check]" >&2; exit 2 ;;
esac

eval "$("$top/scripts/vm/kernel.sh" source)"
gen=$SRC/tools/net/ynl/ynl-gen-c.py
[ -f "$gen" ] || { echo "ynl-gen.sh: no $gen" >&2; exit 1; }

spec=$top/$spec_rel

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The spec against the kernel's schema, and f-all against obj-flags.
"$python" - "$spec" "$SRC/Documentation/netlink" <<'PY' || exit 1
import sys
import jsonschema
import yaml

spec_path, schema_dir = sys.argv[1:]
with open(spec_path) as f:
    spec = yaml.safe_load(f)
proto = spec.get('protocol', 'genetlink')
with open(f'{schema_dir}/{proto}.yaml') as f:
    schema = yaml.safe_load(f)
try:
    jsonschema.validate(spec, schema)
except jsonschema.ValidationError as e:
    path = '/'.join(str(p) for p in e.absolute_path)
    sys.exit(f'{spec_path}: not valid {proto}: at {path or "top"}: {e.message}')

defs = {d['name']: d for d in spec.get('definitions', [])}
mask = 0
for i, e in enumerate(defs['obj-flags']['entries']):
    v = e.get('value', i) if isinstance(e, dict) else i
    mask |= 1 << v
if defs['f-all']['value'] != mask:
    sys.exit(f"{spec_path}: f-all is {defs['f-all']['value']}, "
             f"the mask of obj-flags is {mask}")
PY

# The scratch tree: MAINTAINERS, the schemas, the spec.
mkdir -p "$tmp/tree/${spec_rel%/*}"
: >"$tmp/tree/MAINTAINERS"
ln -s "$SRC"/Documentation/netlink/*.yaml "$tmp/tree/Documentation/netlink/"
ln -s "$spec" "$tmp/tree/$spec_rel"

"$python" "$gen" --mode uapi --header --spec "$tmp/tree/$spec_rel" \
	-o "$tmp/softmap.h" >"$tmp/gen.log" 2>&1 || {
	echo "ynl-gen.sh: ynl-gen-c.py failed:" >&2
	cat "$tmp/gen.log" >&2
	exit 1
}

if [ $check = 0 ]; then
	cp "$tmp/softmap.h" "$top/$header_rel"
	exit 0
fi
if ! diff -u --label "a/$header_rel" --label "b/$header_rel (from $spec_rel)" \
	"$top/$header_rel" "$tmp/softmap.h"; then
	echo "ynl-gen.sh: $header_rel differs from $spec_rel: run scripts/ynl-gen.sh"
	exit 1
fi
