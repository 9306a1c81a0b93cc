#!/usr/bin/env bash
# run-corpus.sh: runs corpus programs and compares their normalized stdout,
# stderr and exit code with golden/. One engine for both sides:
#
#   run-corpus.sh --native DIR
#       runs the natively built binaries DIR/<name> (build-native.sh): proves
#       the goldens still match the programs.
#   run-corpus.sh --loader BIN --objects DIR [--all]
#       runs `BIN -o <objects...> -run main.main` (and each handler call as
#       `BIN -o <objects...> -run <sym> -in <file>`). Only programs listed in
#       LOADED are checked; the others print "SKIP <name>: ..." unless --all.
#
# Options: --only a,b,c   restrict to these programs
#          --no-gogc1     skip the second run of everything under GOGC=1
#          --write-golden (with --native) store the results as the goldens
#          --expect-fail  invert the verdict (for the harness self-test: a
#                         broken loader must be caught)
# Prints "PASS"/"FAIL"/"SKIP" per run, a diff for each failure, and the line
# "N passed, N failed, N skipped"; exits 1 if anything failed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage() {
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

native="" loader="" objects="" all=0 only="" gogc1=1 expect_fail=0 write=0
while (($#)); do
	case "$1" in
	--native) native=$(cd "$2" && pwd); shift 2 ;;
	--loader) loader=$2; shift 2 ;;
	--objects) objects=$(cd "$2" && pwd); shift 2 ;;
	--all) all=1; shift ;;
	--only) only=$2; shift 2 ;;
	--no-gogc1) gogc1=0; shift ;;
	--expect-fail) expect_fail=1; shift ;;
	--write-golden) write=1 gogc1=0; shift ;;
	*) usage ;;
	esac
done
[[ -n "$native" || (-n "$loader" && -n "$objects") ]] || usage
[[ $write == 0 || -n "$native" ]] || usage
[[ -z "$loader" || -x "$loader" ]] || { echo "run-corpus: loader $loader is not executable" >&2; exit 1; }

