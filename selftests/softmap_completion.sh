#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# softmap_completion.sh: the bash completion of the softmap tool
# (userspace-tool/completion/softmap), driven as readline would drive it:
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT set, the completion
# function called, COMPREPLY checked exactly.  Commands, global options,
# each command's options, user names and uids, files, and the keys of the
# caller read from the module: root's, alice's (through su), with --uid
# and -x, binary and spaced keys, none once flushed, and no error text
# when the tool fails or the module is not loaded.  Prints KTAP; exit 0
# all passed, 1 a failure, 4 skipped.
#
# Preconditions: root; bash (on PATH; the script re-executes itself with
# it); softmap.ko loaded (or at $SOFTMAP_KO, default /softmap/softmap.ko);
# softmap on PATH; the completion file at $SOFTMAP_COMPLETION, or
# softmap.completion next to this script (selftests install), or in the
# source tree; user alice (1001).  It flushes every user's objects at the
# start and the end, and unloads and reloads the module once.

# Bash from the test on; ok and nok always succeed, so "COND && ok || nok"
# is an if-else.
# shellcheck shell=bash source-path=SCRIPTDIR disable=SC2015

if [ -z "$BASH_VERSION" ]; then
	if ! b=$(command -v bash); then
		echo "TAP version 13"
		echo "1..0 # SKIP bash not found"
		exit 4
	fi
	exec "$b" "$0" "$@"
fi

HERE=$(cd "$(dirname "$0")" && pwd)
SELF=$HERE/$(basename "$0")
KO=${SOFTMAP_KO:-/softmap/softmap.ko}
BASH_BIN=$(command -v bash)
SM=$(command -v softmap)
for f in "$SOFTMAP_COMPLETION" "$HERE/softmap.completion" \
	 "$HERE/../userspace-tool/completion/softmap"; do
	if [ -n "$f" ] && [ -f "$f" ]; then
		COMPLETION=$f
		break
	fi
done

