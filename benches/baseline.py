#!/usr/bin/env python3
"""Python baseline for jianbao: jieba + rank_bm25, "the way a typical Python bot does it".

Two subcommands:

``quality``
    The evaluation that ``jianbao eval`` runs, done with ``jieba.lcut`` tokens and
    ``rank_bm25.BM25Okapi``:

    * CMRC 2018 trial and DRCD dev (SQuAD-style JSON): every paragraph of the set is a
      document, plus every paragraph of every 新闻联播 story of 2025 as a distractor. Each
      question is a query; we report Recall@1, Recall@5 and MRR@10 of the gold paragraph.
      The top 3 retrieved paragraphs are split into sentences, the sentences are ranked by a
      BM25Okapi built over those candidate sentences only, and answer@1 / answer@3 count the
      questions whose best sentence / one of the 3 best sentences contains a gold answer text.
    * LCSTS part III (records with human_label >= 3): Lead-1 (the first sentence of the text)
      against the human summary, character-level ROUGE-1/2/L F1.

``latency``
    Index a JSONL news corpus (one BM25Okapi document per paragraph, title + paragraph) and
    time queries: tokenise + ``get_scores`` over all documents + top-10 argsort, one thread.

Conventions shared by both (and documented in benches/README.md):

* Tokens are ``jieba.lcut(text)`` (accurate mode, HMM on, jieba's default dictionary, no user
  dictionary, no stop words, no case folding, no script conversion: DRCD stays in Traditional
  script). Tokens made only of whitespace and/or Unicode punctuation (categories P*) are dropped.
* BM25Okapi keeps rank_bm25's defaults: k1 = 1.5, b = 0.75, epsilon = 0.25.
* Ranks break ties against the gold paragraph: its rank is 1 + the number of other documents
  whose score is greater than *or equal to* its own. Top-k lists (for sentences, for latency)
  use a stable sort, so equal scores keep document order.
* Sentences end after 。！？!? (a run of them counts as one end), closing quotes ”」』 that
  follow stay with the sentence, and a newline always ends a sentence. Empty sentences are
  dropped.

The data is read by path (``--data``, default ``../shared/data`` next to the repository root)
and never copied. Output is deterministic apart from the timings.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import math
import os
import platform
import random
import re
import resource
import sys
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Iterable, Iterator, Sequence

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"

CMRC_FILE = "cmrc2018/cmrc2018_trial.json"
DRCD_FILE = "drcd/DRCD_dev.json"
LCSTS_FILE = "lcsts_part3/lcsts_part3.jsonl"
DISTRACTOR_FILE = "xinwenlianbo/xwlb_stories_2025.jsonl"
LATENCY_CORPUS_GLOB = "xinwenlianbo/xwlb_stories_*.jsonl"

DATASETS = ("cmrc", "drcd", "lcsts")
TOP_PARAGRAPHS_FOR_SENTENCES = 3
LCSTS_MIN_LABEL = 3
WARMUP_QUERIES = 20
TOP_K = 10

# One sentence: anything up to and including a run of terminators plus closing quotes.
_SENTENCE_END = re.compile(r"([。！？!?]+[”」』]*)")


# --------------------------------------------------------------------------- text


def is_punct_or_space(ch: str) -> bool:
    """True for whitespace and Unicode punctuation (general category P*)."""
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def tokenize(text: str) -> list[str]:
    """jieba.lcut tokens of ``text``, without tokens made only of whitespace/punctuation."""
    return [t for t in jieba.lcut(text) if not all(is_punct_or_space(c) for c in t)]


def split_sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (see the module docstring for the rule)."""
    sentences = []
    for line in text.split("\n"):
        for piece in _SENTENCE_END.sub("\\1\n", line).split("\n"):
            piece = piece.strip()
            if piece:
                sentences.append(piece)
    return sentences


def rouge_chars(text: str) -> list[str]:
    """Characters used as ROUGE tokens: all but whitespace and punctuation."""
    return [c for c in text if not is_punct_or_space(c)]


# --------------------------------------------------------------------------- metrics