golden="${CORPUS_GOLDEN:-$CORPUS_DIR/golden}"
# Goldens are per program; where a Go release prints differently (runtime
# line numbers, std error texts), golden/go1.NN/<file> overrides for it.
release=$(go env GOVERSION | sed -E 's/^(go1\.[0-9]+).*/\1/')
TIMEOUT=${CORPUS_TIMEOUT:-30} # seconds per run; natively none takes 2
work=$(mktemp -d "${TMPDIR:-/tmp}/gofn-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
export GOROOT=${GOROOT:-$(go env GOROOT)} # for normalize.sh, computed once

# LOADED: "<name>" checks main.main, "<name>:calls" checks its handler calls.
declare -A loaded=()
while read -r entry _; do
	[[ -z "$entry" || "$entry" == \#* ]] || loaded[$entry]=1
done <"$CORPUS_DIR/LOADED"

mapfile -t names < <(corpus_programs)
pass=0 fail=0 skip=0 written=0

# A LOADED entry naming no program is a typo that would hide a program.
declare -A known=()
for n in "${names[@]}"; do
	known[$n]=1
	[[ -z "$(corpus_calls "$n")" ]] || known[$n:calls]=1
done
for entry in "${!loaded[@]}"; do
	if [[ -z "${known[$entry]:-}" ]]; then
		echo "FAIL LOADED lists $entry, which is no program (or has no calls/)"
		fail=$((fail + 1))
	fi
done

if [[ -n "$only" ]]; then
	IFS=, read -r -a names <<<"$only"
fi

# objects_of NAME: the -o arguments for a program, dependencies first.
objects_of() {
	if corpus_is_unit "$1"; then
		echo "-o $objects/$1/lib.o -o $objects/$1/main.o"
	else
		echo "-o $objects/$1.o"
	fi
}

# run_one NAME SYM INPUT ENV...: runs one program (or a handler call when SYM
# is not main.main) and leaves out.stdout, out.stderr, out.exit in $work.
run_one() {
	local name=$1 sym=$2 input=$3
	shift 3
	local cmd
	if [[ -n "$native" ]]; then
		cmd=("$native/$name")
		[[ "$sym" == main.main ]] || cmd=(env "GOFN_CALL=$sym" "$native/$name")
	else
		# shellcheck disable=SC2207
		cmd=("$loader" $(objects_of "$name") -run "$sym")
		[[ -z "$input" ]] || cmd+=(-in "$input")
	fi
	local rc=0
	env "$@" timeout -k 5 "$TIMEOUT" "${cmd[@]}" <"${input:-/dev/null}" \
		>"$work/raw.stdout" 2>"$work/raw.stderr" || rc=$?
	"$CORPUS_DIR/normalize.sh" "$work/raw.stdout" "$work/out.stdout" "$work/raw.stderr" "$work/out.stderr"
	echo "$rc" >"$work/out.exit"
}

# compare GOLDEN-PREFIX CALL: 0 when the last run matches. For a handler call
# that failed, the golden stderr (the error text) need only appear in stderr:
# the loader may add its own prefix.
# gold PREFIX EXT: the golden file, the release's own if it has one.
gold() {
	local r="$golden/$release/${1##*/}.$2"
	[[ -f "$r" ]] && echo "$r" || echo "$1.$2"
}

compare() {
	local g=$1 call=$2 ok=0
	for f in stdout exit; do
		diff -u --label "golden $f" --label "got $f" "$(gold "$g" $f)" "$work/out.$f" >"$work/diff.$f" || ok=1
	done
	if [[ "$call" == 1 && "$(cat "$(gold "$g" exit)")" != 0 ]]; then
		grep -qF -- "$(cat "$(gold "$g" stderr)")" "$work/out.stderr" || {
			ok=1
			{ echo "stderr lacks the golden error text: $(cat "$(gold "$g" stderr)")"; cat "$work/out.stderr"; } >"$work/diff.stderr"
		}
	else
		diff -u --label "golden stderr" --label "got stderr" "$(gold "$g" stderr)" "$work/out.stderr" >"$work/diff.stderr" || ok=1
	fi
	return $ok
}

verdict() { # verdict LABEL OK
	local label=$1 ok=$2
	((expect_fail)) && ok=$((!ok))
	if ((ok)); then
		echo "PASS $label"
		pass=$((pass + 1))
	else
		echo "FAIL $label"
		((expect_fail)) && echo "  (expected this run to fail: the harness did not catch a wrong result)"
		((expect_fail)) || cat "$work"/diff.stdout "$work"/diff.stderr "$work"/diff.exit | sed 's/^/  /' | head -60
		fail=$((fail + 1))
	fi
}

check() { # check NAME SYM CASE INPUT GOLDEN-PREFIX
	local name=$1 sym=$2 kase=$3 input=$4 g=$5 call=0 label=$1
	[[ "$sym" == main.main ]] || { call=1; label="$name $sym($kase)"; }
	if ((write)); then
		mkdir -p "$golden"
		run_one "$name" "$sym" "$input"
		for f in stdout stderr exit; do cp "$work/out.$f" "$g.$f"; done
		echo "WROTE $label (exit $(cat "$g.exit"))"
		written=$((written + 1))
		return
	fi
	if [[ ! -f "$g.exit" ]]; then
		echo "FAIL $label: no golden $g.exit (run make-golden.sh)"
		fail=$((fail + 1))
		return
	fi
	run_one "$name" "$sym" "$input"
	compare "$g" "$call" && verdict "$label" 1 || verdict "$label" 0
	if ((gogc1)); then
		run_one "$name" "$sym" "$input" GOGC=1
		compare "$g" "$call" && verdict "$label [GOGC=1]" 1 || verdict "$label [GOGC=1]" 0
	fi
}

for n in "${names[@]}"; do
	[[ -d "$CORPUS_DIR/$n" ]] || { echo "FAIL $n: no such program"; fail=$((fail + 1)); continue; }
	if [[ -n "$native" || $all == 1 || -n "${loaded[$n]:-}" ]]; then
		check "$n" main.main "" "" "$golden/$n"
	else
		echo "SKIP $n: not yet in tests/programs/LOADED"
		skip=$((skip + 1))
	fi
	calls=$(corpus_calls "$n")
	[[ -n "$calls" ]] || continue
	if [[ -n "$native" || $all == 1 || -n "${loaded[$n:calls]:-}" ]]; then
		while read -r sym kase input; do
			check "$n" "$sym" "$kase" "$input" "$golden/$n.call.$sym.$kase"
		done <<<"$calls"
	else
		echo "SKIP $n:calls: not yet in tests/programs/LOADED"
		skip=$((skip + 1))
	fi
done

if ((write)); then
	echo "$written goldens written to $golden"
	exit 0
fi
echo "$pass passed, $fail failed, $skip skipped"
((fail == 0))
