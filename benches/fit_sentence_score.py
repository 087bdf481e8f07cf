#!/usr/bin/env python3
"""Fits the weights of `ask`'s sentence score (src/answer/ask.rs, `W_*`) on the dev questions
and reports what the fitted weights would choose, as a check of the hand-set ones.

Input: the dumps of `jianbao eval --only news --dump /tmp/main` (/tmp/main.news.jsonl) and,
optionally, of the fresh set (`--questions eval/news_questions_fresh.jsonl --dump /tmp/fresh`).
Each question's line lists its candidate sentences (best first, up to 60) with the parts of
their score and whether each holds an answer. The fit is listwise: a softmax over each dev
question's first 40 candidates, maximising the probability of those holding an answer, with
an L2 pull towards the hand-set weights (so a weight moves only as far as dev supports).
It reports best sentence@1 (dev, held-out, fresh) for the hand-set weights recomputed here
and for the fitted ones. Pure Python, deterministic.

Usage: python3 benches/fit_sentence_score.py /tmp/main.news.jsonl [/tmp/fresh.news.jsonl]
"""

import json
import math
import sys

NAMES = [
    "coverage", "focus", "grams", "type_match", "unit_match", "rank", "proximity",
    "position", "date_fit", "year_part_fit", "ordinal_fit", "heading",
]
# The hand-set weights in the same terms (W_COVERAGE split by FOCUS_SHARE, W_RANK / (1 +
# rank), W_POSITION / (1 + position), W_HEADING subtracted).
HAND = [0.07, 0.63, 0.1, 0.2, 0.1, 0.2, 0.05, 0.03, 0.25, 0.25, 0.25, -0.15]


def features(c):
    return [
        c["coverage"], c["focus"], c["grams"], float(c["type_match"]), float(c["unit_match"]),
        1 / (1 + c["paragraph_rank"]), c["proximity"], 1 / (1 + c["position"]), c["date_fit"],
        c["year_part_fit"], c["ordinal_fit"], float(c["heading"]),
    ]


def answerable(path, keep):
    rows = []
    for line in open(path, encoding="utf-8"):
        r = json.loads(line)
        if r.get("corpus") == "seed alone" or r["kind"] == "unanswerable" or not keep(r):
            continue
        rows.append(r)
    return rows


def best_at_1(rows, w):
    def score(c):
        return sum(a * b for a, b in zip(w, features(c)))
    hits = sum(max(r["candidates"], key=score)["holds"] for r in rows if r["candidates"])
    return hits / max(1, len(rows))


def fit(rows, l2=1.0, temperature=10.0, steps=300, rate=0.3):
    data = []
    for r in rows:
        cs = r["candidates"][:40]
        held = [c["holds"] for c in cs]
        if any(held) and not all(held):
            data.append(([features(c) for c in cs], held))
    w = HAND[:]
    for _ in range(steps):
        grad = [0.0] * len(w)
        for xs, held in data:
            z = [temperature * sum(a * b for a, b in zip(w, x)) for x in xs]
            top = max(z)
            e = [math.exp(v - top) for v in z]
            total, good = sum(e), sum(ei for ei, h in zip(e, held) if h)
            for i in range(len(w)):
                all_mean = sum(ei * x[i] for ei, x in zip(e, xs)) / total
                good_mean = sum(ei * x[i] for ei, x, h in zip(e, xs, held) if h) / good
                grad[i] += temperature * (good_mean - all_mean)
        w = [wi + rate * (g / len(data) - l2 * (wi - h)) for wi, g, h in zip(w, grad, HAND)]
    return w


def main():
    dev = answerable(sys.argv[1], lambda r: not r["held_out"])
    held = answerable(sys.argv[1], lambda r: r["held_out"])
    fresh = answerable(sys.argv[2], lambda r: True) if len(sys.argv) > 2 else []
    fitted = fit(dev)
    for name, w in (("hand-set", HAND), ("fitted", fitted)):
        parts = [f"dev {best_at_1(dev, w):.3f}", f"held-out {best_at_1(held, w):.3f}"]
        if fresh:
            parts.append(f"fresh {best_at_1(fresh, w):.3f}")
        print(f"{name}: best sentence@1 " + ", ".join(parts))
    print("fitted weights: " + " ".join(f"{n}={x:.2f}" for n, x in zip(NAMES, fitted)))


if __name__ == "__main__":
    main()
