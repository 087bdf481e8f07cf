#!/usr/bin/env bash
# The long reliability runs of docs/RELIABILITY.md (the test suite runs short versions of
# the same harness in seconds). Usage, from the repository root:
#
#   benches/reliability.sh corpus   # hostile files beside 3,000 good articles: load, reasons, memory
#   benches/reliability.sh bot      # 2,000 updates, 50 users, 5 groups, one flooding; faults of
#                                 # 10-25 s; SIGTERM under a backlog and restart
#   benches/reliability.sh all
#
# Everything runs on loopback against the fake Telegram server of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
cargo build --release --locked --quiet
exe=target/release/jianbao

corpus() {
    local work
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' RETURN
    mkdir -p "$work/good" "$work/hostile"
    # The test suite writes the corpora (the same generators as its fast tests).
    JIANBAO_RELIABILITY_DIR="$work" JIANBAO_RELIABILITY_GOOD=3000 \
        cargo test --release --locked --quiet --test it -- --ignored --exact \
        reliability::write_reliability_corpora >/dev/null
    for dir in good hostile; do
        /usr/bin/time -f "%M %e" -o "$work/$dir.time" \
            "$exe" --corpus "$work/$dir" check --json >"$work/$dir.json" 2>/dev/null || true
    done
    python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
def stats(name):
    doc = json.load(open(f"{work}/{name}.json"))
    rss_kb, secs = open(f"{work}/{name}.time").read().split()
    return doc, int(rss_kb), float(secs)
good, good_rss, good_s = stats("good")
bad, bad_rss, bad_s = stats("hostile")
good_ids = {a["article_id"] for a in good["articles"]}
loaded = {a["article_id"] for a in bad["articles"]}
named = {s["path"].rsplit("/", 1)[-1]: s["reason"] for s in bad["skipped"]}
warned = {a["origin"].rsplit("/", 1)[-1]: a["warnings"] for a in bad["articles"] if a["warnings"]}
print(f"good articles: {len(good_ids)}; loaded beside the hostile files: {len(good_ids & loaded)}")
print(f"peak RSS: good alone {good_rss/1024:.1f} MB in {good_s:.2f} s; with hostile files {bad_rss/1024:.1f} MB in {bad_s:.2f} s; ratio {bad_rss/good_rss:.2f}")
for name in sorted(set(named) | set(warned)):
    if name.startswith("good"):
        continue
    why = named.get(name) or "; ".join(warned[name])
    print(f"  {name}: {why[:110]}")
assert good_ids <= loaded, "a good article was lost"
assert bad_rss < 2 * good_rss, "over 2x the memory of the good articles alone"
EOF
}

bot() {
    JIANBAO_RELIABILITY_LONG=1 cargo test --release --locked --test it -- \
        --ignored --nocapture --test-threads 1 bot_reliability::long_
}

case "$what" in
    corpus) corpus ;;
    bot) bot ;;
    all) corpus; bot ;;
    *) echo "usage: $0 corpus|bot|all" >&2; exit 2 ;;
esac