def f1(overlap: int, candidate_len: int, reference_len: int) -> float:
    """F1 from an overlap count and the two lengths (0 when there is no overlap)."""
    if overlap == 0 or candidate_len == 0 or reference_len == 0:
        return 0.0
    precision = overlap / candidate_len
    recall = overlap / reference_len
    return 2 * precision * recall / (precision + recall)


def rouge_n(candidate: Sequence[str], reference: Sequence[str], n: int) -> float:
    """ROUGE-N F1 with clipped n-gram counts."""
    cand = Counter(tuple(candidate[i : i + n]) for i in range(len(candidate) - n + 1))
    ref = Counter(tuple(reference[i : i + n]) for i in range(len(reference) - n + 1))
    overlap = sum((cand & ref).values())
    return f1(overlap, sum(cand.values()), sum(ref.values()))


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence of ``a`` and ``b``."""
    if not a or not b:
        return 0
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]


def rouge_l(candidate: Sequence[str], reference: Sequence[str]) -> float:
    """ROUGE-L F1 (LCS based, beta = 1)."""
    return f1(lcs_length(candidate, reference), len(candidate), len(reference))


def gold_rank(scores: np.ndarray, gold: int) -> int:
    """1-based rank of document ``gold``; ties count against it."""
    return int(np.count_nonzero(scores >= scores[gold]))


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the ``k`` best scores, best first; equal scores keep document order."""
    return np.argsort(-scores, kind="stable")[:k].tolist()


# --------------------------------------------------------------------------- data


@dataclass
class Question:
    """One SQuAD-style question with its gold answer texts."""

    qid: str
    text: str
    answers: list[str]


@dataclass
class Paragraph:
    """One retrievable paragraph and the questions whose gold paragraph it is."""

    pid: str
    text: str
    questions: list[Question] = field(default_factory=list)


def read_jsonl(path: Path) -> Iterator[dict]:
    """Yield the JSON objects of a JSON Lines file, skipping blank lines."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def load_squad(path: Path) -> list[Paragraph]:
    """Paragraphs (with questions) of a SQuAD v1.1 style file, in file order."""
    with path.open(encoding="utf-8") as f:
        data = json.load(f)["data"]
    paragraphs = []
    for article in data:
        for p in article["paragraphs"]:
            questions = [
                Question(q["id"], q["question"], [a["text"] for a in q["answers"]])
                for q in p["qas"]
            ]
            paragraphs.append(Paragraph(str(p["id"]), p["context"], questions))
    return paragraphs


def article_paragraphs(record: dict) -> list[str]:
    """Non-empty paragraphs of a corpus record: ``paragraphs`` list, else ``body`` lines."""
    if record.get("paragraphs"):
        raw = record["paragraphs"]
    else:
        raw = (record.get("body") or "").split("\n")
    return [p.strip() for p in raw if p and p.strip()]


def load_news_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(id, text) for every paragraph of every story; id = ``<story id>#<n>``."""
    out = []
    for record in read_jsonl(path):
        for n, text in enumerate(article_paragraphs(record)):
            out.append((f"{record['id']}#{n}", text))
    return out


# --------------------------------------------------------------------------- quality


def best_sentences(question_tokens: list[str], paragraphs: Iterable[str], k: int) -> tuple[list[str], list[str]]:
    """Rank the sentences of ``paragraphs`` against the question.

    The candidate sentences get their own BM25Okapi (IDF over the candidates), and the
    question is scored against it. Returns (the ``k`` best sentences, all candidates).
    """
    candidates = [s for p in paragraphs for s in split_sentences(p)]
    tokenized = [tokenize(s) for s in candidates]
    if not any(tokenized):  # BM25Okapi cannot be built over an empty vocabulary
        return candidates[:k], candidates
    scores = BM25Okapi(tokenized).get_scores(question_tokens)
    return [candidates[i] for i in top_k(scores, k)], candidates


def contains_any(text: str, answers: Iterable[str]) -> bool:
    """True when ``text`` contains any of the answer strings verbatim."""
    return any(a and a in text for a in answers)


