#!/usr/bin/env bash
# Benchmark: builds corpora of N generated articles (examples/corpus.rs) into
# EPUB and PDF and reports wall time, peak memory and output size; with
# `zip -r` over the same folder as the cost of moving the bytes, and pandoc,
# crowbook, Typst and pandoc + WeasyPrint figures and ratios when those tools
# are installed (ratio = their time / bindery's time, measured in the same run).
#
#   benches/run.sh [N ...]      (default: seed 1 10 60 100 1000 manual50; `seed` is the
#                                sample article in seeds/, 60 articles make a ~330-page
#                                book, `manualM` is one Markdown file of M megabytes,
#                                examples/manual.rs, built by bindery alone)
#
# Every figure is the median of BENCH_RUNS runs (default 3; 1 from 1,000
# articles on). WeasyPrint takes minutes and gigabytes from a few hundred
# articles on: it runs only up to BENCH_WEASYPRINT_MAX articles (default 100).
#
# Needs GNU time (`apt-get install time`) for peak memory. Results go to
# stdout as a Markdown table (see BENCHMARKS.md).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(seed 1 10 60 100 1000 manual50)
cargo build --release --quiet
cargo build --release --quiet --example corpus --example manual
bin=target/release/bindery
work=target/bench
mkdir -p "$work"

# pandoc: the one on the PATH (Debian's is 2.17, the version issue 8 names)
# for EPUB and for WeasyPrint's HTML; pandoc 3 from PyPI (pypandoc-binary)
# for the Typst source, which pandoc 2 cannot write.
pypandoc=$(python3 -c 'import pypandoc; print(pypandoc.get_pandoc_path())' 2>/dev/null || true)
if ! command -v pandoc >/dev/null && [ -n "$pypandoc" ]; then
    PATH="$(dirname "$pypandoc"):$PATH"
fi
pandoc3=""
if [ -n "$pypandoc" ] && "$pypandoc" --list-output-formats | grep -qx typst; then
    pandoc3=$pypandoc
elif command -v pandoc >/dev/null && pandoc --list-output-formats | grep -qx typst; then
    pandoc3=pandoc
fi
# Typst from PyPI (the `typst` package is a binding): a one-line CLI.
if ! command -v typst >/dev/null && python3 -c 'import typst' 2>/dev/null; then
    mkdir -p "$work/bin"
    printf '#!/bin/sh\n# typst compile --root ROOT IN OUT\nexec python3 -c "import sys, typst; typst.compile(sys.argv[4], output=sys.argv[5], root=sys.argv[3])" "$@"\n' > "$work/bin/typst"
    chmod +x "$work/bin/typst"
    PATH="$work/bin:$PATH"
fi

# ratio THEIRS OURS -> "12x" (one decimal under 10)
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN{ if (b <= 0) b = 0.01; r = a / b; printf (r < 10 ? "%.1fx" : "%.0fx"), r }'
}

# measure CMD... -> "seconds peak_kb": the median of $runs runs (by time).
# Wall time from the clock in milliseconds (GNU time rounds to 10 ms), peak
# memory from GNU time.
measure() {
    local log="$work/time.log" results=() start end
    for _ in $(seq "$runs"); do
        start=$(date +%s%N)
        /usr/bin/time -f '%M' -o "$log" "$@" >/dev/null 2>&1 || true
        end=$(date +%s%N)
        results+=("$(awk -v ns=$((end - start)) 'BEGIN{printf "%.3f", ns / 1e9}') $(tail -1 "$log")")
    done
    printf '%s\n' "${results[@]}" | sort -n | sed -n "$(( (${#results[@]} + 1) / 2 ))p"
}

