#!/usr/bin/env python3
"""Fits the logistic model behind `ask`'s confidence (src/answer/ask.rs, `confidence`).

Input: the dump of `jianbao eval --only news --dump /tmp/miss` (/tmp/miss.news.jsonl): one
line per question asked, with the features of the best candidate. Only the dev part
(`held_out` false) is fitted; the held-out part is scored with the fitted model, as a
check. The label is "the best sentence holds an answer" (never for unanswerable questions).

Usage: python3 benches/fit_confidence.py /tmp/miss.news.jsonl
Pure Python (no numpy), deterministic: plain gradient descent with a small L2 penalty.
"""

import json
import math
import sys

TYPED = {"number", "person", "place", "time", "reason"}


NAMES = [
    "bias", "support", "focus", "type_match", "type_missing", "unit_match", "date_fit",
    "date_missed", "identifier_missing", "heading", "margin", "missing",
]


def features(row):
    f = row.get("features")
    if not f:
        return None
    return [1.0] + [float(f[n]) for n in NAMES[1:]]


def label(row):
    if row["kind"] == "unanswerable" or not row["top"]:
        return 0.0
    return 1.0 if row["top"][0]["holds"] else 0.0


def fit(xs, ys, l2=0.003, steps=30000, rate=2.0):
    w = [0.0] * len(xs[0])
    n = len(xs)
    for _ in range(steps):
        grad = [0.0] * len(w)
        for x, y in zip(xs, ys):
            z = sum(a * b for a, b in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-z))
            for i, xi in enumerate(x):
                grad[i] += (p - y) * xi / n
        for i in range(len(w)):
            reg = l2 * w[i] if i > 0 else 0.0
            w[i] -= rate * (grad[i] + reg)
    return w


def predict(w, x):
    return 1.0 / (1.0 + math.exp(-sum(a * b for a, b in zip(w, x))))


def main(path):
    rows = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
    data = [(r, features(r), label(r)) for r in rows]
    data = [d for d in data if d[1] is not None]
    dev = [d for d in data if not d[0]["held_out"]]
    held = [d for d in data if d[0]["held_out"]]
    w = fit([d[1] for d in dev], [d[2] for d in dev])
    for name, value in zip(NAMES, w):
        print(f"{name:>13} {value:+.3f}")
    for part, rows in (("dev", dev), ("held-out", held)):
        print(f"\n{part}: {len(rows)} questions")
        buckets = {}
        for r, x, y in rows:
            p = predict(w, x)
            b = min(int(p * 10), 9)
            buckets.setdefault(b, []).append((p, y))
        for b in sorted(buckets):
            items = buckets[b]
            print(
                f"  {b / 10:.1f}-{(b + 1) / 10:.1f}: {len(items):4d}  mean {sum(p for p, _ in items) / len(items):.2f}"
                f"  correct {sum(y for _, y in items) / len(items):.2f}"
            )
        for t in (0.4, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8):
            ans = [(r, y) for r, x, y in rows if predict(w, x) >= t]
            answerable = [r for r, _, _ in rows if r["kind"] == "answerable"]
            unans = [r for r, _, _ in rows if r["kind"] == "unanswerable"]
            right = sum(1 for r, y in ans if y and r["kind"] == "answerable")
            wrong = sum(1 for r, y in ans if not y and r["kind"] == "answerable")
            false = sum(1 for r, _ in ans if r["kind"] == "unanswerable")
            print(
                f"  threshold {t}: answer@1 {right / max(1, len(answerable)):.3f}"
                f" wrong {wrong / max(1, len(answerable)):.3f}"
                f" unanswerable answered {false / max(1, len(unans)):.3f}"
            )


if __name__ == "__main__":
    main(sys.argv[1])
