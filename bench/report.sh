#!/usr/bin/env bash
# report.sh RESULTS.tsv OUTDIR: results.md (a markdown table) and
# results.json from the rows bench/run.sh recorded; ratio = gofn / peer.
# Exits 1 when a row lacks its figure or its peer's (what bench/smoke checks).
set -euo pipefail
tsv=$1 out=$2

# One awk pass adds ratio and verdict: met, MISSED, or - (no target).
awk -F'\t' -v OFS='\t' '
function num(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ }
{
	ratio = "-"; verdict = "-"
	if (num($3) && num($5) && $5 + 0 != 0) ratio = sprintf("%.3f", $3 / $5)
	t = $7
	if (t != "-") {
		if (ratio == "-" && t !~ /^value/) verdict = "no figure"
		else if (t ~ /^ratio<=/) verdict = (ratio + 0 <= substr(t, 8) + 0) ? "met" : "MISSED"
		else if (t ~ /^ratio</) verdict = (ratio + 0 < substr(t, 7) + 0) ? "met" : "MISSED"
		else if (t ~ /^ratio>=/) verdict = (ratio + 0 >= substr(t, 8) + 0) ? "met" : "MISSED"
		else if (t ~ /^value<=/) verdict = num($3) && $3 + 0 <= substr(t, 8) + 0 ? "met" : "MISSED"
	}
	print $1, $2, $3, $4, $5, $6, ratio, t, verdict, $8
}' "$tsv" >"$out/results.full.tsv"

{
	jq -r '"Run \(.date) at \(.commit) (scale \(.scale), \(.seconds) s): \(.cpu), \(.ncpu) CPUs, \(.mem), Linux \(.kernel), \(.go); load average \(.load_start) at start, \(.load_end) at end.\n"' "$out/meta.json"
	echo "| row | case | gofn | peer | peer value | unit | ratio gofn/peer | target | verdict | note |"
	echo "| --- | --- | ---: | --- | ---: | --- | ---: | --- | --- | --- |"
	awk -F'\t' '{
		for (i = 1; i <= NF; i++) if ($i == "") $i = "(none)"
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			$1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }' "$out/results.full.tsv"
} >"$out/results.md"

jq -R -s --slurpfile meta "$out/meta.json" '{meta: $meta[0], rows: [split("\n")[] | select(length > 0) | split("\t") |
	{row: (.[0] | tonumber), case: .[1], gofn: (.[2] | tonumber? // null), peer: .[3],
	 peer_value: (.[4] | tonumber? // null), unit: .[5], ratio: (.[6] | tonumber? // null),
	 target: .[7], verdict: .[8], note: .[9]}]}' "$out/results.full.tsv" >"$out/results.json"

missing=$(jq -r '.rows[] | select(.gofn == null or .peer_value == null) |
	"row \(.row) \(.case) vs \(.peer): no figure"' "$out/results.json")
rows=$(jq -r '[.rows[].row] | unique | join(" ")' "$out/results.json")
if [[ -n "$missing" || "$rows" != "1 2 3 4 5 6 7 8" ]]; then
	echo "bench: incomplete results (rows present: $rows)" >&2
	[[ -n "$missing" ]] && echo "$missing" >&2
	exit 1
fi
