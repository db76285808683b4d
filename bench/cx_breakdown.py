"""Where the CX-aware score's cost goes, step by step, against the raw fast score.

    python bench/cx_breakdown.py [--short N] [--long N] [--repeats R] [--seed S]

Issue 8 asks the CX-aware score (``score_batch``) to cost at most 1.3x FastVader's raw
``polarity_scores``. This script times, on the texts ``bench/sentiment.py --section cx``
uses, cold caches each round, rounds interleaved, median CPU seconds of one process, a
ladder of runs that each add one step the CX score cannot do without:

short comments: the raw pass as the CX path runs it (tuple, tokens kept), then the
sentence count, then the Hyperscan pass over each batch of 250, then a TextScore per
text (labels, evidence); the last rung is ``score_batch`` itself, which adds the exact
rules on the comments the scan flags and the batch's bookkeeping.

narratives: the sentences found, then each sentence's compound from the same engine pass
(``FastVader.split_scores``), then the Hyperscan pass, then the pooled score; the last
rung is ``score_batch``, which adds the rules on flagged sentences and the checks that
pick the path.

A rung's ratio to the raw run is the least the CX score could cost if everything after
that rung were free.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import DEFAULT_EXTERNAL, narratives, short_comments  # noqa: E402
from sentiment import interleaved_medians, load_note  # noqa: E402

from vocsrc.sentiment.cx import default_lexicon  # noqa: E402
from vocsrc.sentiment.document import clear_cache, score_batch  # noqa: E402
from vocsrc.sentiment.document_fast import _long_score, joined_sentences, score_shorts  # noqa: E402
from vocsrc.sentiment.fastvader import get_engine  # noqa: E402
from vocsrc.sentiment.prescreen import prescreen  # noqa: E402
from vocsrc.sentiment.sentences import _ENDERS, _ends_sentence  # noqa: E402

CHUNK = 250


def _ladder_short(texts: list[str]) -> dict[str, Callable[[], object]]:
    engine, lex = get_engine(), default_lexicon()
    pre = prescreen(lex)
    scan = pre.scan
    batches = [texts[i:i + CHUNK] for i in range(0, len(texts), CHUNK)]

    def raw_pass() -> object:
        split = engine.scores_split
        return [split(t, t.split()) for t in texts]

    def counted() -> object:
        split = engine.scores_split
        engine.mark_tokens(_ENDERS, _ends_sentence)
        out = []
        for t in texts:
            toks = t.split()
            scores = split(t, toks)
            if toks:
                ends = engine.marked_tokens().__contains__
                out.append((scores, 1 + sum(map(ends, toks)) - ends(toks[-1])))
        return out

    def scanned() -> object:
        return counted(), [scan.ends_many(b) for b in batches]

    def built() -> object:
        out = []
        for b in batches:
            scan.ends_many(b)
            out += score_shorts(b, [t.split() for t in b], engine, lex, {}, pre.ends)
        return out

    return {"raw pass, as the CX path runs it": raw_pass, "+ sentence count": counted,
            "+ Hyperscan pass": scanned, "+ TextScore (labels, evidence)": built}


def _ladder_long(texts: list[str]) -> dict[str, Callable[[], object]]:
    engine, lex = get_engine(), default_lexicon()
    pre = prescreen(lex)
    scan = pre.scan

    def found() -> object:
        out = []
        for t in texts:
            toks = t.split()
            joined = " ".join(toks)
            spans, bounds = joined_sentences(joined, len(toks), pre.ends)
            out.append((engine.scores_split(t, toks), [joined[a:b] for a, b in spans], bounds))
        return out

    def compounds(with_scan: bool = False, pooled: bool = False) -> object:
        out = []
        for t in texts:
            toks = t.split()
            joined = " ".join(toks)
            spans, bounds = joined_sentences(joined, len(toks), pre.ends)
            parts = [joined[a:b] for a, b in spans]
            whole, raws = engine.split_scores(t, toks, parts, bounds)
            if with_scan:
                scan.ends(joined.lower())
            out.append(_long_score(parts, *whole, raws) if pooled else (whole, raws))
        return out

    return {"+ sentences found": found, "+ their compounds, same pass": compounds,
            "+ Hyperscan pass": lambda: compounds(True), "+ pooled score, evidence": lambda: compounds(True, True)}


def run(kind: str, texts: list[str], ladder: dict[str, Callable[[], object]], repeats: int) -> None:
    engine = get_engine()
    polarity = engine.polarity_scores

    def cold(fn: Callable[[], object]) -> Callable[[], object]:
        def go() -> object:
            engine.clear_cache()
            clear_cache()
            return fn()
        return go

    runners = {"raw: FastVader polarity_scores": cold(lambda: [polarity(t) for t in texts])}
    runners.update({name: cold(fn) for name, fn in ladder.items()})
    runners["score_batch (everything)"] = cold(
        lambda: [s for i in range(0, len(texts), CHUNK) for s in score_batch(texts[i:i + CHUNK])])
    print(f"\n[{kind}] before: {load_note()}")
    timings, _ = interleaved_medians(runners, repeats)
    raw = timings["raw: FastVader polarity_scores"].cpu
    n = len(texts)
    print(f"{kind}: {n:,} texts, mean {statistics.fmean(map(len, texts)):,.0f} chars, median of {repeats} rounds, "
          "one process, cold caches")
    print(f"  {'':42}{'us/text':>9}{'x raw':>8}")
    for name, t in timings.items():
        print(f"  {name:<42}{1e6 * t.cpu / n:>9.1f}{t.cpu / raw:>8.2f}")
    print(f"  after: {load_note()}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--short", type=int, default=20_000)
    ap.add_argument("--long", type=int, default=2_000)
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--external", type=Path, default=DEFAULT_EXTERNAL)
    args = ap.parse_args(argv)
    if prescreen(default_lexicon()).scan is None:
        print("Hyperscan is not in use here (not installed, or VOC_RULESCAN=off): nothing to break down")
        return 1
    shorts = short_comments(args.external, args.short, args.seed)
    run("short comments", shorts, _ladder_short(shorts), args.repeats)
    longs = narratives(args.external, args.long, args.seed)
    run("narratives", longs, _ladder_long(longs), args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
