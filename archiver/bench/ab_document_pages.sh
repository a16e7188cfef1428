#!/bin/sh
# A/B layout speed of two commits on the same load, interleaved (issue 15):
#   archiver/bench/ab_document_pages.sh EXPORT COMMIT_A COMMIT_B ROUNDS KIND:CLASS...
# Each commit's tree is exported (git archive) to a temporary folder and run with this
# checkout's .venv and that tree's document_pages bench (archiver/bench/, or bench/ in
# commits before the bench moved): A, B, A, B, ... so that the machine's load falls on
# both alike. Prints one line per run: the commit, pages, CPU-s.
set -eu
export_file=$1 a=$2 b=$3 rounds=$4
shift 4
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for c in "$a" "$b"; do
  mkdir -p "$work/$c"
  git -C "$here" archive "$c" | tar -x -C "$work/$c"
done
pages_of() {  # the document_pages bench of the tree in the current folder
  if [ -f archiver/bench/document_pages.py ]; then
    "$here/.venv/bin/python" -m archiver.bench.document_pages "$@"
  else
    "$here/.venv/bin/python" bench/document_pages.py "$@"
  fi
}
for _ in $(seq "$rounds"); do
  for c in "$a" "$b"; do
    (cd "$work/$c" && export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1796400000}" \
      PYTHONPATH="$work/$c" && pages_of "$export_file" "$work/out-$c" "$@") |
      sed "s|^|$c |; s| -> .*||"
  done
done