# comp LINE: complete at the end of LINE.  COMP_WORDS is split as bash
# splits it: at blanks (a trailing blank starts an empty word) and around
# runs of ':' (in COMP_WORDBREAKS).  The replies, sorted, one a line, are
# in $T/reply, the completion's stderr in $T/err.
comp() {
	local line=$1 w colons saved=$PATH
	local -a parts ws=()

	read -ra parts <<<"$line"
	for w in "${parts[@]}"; do
		while [[ $w == *:* ]]; do
			[[ ${w%%:*} ]] && ws+=("${w%%:*}")
			w=${w#"${w%%:*}"}
			colons=${w%%[!:]*}
			ws+=("$colons")
			w=${w#"$colons"}
		done
		[[ $w ]] && ws+=("$w")
	done
	[[ $line == *[[:blank:]] ]] && ws+=('')
	COMP_WORDS=("${ws[@]}")
	COMP_CWORD=$((${#ws[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	PATH=${SM_PATH:-$PATH}
	_softmap softmap "${ws[COMP_CWORD]}" "${ws[COMP_CWORD - 1]}" 2>"$T/err"
	PATH=$saved
	if ((${#COMPREPLY[@]})); then
		printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort >"$T/reply"
	else
		: >"$T/reply"
	fi
}

# --reply LINE: as comp, for a test run as another user; prints the
# replies then "STDERR:" and the completion's stderr.
if [ "$1" = --reply ]; then
	T=$(mktemp -d) || exit 1
	# shellcheck source=../userspace-tool/completion/softmap
	. "$COMPLETION"
	comp "$2"
	cat "$T/reply"
	echo "STDERR:"
	cat "$T/err"
	rm -rf "$T"
	exit 0
fi

# shellcheck disable=SC2016 # expanded by nok
KTAP_SHOW='$T/reply $T/err'
# shellcheck source-path=SCRIPTDIR source=ktap.sh
. "$HERE/ktap.sh"

[ "$(id -u)" = 0 ] || skip_all "must run as root"
[ -n "$SM" ] || skip_all "softmap tool not on PATH"
[ -n "$COMPLETION" ] || skip_all "completion file not found"
[ -d /sys/module/softmap ] || insmod "$KO" || skip_all "cannot load $KO"

T=$(mktemp -d /tmp/softmap_completion.XXXXXX) || exit 1
chmod 755 "$T"
cleanup() {
	[ -d /sys/module/softmap ] || insmod "$KO"
	softmap flush --all >/dev/null 2>&1
	rm -rf "$T"
}
trap cleanup EXIT

# shellcheck source=../userspace-tool/completion/softmap
. "$COMPLETION" 2>"$T/err"
[ ! -s "$T/err" ] && complete -p softmap 2>/dev/null | grep -q _softmap &&
	ok "the completion sources silently and registers _softmap" ||
	nok "the completion sources silently and registers _softmap"

# expect DESC LINE WORD...: completing LINE offers exactly the WORDs
# (none: nothing), and nothing is printed on stderr.
expect() {
	local desc=$1 want got

	comp "$2"
	shift 2
	want=$(printf '%s\n' "$@" | LC_ALL=C sort | sed '/^$/d')
	got=$(cat "$T/reply")
	if [ "$got" = "$want" ] && [ ! -s "$T/err" ]; then
		ok "$desc"
	else
		nok "$desc (want: $(echo "$want" | tr '\n' ' '))"
	fi
}

softmap flush --all >/dev/null 2>&1

# --- commands and options ----------------------------------------------

expect "commands after \"softmap \"" "softmap " \
	put get del ls flush stats shrink version help
expect "commands after \"softmap s\"" "softmap s" shrink stats
expect "commands after \"softmap -j -x \"" "softmap -j -x " \
	put get del ls flush stats shrink version help
expect "commands after \"softmap -- \"" "softmap -- " \
	put get del ls flush stats shrink version help
expect "global options after \"softmap -\"" "softmap -" \
	-j --json -x --hex --uid -b --batch -h --help -V --version --
expect "global options after \"softmap --\"" "softmap --" \
	--json --hex --uid --batch --help --version --
expect "nothing after an unknown command" "softmap frob -" ""
expect "nothing after -b FILE" "softmap -b x " ""
expect "nothing after --help" "softmap --help " ""

expect "put's options after KEY" "softmap put k -" \
	--reclaimable --create-only --replace-only -f --uid -
expect "put's options before KEY (no -)" "softmap put -" \
	--reclaimable --create-only --replace-only -f --uid
expect "put: --create-only excludes --replace-only" \
	"softmap put k --create-only --re" --reclaimable
expect "put: no - after -f FILE" "softmap put k -f x -" \
	--reclaimable --create-only --replace-only --uid
expect "get's options" "softmap get k -" --raw --uid
expect "get: no --raw with -j" "softmap -j get k -" --uid
expect "del's options" "softmap del k -" --uid
expect "ls's options" "softmap ls -" --values --uid
expect "ls: an option given is not offered again" "softmap ls --values -" --uid
expect "flush's options" "softmap flush -" --uid --all
expect "flush: --all excludes --uid" "softmap flush --all -" ""
expect "flush: a global --uid excludes --all" "softmap --uid 0 flush -" --uid
expect "stats' options" "softmap stats -" --users --uid
expect "shrink's options" "softmap shrink -" --target
expect "nothing after shrink --target" "softmap shrink --target " ""
expect "nothing after version" "softmap version " ""

# --- users and files ---------------------------------------------------

expect "user names after --uid" "softmap --uid al" alice
expect "uids after ls --uid" "softmap ls --uid 100" 1001 1002
mkdir "$T/files" "$T/files/valdir"
: >"$T/files/value1"
: >"$T/files/value2"
: >"$T/files/other"
expect "files after put KEY -f" "softmap put k -f $T/files/val" \
	"$T/files/value1" "$T/files/value2" "$T/files/valdir"
expect "files after --file" "softmap put k --file $T/files/o" "$T/files/other"
cd "$T/files" || exit 1
expect "files and - after -b" "softmap -b " - other value1 value2 valdir
cd - >/dev/null || exit 1
expect "files after --batch" "softmap --batch $T/files/v" \
	"$T/files/value1" "$T/files/value2" "$T/files/valdir"

# --- keys --------------------------------------------------------------

for k in greeting green other "my key" hex:00ff; do
	softmap put "$k" v >/dev/null
done
# The bytes "hex:01", printed in hex since they begin with "hex:".
softmap put hex:6865783a3031 v >/dev/null
su alice -c "$SM put alicekey v" >/dev/null

expect "get gr: root's keys greeting and green" "softmap get gr" \
	greeting green
expect "get: every key of root's" "softmap get " \
	greeting green other 'my\ key' hex:00ff hex:6865783a3031
expect "del o: other" "softmap del o" other
expect "put gree: existing keys" "softmap put gree" greeting green
expect "a key with a blank is escaped" "softmap get my" 'my\ key'
expect "after an opening quote, the key as is" 'softmap get "my' 'my key'
expect "hex: keys, after the last ':'" "softmap get hex:" \
	00ff 6865783a3031
expect "hex:0: the one key" "softmap get hex:0" 00ff
expect "-x: keys in hex" "softmap -x get 67" \
	6772656574696e67 677265656e
expect "get -x: keys in hex" "softmap get -x 6f" 6f74686572
expect "a key after options" "softmap get --raw oth" other
expect "no key in VALUE's place" "softmap put k gr" ""
expect "a key after --" "softmap get -- gr" greeting green
expect "--uid alice get: alice's keys" "softmap --uid alice get " alicekey
expect "get --uid 1001: alice's keys" "softmap get --uid 1001 " alicekey

su alice -c "PATH='$PATH' '$BASH_BIN' '$SELF' --reply 'softmap get '" \
	>"$T/reply" 2>"$T/err"
[ "$(cat "$T/reply")" = "$(printf 'alicekey\nSTDERR:')" ] && [ ! -s "$T/err" ] &&
	ok "as alice: alice's keys only" ||
	nok "as alice: alice's keys only"

softmap flush --all >/dev/null
expect "flushed: no keys" "softmap get " ""

# --- the tool failing --------------------------------------------------

softmap put greeting v >/dev/null
mkdir "$T/bin"
cat >"$T/bin/softmap" <<'EOF'
#!/bin/sh
echo '{"objects":[{"key":"6772"}],"error":{}}'
echo "softmap: ls: failing on purpose" >&2
exit 1
EOF
chmod 755 "$T/bin/softmap"
SM_PATH=$T/bin:$PATH expect "a failing tool: no keys, no stderr" "softmap get g" ""
SM_PATH=$T/nothing expect "no tool on PATH: no keys, no stderr" "softmap get g" ""
expect "a tool given by path is the one run" "$T/bin/softmap get g" ""
expect "and by path, the real one" "$SM get g" greeting
if rmmod softmap; then
	expect "module not loaded: no keys, no stderr" "softmap get g" ""
	insmod "$KO"
	softmap put greeting v >/dev/null
	expect "module reloaded, a key stored: offered" "softmap get g" greeting
else
	nok "rmmod softmap"
fi

softmap flush --all >/dev/null
echo "1..$n"
[ $nfail = 0 ]