weasy_max=${BENCH_WEASYPRINT_MAX:-100}
version() { command -v "$1" >/dev/null && "$1" --version 2>/dev/null | head -1 || echo "$1: not installed"; }
echo "Tools: $(version pandoc); Typst source from $( [ -n "$pandoc3" ] && version "$pandoc3" || echo 'no pandoc 3'); $(version crowbook); $(version weasyprint); Typst $(python3 -c 'import importlib.metadata as m; print(m.version("typst"))' 2>/dev/null || echo 'not installed')."
echo
echo "| N | format | bindery s | peak MB | output MB | pages | pages/s | zip -r s | pandoc s | ratio | crowbook s | ratio | typst s | ratio | weasyprint s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in "${sizes[@]}"; do
    runs=${BENCH_RUNS:-3}
    corpus="$work/corpus-$n"
    compare=1
    if [ "$n" = seed ]; then
        mkdir -p "$corpus"
        cp seeds/xi-putin.md "$corpus/" && cp -r seeds/images "$corpus/"
    elif [[ "$n" == manual* ]]; then
        # One long file: the other tools take minutes on it; bindery alone.
        runs=1
        compare=0
        corpus="$work/$n.md"
        [ -f "$corpus" ] || target/release/examples/manual "$corpus" "${n#manual}" >/dev/null
    else
        [ "$n" -ge 1000 ] && runs=1
        [ -d "$corpus" ] || target/release/examples/corpus "$corpus" "$n" >/dev/null
    fi
    read -r zip_s _ <<< "$(measure sh -c 'rm -f "$1" && zip -qr "$1" "$2"' sh "$work/baseline-$n.zip" "$corpus")"
    rm -f "$work/baseline-$n.zip"
    for fmt in epub pdf; do
        out="$work/out-$n.$fmt"
        read -r secs kb <<< "$(measure "$bin" build "$corpus" -o "$out" -q --meta language=en)"
        mb=$(awk "BEGIN{printf \"%.1f\", $kb/1024}")
        size=$(awk "BEGIN{printf \"%.1f\", $(stat -c %s "$out")/1048576}")
        pages="-"; pps="-"
        if [ "$fmt" = pdf ] && command -v pdfinfo >/dev/null; then
            pages=$(pdfinfo "$out" | awk '/^Pages:/{print $2}')
            pps=$(awk "BEGIN{printf \"%.0f\", $pages/($secs>0?$secs:0.01)}")
        fi
        pandoc_s="-"; pandoc_ratio="-"; typst_s="-"; typst_ratio="-"
        crow_s="-"; crow_ratio="-"; weasy_s="-"; weasy_ratio="-"
        if [ "$compare" = 1 ] && [ "$fmt" = epub ] && command -v crowbook >/dev/null; then
            # A crowbook project file listing the articles, beside them.
            { printf 'author: Bench\ntitle: Bench\nlang: en\noutput.epub: %s\n' "$PWD/$work/crowbook-$n.epub"
              for f in "$corpus"/*.md; do echo "+ $(basename "$f")"; done; } > "$corpus/_bench.book"
            read -r crow_s _ <<< "$(measure crowbook -q "$corpus/_bench.book")"
            rm -f "$corpus/_bench.book"
            crow_ratio=$(ratio "$crow_s" "$secs")
        fi
        if [ "$compare" = 1 ] && [ "$fmt" = pdf ] && command -v weasyprint >/dev/null && command -v pandoc >/dev/null \
            && { [ "$n" = seed ] || [ "$n" -le "$weasy_max" ]; }; then
            read -r weasy_s _ <<< "$(measure sh -c 'cd "$1" && pandoc ./*.md -s -t html5 --metadata title=Bench -o _bench.html && weasyprint -q _bench.html "$2"' sh "$corpus" "$PWD/$work/weasy-$n.pdf")"
            rm -f "$corpus/_bench.html"
            weasy_ratio=$(ratio "$weasy_s" "$secs")
        fi
        if [ "$compare" = 1 ] && command -v pandoc >/dev/null; then
            if [ "$fmt" = epub ]; then
                read -r pandoc_s _ <<< "$(measure pandoc "$corpus"/*.md -o "$work/pandoc-$n.epub" --resource-path "$corpus")"
            fi
            [ "$pandoc_s" != "-" ] && pandoc_ratio=$(ratio "$pandoc_s" "$secs")
        fi
        if [ "$compare" = 1 ] && [ "$fmt" = pdf ] && command -v typst >/dev/null && [ -n "$pandoc3" ]; then
            # The Typst source must sit inside the root it reads images from.
            "$pandoc3" "$corpus"/*.md -t typst -o "$corpus/_bench.typ" --resource-path "$corpus" 2>/dev/null || true
            read -r typst_s _ <<< "$(measure typst compile --root "$corpus" "$corpus/_bench.typ" "$work/typst-$n.pdf")"
            rm -f "$corpus/_bench.typ"
            typst_ratio=$(ratio "$typst_s" "$secs")
        fi
        echo "| $n | $fmt | $secs | $mb | $size | $pages | $pps | $zip_s | $pandoc_s | $pandoc_ratio | $crow_s | $crow_ratio | $typst_s | $typst_ratio | $weasy_s | $weasy_ratio |"
    done
done