def evaluate_squad(
    name: str,
    path: Path,
    distractor_ids: list[str],
    distractor_tokens: list[list[str]],
    distractor_texts: list[str],
    limit: int | None,
) -> dict:
    """Paragraph retrieval and answer-sentence metrics for one SQuAD-style set."""
    paragraphs = load_squad(path)
    questions = [(i, q) for i, p in enumerate(paragraphs) for q in p.questions]
    if limit is not None:
        questions = questions[:limit]

    t0 = time.perf_counter()
    own_tokens = [tokenize(p.text) for p in paragraphs]
    t1 = time.perf_counter()
    bm25 = BM25Okapi(own_tokens + distractor_tokens)
    t2 = time.perf_counter()
    texts = [p.text for p in paragraphs] + distractor_texts
    ids = [p.pid for p in paragraphs] + distractor_ids
    # Paragraph ids must be unique for "gold paragraph" to mean one document.
    assert len(set(ids)) == len(ids), f"{name}: duplicate paragraph ids"

    ranks, tied = [], 0
    answer1 = answer3 = in_top3 = in_candidates = 0
    retrieve_s = sentence_s = 0.0
    for gold, q in questions:
        a = time.perf_counter()
        q_tokens = tokenize(q.text)
        scores = bm25.get_scores(q_tokens)
        rank = gold_rank(scores, gold)
        top = top_k(scores, TOP_PARAGRAPHS_FOR_SENTENCES)
        b = time.perf_counter()
        best, candidates = best_sentences(q_tokens, (texts[i] for i in top), 3)
        c = time.perf_counter()
        retrieve_s += b - a
        sentence_s += c - b

        ranks.append(rank)
        tied += int(np.count_nonzero(scores == scores[gold]) > 1)
        answer1 += bool(best) and contains_any(best[0], q.answers)
        answer3 += any(contains_any(s, q.answers) for s in best)
        in_top3 += any(contains_any(texts[i], q.answers) for i in top)
        in_candidates += any(contains_any(s, q.answers) for s in candidates)

    n = len(questions)
    ratio = (lambda x: round(x / n, 4)) if n else (lambda x: None)
    return {
        "file": str(path),
        "questions": n,
        "documents": len(texts),
        "eval_paragraphs": len(paragraphs),
        "distractor_paragraphs": len(distractor_texts),
        "recall@1": ratio(sum(r <= 1 for r in ranks)),
        "recall@5": ratio(sum(r <= 5 for r in ranks)),
        "mrr@10": ratio(sum(1 / r for r in ranks if r <= 10)),
        "answer@1": ratio(answer1),
        "answer@3": ratio(answer3),
        "diagnostics": {
            "gold_tied_with_another_document": tied,
            "answer_in_top3_paragraphs": ratio(in_top3),
            "answer_inside_one_candidate_sentence": ratio(in_candidates),
            "median_gold_rank": int(np.median(ranks)) if ranks else None,
        },
        "timing": {
            "tokenize_eval_paragraphs_s": round(t1 - t0, 3),
            "bm25_index_s": round(t2 - t1, 3),
            "retrieval_s_per_query": round(retrieve_s / n, 5) if n else None,
            "sentence_stage_s_per_query": round(sentence_s / n, 5) if n else None,
            "total_s": round(time.perf_counter() - t0, 2),
        },
    }


def evaluate_lcsts(path: Path, limit: int | None) -> dict:
    """Lead-1 character-level ROUGE-1/2/L F1 on LCSTS part III records rated >= 3."""
    t0 = time.perf_counter()
    records = [r for r in read_jsonl(path) if int(r["human_label"]) >= LCSTS_MIN_LABEL]
    if limit is not None:
        records = records[:limit]
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    single_sentence = 0
    for r in records:
        sentences = split_sentences(r["text"])
        single_sentence += len(sentences) <= 1
        lead = sentences[0] if sentences else ""
        cand, ref = rouge_chars(lead), rouge_chars(r["summary"])
        totals["rouge1"] += rouge_n(cand, ref, 1)
        totals["rouge2"] += rouge_n(cand, ref, 2)
        totals["rougeL"] += rouge_l(cand, ref)
    n = len(records)
    result = {"file": str(path), "records": n, "system": "lead-1"}
    result.update({k: round(v / n, 4) if n else None for k, v in totals.items()})
    result["diagnostics"] = {"texts_with_one_sentence": single_sentence}
    result["timing"] = {"total_s": round(time.perf_counter() - t0, 3)}
    return result


