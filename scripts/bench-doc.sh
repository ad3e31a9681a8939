#!/usr/bin/env bash
# Puts one benchmark's output into docs/benchmarks.md, between its markers:
#
#   <!-- bench:NAME -->
#   …replaced…
#   <!-- /bench:NAME -->
#
# The new block is a stamp line (date, commit, machine) and the output as the benchmark
# printed it: Markdown (a benchmark that prints a Markdown table) goes in as it is, anything
# else in a fenced block. Two touches keep printed Markdown rendering as printed: indented
# note lines become list items, and a blank line separates a table, a list and a paragraph
# that follow each other. The checkout's absolute path is cut from paths, so the page does not
# depend on where the benchmark ran.
#
#   scripts/bench-doc.sh [--doc FILE] [--markdown|--text] [--note TEXT] NAME OUTPUT-FILE
#   scripts/bench-doc.sh --stamp          # prints the stamp line's facts and exits
#
# The stamp's facts come from $BENCH_DOC_STAMP when set (scripts/bench.sh sets it once, before
# the first benchmark, so every block of one run says the same), else they are taken now.
# Nothing is written unless both markers are there, once each and in order, and the output is
# not empty; the file is replaced in one rename.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
doc="$root/docs/benchmarks.md"
mode=auto
note=""

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# stamp: "<date>, commit <hash>[-dirty], <n> cores (<cpu model>)"
stamp() {
  local date commit cores cpu
  date=$(date -u '+%Y-%m-%d %H:%M UTC')
  if commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
    # Changes to tracked files (staged or not) make the build differ from the commit. This
    # page itself does not count: a run rewrites it.
    if ! git -C "$root" diff --quiet HEAD -- . ':(exclude)docs/benchmarks.md'; then
      commit="$commit-dirty"
    fi
  else
    commit="unknown (not a git checkout)"
  fi
  cores=$(nproc 2>/dev/null || echo "?")
  cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
  printf '%s, commit %s, %s cores (%s)\n' "$date" "$commit" "$cores" "${cpu:-$(uname -m)}"
}

while [ $# -gt 0 ]; do
  case $1 in
    --stamp) stamp; exit 0 ;;
    --doc) doc=${2:?--doc needs a file}; shift 2 ;;
    --markdown) mode=markdown; shift ;;
    --text) mode=text; shift ;;
    --note) note=${2?--note needs a text}; shift 2 ;;
    -h|--help) usage ;;
    --*) echo "bench-doc: unknown flag $1" >&2; usage ;;
    *) break ;;
  esac
done
[ $# -eq 2 ] || usage
name=$1 output=$2
case $name in
  *[!a-z0-9_-]*|"") echo "bench-doc: a block name is lower-case letters, digits, - and _: $name" >&2; exit 2 ;;
esac
[ -f "$doc" ] || { echo "bench-doc: no $doc" >&2; exit 1; }
[ -f "$output" ] || { echo "bench-doc: no output file $output" >&2; exit 1; }
if ! grep -q '[^[:space:]]' "$output"; then
  echo "bench-doc: $output is empty; the $name block keeps its figures" >&2
  exit 1
fi

open="<!-- bench:$name -->"
close="<!-- /bench:$name -->"
opens=$(grep -cxF -- "$open" "$doc" || true)
closes=$(grep -cxF -- "$close" "$doc" || true)
if [ "$opens" != 1 ] || [ "$closes" != 1 ]; then
  echo "bench-doc: $doc needs the lines '$open' and '$close' once each (found $opens and $closes)" >&2
  exit 1
fi
if [ "$(grep -nxF -- "$open" "$doc" | cut -d: -f1)" -gt "$(grep -nxF -- "$close" "$doc" | cut -d: -f1)" ]; then
  echo "bench-doc: in $doc, '$close' comes before '$open'" >&2
  exit 1
fi
if grep -qF -- "<!-- /bench:" "$output" || grep -qF -- "<!-- bench:" "$output"; then
  echo "bench-doc: $output holds a bench marker itself; not inserted" >&2
  exit 1
fi

if [ "$mode" = auto ]; then
  # A Markdown table: a row, then a delimiter row such as |---|---:| or |-----|-----|.
  if grep -qE '^\|[ :]*-{3,}[- :|]*\|[[:space:]]*$' "$output"; then mode=markdown; else mode=text; fi
fi

facts=${BENCH_DOC_STAMP:-$(stamp)}
stamp_line="_Written by \`scripts/bench.sh\`: $facts${note:+; $note}._"

# The block's body, normalised as described at the top.
body=$(mktemp)
new=$(mktemp "$doc.XXXXXX")
trap 'rm -f "$body" "$new"' EXIT
awk -v mode="$mode" -v root="$root/" '
  function cut_root(s,    i, out) {
    out = ""
    while ((i = index(s, root)) > 0) { out = out substr(s, 1, i - 1); s = substr(s, i + length(root)) }
    return out s
  }
  function kind(s) {
    if (s == "") return "blank"
    if (s ~ /^\|/) return "table"
    if (s ~ /^([-*+]|[0-9]+[.)]) /) return "list"
    return "text"
  }
  {
    sub(/\r$/, ""); sub(/[ \t]+$/, "")
    lines[++n] = cut_root($0)
  }
  END {
    # Leading and trailing blank lines go.
    first = 1; while (first <= n && lines[first] == "") first++
    last = n; while (last >= first && lines[last] == "") last--
    if (mode == "text") {
      fence = "```"
      for (i = first; i <= last; i++) if (index(lines[i], "```")) fence = "````"
      print fence "text"
      for (i = first; i <= last; i++) print lines[i]
      print fence
      exit
    }
    prev = "blank"; infence = 0
    for (i = first; i <= last; i++) {
      s = lines[i]
      if (s ~ /^(```|~~~)/) {
        if (!infence && prev != "blank") print ""
        infence = !infence; print s; prev = "fence"; continue
      }
      if (infence) { print s; continue }
      # An indented note line, as the abuse benchmark prints them, is a list item.
      if (s ~ /^[ \t]+[^ \t|]/) { sub(/^[ \t]+/, "", s); if (s !~ /^[-*+] /) s = "- " s }
      k = kind(s)
      if (k == "blank") { if (prev != "blank") print ""; prev = "blank"; continue }
      if (prev != "blank" && prev != k) print ""
      print s
      prev = k
    }
  }
' "$output" >"$body"

awk -v opener="$open" -v closer="$close" -v stamp="$stamp_line" -v body="$body" '
  $0 == opener {
    print
    print stamp
    print ""
    while ((getline line < body) > 0) print line
    close(body)
    print ""
    skipping = 1
    next
  }
  $0 == closer { skipping = 0 }
  !skipping { print }
' "$doc" >"$new"
chmod --reference="$doc" "$new" 2>/dev/null || true
mv "$new" "$doc"
trap 'rm -f "$body"' EXIT
echo "bench-doc: $name figures written to ${doc#"$root/"}"