def versions() -> dict:
    """Versions of the interpreter and the libraries that make the figures."""
    out = {"python": platform.python_version()}
    for package in ("jieba", "rank_bm25", "numpy"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            out[package] = None
    return out


def init_jieba() -> float:
    """Load jieba's dictionary now (quietly) and return the seconds it took."""
    jieba.setLogLevel(logging.WARNING)
    t0 = time.perf_counter()
    jieba.initialize()
    return round(time.perf_counter() - t0, 3)


def print_quality_table(results: dict, out=sys.stderr) -> None:
    """Short human-readable summary of ``quality`` results."""
    print(f"{'dataset':8} {'n':>6} {'R@1':>6} {'R@5':>6} {'MRR10':>6} {'ans@1':>6} {'ans@3':>6} {'time':>8}", file=out)
    for name in ("cmrc", "drcd"):
        r = results.get(name)
        if r:
            print(
                f"{name:8} {r['questions']:>6} {r['recall@1']:>6} {r['recall@5']:>6} {r['mrr@10']:>6} "
                f"{r['answer@1']:>6} {r['answer@3']:>6} {r['timing']['total_s']:>7}s",
                file=out,
            )
    r = results.get("lcsts")
    if r:
        print(
            f"{'lcsts':8} {r['records']:>6} lead-1 R1 {r['rouge1']} R2 {r['rouge2']} RL {r['rougeL']}",
            file=out,
        )


def cmd_quality(args: argparse.Namespace) -> int:
    """The ``quality`` subcommand."""
    data: Path = args.data
    wanted = [d.strip() for d in args.only.split(",") if d.strip()]
    unknown = sorted(set(wanted) - set(DATASETS))
    if unknown:
        print(f"unknown dataset(s) in --only: {', '.join(unknown)}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    results: dict = {
        "tool": "benches/baseline.py quality",
        "data": str(data),
        "limit": args.limit,
        "versions": versions(),
        "settings": {
            "tokenizer": "jieba.lcut (accurate mode, HMM, default dictionary); "
            "whitespace/punctuation-only tokens dropped; no stop words, no case folding, "
            "no script conversion",
            "bm25": "rank_bm25.BM25Okapi k1=1.5 b=0.75 epsilon=0.25; ties count against the gold paragraph",
            "sentences": "split after runs of 。！？!? (closing ”」』 kept), newlines split; "
            "candidates = sentences of the top 3 paragraphs, ranked by a BM25Okapi over the candidates",
            "answer_match": "gold answer text is a substring of the sentence",
            "rouge": "character level, whitespace and Unicode punctuation removed from both sides, "
            "F1 per record averaged over records",
        },
        "jieba_init_s": init_jieba(),
    }

    squad_sets = {"cmrc": data / CMRC_FILE, "drcd": data / DRCD_FILE}
    distractors = None
    for name in ("cmrc", "drcd"):
        if name not in wanted:
            continue
        path = squad_sets[name]
        if not path.is_file():
            print(f"{name}: {path} not found, skipped", file=sys.stderr)
            continue
        if distractors is None:
            distractor_path = data / DISTRACTOR_FILE
            if not distractor_path.is_file():
                print(f"distractors: {distractor_path} not found, retrieval sets skipped", file=sys.stderr)
                break
            t0 = time.perf_counter()
            pairs = load_news_paragraphs(distractor_path)
            ids = [i for i, _ in pairs]
            texts = [t for _, t in pairs]
            tokens = [tokenize(t) for t in texts]
            distractors = (ids, tokens, texts)
            results["distractors"] = {
                "file": str(distractor_path),
                "paragraphs": len(texts),
                "load_and_tokenize_s": round(time.perf_counter() - t0, 2),
            }
            print(f"distractors: {len(texts)} paragraphs tokenised", file=sys.stderr)
        print(f"{name}: evaluating ...", file=sys.stderr)
        results[name] = evaluate_squad(name, path, *distractors, limit=args.limit)

    if "lcsts" in wanted:
        path = data / LCSTS_FILE
        if path.is_file():
            results["lcsts"] = evaluate_lcsts(path, args.limit)
        else:
            print(f"lcsts: {path} not found, skipped", file=sys.stderr)

    results["total_s"] = round(time.perf_counter() - started, 1)
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print_quality_table(results)
    return 0


# --------------------------------------------------------------------------- latency


@dataclass
class Article:
    """A corpus article: id, title and non-empty paragraphs."""

    aid: str
    title: str
    paragraphs: list[str]


def load_articles(paths: Sequence[Path]) -> tuple[list[Article], int]:
    """Articles with at least one paragraph, and the number skipped for an empty body."""
    articles, empty = [], 0
    for path in paths:
        for record in read_jsonl(path):
            paragraphs = article_paragraphs(record)
            if not paragraphs:
                empty += 1
                continue
            articles.append(Article(str(record["id"]), (record.get("title") or "").strip(), paragraphs))
    return articles, empty


def sample_queries(articles: Sequence[Article], n: int, seed: int) -> list[str]:
    """``n`` queries of 1-4 consecutive title words (2+ characters each), chosen with ``seed``."""
    rng = random.Random(seed)
    queries: list[str] = []
    while len(queries) < n:
        words = [w for w in tokenize(rng.choice(articles).title) if len(w) >= 2]
        if not words:
            continue
        k = min(rng.randint(1, 4), len(words))
        start = rng.randrange(len(words) - k + 1)
        queries.append(" ".join(words[start : start + k]))
    return queries


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of already sorted values."""
    index = max(0, math.ceil(q / 100 * len(sorted_values)) - 1)
    return sorted_values[index]


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (ru_maxrss is KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def search(bm25: BM25Okapi, doc_ids: Sequence[str], query: str) -> list[str]:
    """What the bot does per query: tokenise, score every document, take the top 10."""
    scores = bm25.get_scores(tokenize(query))
    return [doc_ids[i] for i in np.argsort(scores)[::-1][:TOP_K]]


def cmd_latency(args: argparse.Namespace) -> int:
    """The ``latency`` subcommand."""
    paths = args.corpus or sorted(args.data.glob(LATENCY_CORPUS_GLOB))
    missing = [p for p in paths if not p.is_file()]
    if not paths or missing:
        print(f"corpus file(s) not found: {', '.join(map(str, missing)) or LATENCY_CORPUS_GLOB}", file=sys.stderr)
        return 2
    jieba_init_s = init_jieba()
    rss_before = peak_rss_mb()

    t0 = time.perf_counter()
    articles, empty = load_articles(paths)
    t1 = time.perf_counter()
    doc_ids: list[str] = []
    corpus: list[list[str]] = []
    text_bytes = 0
    for a in articles:
        title_tokens = tokenize(a.title)
        text_bytes += len(a.title.encode("utf-8"))
        for n, p in enumerate(a.paragraphs):
            doc_ids.append(f"{a.aid}#{n}")
            corpus.append(title_tokens + tokenize(p))
            text_bytes += len(p.encode("utf-8"))
    t2 = time.perf_counter()
    bm25 = BM25Okapi(corpus)
    t3 = time.perf_counter()
    token_count = sum(len(d) for d in corpus)
    del corpus
    rss_indexed = peak_rss_mb()

    if args.queries:
        queries = [q.strip() for q in args.queries.read_text(encoding="utf-8").splitlines() if q.strip()]
        query_source = str(args.queries)
    else:
        queries = sample_queries(articles, args.sample_queries, args.seed)
        query_source = f"sampled from titles: n={args.sample_queries} seed={args.seed}"
        if args.write_queries:
            args.write_queries.parent.mkdir(parents=True, exist_ok=True)
            args.write_queries.write_text("\n".join(queries) + "\n", encoding="utf-8")
    if not queries:
        print("no queries", file=sys.stderr)
        return 2

    for i in range(WARMUP_QUERIES):
        search(bm25, doc_ids, queries[i % len(queries)])
    latencies_ms = []
    for _ in range(args.repeat):
        for q in queries:
            a = time.perf_counter_ns()
            search(bm25, doc_ids, q)
            latencies_ms.append((time.perf_counter_ns() - a) / 1e6)
    latencies_ms.sort()

    build_s = t3 - t0
    mb = text_bytes / 1e6
    result = {
        "tool": "benches/baseline.py latency",
        "versions": versions(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "corpus": [str(p) for p in paths],
        "articles": len(articles),
        "articles_skipped_empty_body": empty,
        "documents": len(doc_ids),
        "tokens": token_count,
        "text_mb": round(mb, 2),
        "jieba_init_s": jieba_init_s,
        "build": {
            "load_s": round(t1 - t0, 3),
            "tokenize_s": round(t2 - t1, 3),
            "index_s": round(t3 - t2, 3),
            "total_s": round(build_s, 3),
            "mb_per_s": round(mb / build_s, 3),
        },
        "rss_mb": {"before_load": rss_before, "peak_after_index": rss_indexed},
        "queries": {
            "source": query_source,
            "count": len(queries),
            "sha256": hashlib.sha256("\n".join(queries).encode("utf-8")).hexdigest(),
            "repeat": args.repeat,
            "warmup": WARMUP_QUERIES,
            "timed": len(latencies_ms),
        },
        "latency_ms": {
            "p50": round(percentile(latencies_ms, 50), 3),
            "p99": round(percentile(latencies_ms, 99), 3),
            "max": round(latencies_ms[-1], 3),
            "mean": round(sum(latencies_ms) / len(latencies_ms), 3),
        },
    }
    result["rss_mb"]["peak_end"] = peak_rss_mb()
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    lat = result["latency_ms"]
    print(
        f"{len(doc_ids)} docs, build {build_s:.1f}s ({mb / build_s:.2f} MB/s), peak RSS {result['rss_mb']['peak_end']} MB; "
        f"query p50 {lat['p50']} ms, p99 {lat['p99']} ms, max {lat['max']} ms",
        file=sys.stderr,
    )
    return 0


# --------------------------------------------------------------------------- CLI


def build_parser() -> argparse.ArgumentParser:
    """Command-line interface; --data and --out belong to every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help=f"evaluation data folder (default: ../shared/data beside the repo root, {DEFAULT_DATA})",
    )
    common.add_argument("--out", type=Path, metavar="FILE", help="also write the JSON result to FILE")

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    q = sub.add_parser("quality", parents=[common], help="retrieval, answer-sentence and Lead-1 ROUGE figures")
    q.add_argument("--only", default=",".join(DATASETS), help="comma-separated subset of cmrc,drcd,lcsts")
    q.add_argument("--limit", type=int, metavar="N", help="first N questions / records per dataset (smoke run)")
    q.set_defaults(func=cmd_quality)

    lat = sub.add_parser("latency", parents=[common], help="index build time, peak RSS and per-query latency")
    lat.add_argument(
        "--corpus", type=Path, nargs="+", metavar="FILE", help=f"JSONL article files (default: DATA/{LATENCY_CORPUS_GLOB})"
    )
    lat.add_argument("--queries", type=Path, metavar="FILE", help="one query per line (default: sample from titles)")
    lat.add_argument(
        "--sample-queries", type=int, default=200, metavar="N", help="without --queries: sample N queries from titles (default 200)"
    )
    lat.add_argument("--seed", type=int, default=20250101, help="seed for the query sample")
    lat.add_argument("--write-queries", type=Path, metavar="FILE", help="write the sampled queries to FILE")
    lat.add_argument("--repeat", type=int, default=1, metavar="N", help="time every query N times (default 1)")
    lat.set_defaults(func=cmd_latency)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
