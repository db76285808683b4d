"""FastVader must give exactly what vaderSentiment 3.3.2 gives, for any text.

Every expectation here is computed by vaderSentiment itself at test time, so a
divergence in either engine shows up as a failure; nothing is hard-coded.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vaderSentiment import vaderSentiment as vs

from vocsrc.sentiment.check import check_file
from vocsrc.sentiment.fastvader import FastVader, get_engine
from vocsrc.sentiment.parallel import score_texts

REF = vs.SentimentIntensityAnalyzer()
FAST = FastVader()
KEYS = ("neg", "neu", "pos", "compound")
TOL = 1e-9

csv.field_size_limit(sys.maxsize)


def mismatches(texts: list[str], limit: int = 5) -> list[tuple[str, dict, dict]]:
    bad = []
    for text in texts:
        want = REF.polarity_scores(text)
        got = FAST.polarity_scores(text)
        tup = FAST.scores_tuple(text)
        if (
            list(got) != list(want)
            or any(abs(got[k] - want[k]) > TOL for k in KEYS)
            or tup != tuple(got[k] for k in KEYS)
        ):
            bad.append((text, want, got))
            if len(bad) >= limit:
                break
    return bad


# -- loaders for the external sets (see shared/data/external/SOURCES.md) --------


def _lines(path: Path, encoding: str = "utf-8") -> list[str]:
    # Split on "\n" only: imdb_labelled.txt holds NEL (U+0085), which splitlines()
    # would treat as a line break.
    raw = path.read_bytes().decode(encoding)
    return [ln[:-1] if ln.endswith("\r") else ln for ln in raw.split("\n") if ln.strip()]


def _tab_column(path: Path, col: int, maxsplit: int) -> list[str]:
    return [ln.split("\t", maxsplit)[col] for ln in _lines(path)]


def _csv_column(path: Path, *columns: str, delimiter: str = ",") -> list[str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=delimiter))
    texts = [row[c] for row in rows for c in columns if row.get(c)]
    assert texts, f"no texts in {path} {columns}"
    return texts


def _vader(name: str):
    return lambda ext: _tab_column(ext / "vader_icwsm2014" / f"{name}_GroundTruth.txt", 2, 2)


def _uci(ext: Path) -> list[str]:
    folder = ext / "uci_sentiment_labelled_sentences"
    return [
        ln.rsplit("\t", 1)[0]
        for name in ("amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt")
        for ln in _lines(folder / name)
    ]


def _ucsb(ext: Path) -> list[str]:
    cols = ("workshop_strengths.post", "workshop_improved.post", "instructor_example.post",
            "suggest_topics.post", "hopes.pre")
    return _csv_column(ext / "ucsb_carpentry_workshop_survey" / "all_workshops.csv", *cols)


DATASETS = {
    "vader_tweets": (_vader("tweets"), 4200),
    "vader_amazon": (_vader("amazonReviewSnippets"), 3708),
    "vader_movies": (_vader("movieReviewSnippets"), 10605),
    "vader_nyt": (_vader("nytEditorialSnippets"), 5190),
    "airline_tweets": (
        lambda e: _csv_column(e / "twitter_us_airline_sentiment" / "Tweets.csv", "text"), 14640),
    "alexa": (
        lambda e: _csv_column(e / "amazon_alexa_reviews" / "amazon_alexa.tsv",
                              "verified_reviews", delimiter="\t"), 3000),
    "tripadvisor": (
        lambda e: _csv_column(e / "tripadvisor_hotel_reviews_sample"
                              / "tripadvisor_hotel_reviews.csv", "Review"), 2000),
    "clothing": (
        lambda e: _csv_column(e / "womens_clothing_reviews_sample"
                              / "Womens Clothing E-Commerce Reviews.csv",
                              "Title", "Review Text"), 958),
    "cfpb_sample": (
        lambda e: _csv_column(e / "cfpb_complaints_sample" / "complaints_sample.csv",
                              "Consumer complaint narrative"), 1532),
    "cfpb_2015": (
        lambda e: _csv_column(e / "cfpb_narratives_2015" / "Consumer_Complaints.csv",
                              "Consumer complaint narrative"), 3947),
    "uci_sentences": (_uci, 3000),
    "ucsb_comments": (_ucsb, 100),
}


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_identity_on_external_set(name: str, external: Path) -> None:
    loader, min_rows = DATASETS[name]
    texts = loader(external)
    assert len(texts) >= min_rows, f"{name}: only {len(texts)} texts loaded"
    assert mismatches(texts) == []


def test_identity_on_external_set_shouted_and_unpunctuated(external: Path) -> None:
    # Caps and punctuation rules fire rarely in real text; force them.
    texts = _vader("tweets")(external)[:1500]
    variants = [t.upper() for t in texts[::3]]
    variants += [" ".join(w.upper() if i % 3 == 0 else w for i, w in enumerate(t.split()))
                 for t in texts[1::3]]
    variants += [t.replace(".", "!!").replace(",", "??") for t in texts[2::3]]
    assert mismatches(variants) == []


# -- hand-written edge cases --------------------------------------------------

EDGE_CASES = [
    "", " ", "\t\n", "\u00a0", "!!!", "?", ":)", ":D", ":-(", "<3", "💘", "💘💋😁", " 😁 ", "a😁b",
    "good", "GOOD", "GOOD good", "good GOOD bad", "NO good", "no good", "no", "no no", "no no no good",
    "no one or nor good", "it is no or bad", "not good", "isn't good", "isnt good", "ain't bad",
    "NOT GOOD at ALL", "never so good", "never this good", "never been so good", "never good",
    "so good", "this good", "we never so very good", "without doubt good", "without a doubt, excellent",
    "without doubt, an excellent idea", "least good", "the least good", "at least good",
    "very least good", "at the least good", "least", "LEAST good", "kind of good", "Kind of good",
    "kind of", "kind", "it is kind", "kinda good", "sort of good", "this sort of good thing",
    "just enough good", "good but bad", "bad but good", "good good but good good", "but",
    "BUT good", "good, but bad but great", "good bad good bad but good bad good",
    "the shit", "it is the shit", "this is the bomb", "bad ass", "quite bad ass", "badass",
    "yeah right", "oh yeah right man", "kiss of death", "it was the kiss of death", "to die for",
    "a cake to die for", "beating heart", "my beating heart", "bus stop", "at the bus stop now",
    "cut the mustard", "under the weather", "VERY good", "very GOOD", "VERY GOOD", "extremely bad",
    "EXTREMELY bad day", "hardly good", "HARDLY good at all", "barely bad", "somewhat sort-of ok",
    "Good!", "Good!!", "Good!!!!!!", "bad?", "bad??", "bad???", "bad?????", "bad?!?!", "good ?!",
    "ok... fine...", "'good'", "\"bad\"", "(great)", "-good-", "...", "a.", "ab.", "abc.",
    ":-)", ";-)", ":'(", "=D", "XD", "xD", "O_o", "(-:O", "http://url_removed great",
    "https://t.co/AbC123 terrible!!", "@anonymous love it", "#awesome", "#AWESOME day",
    "café great", "İSTANBUL GREAT", "straße gut", "ΣΊΣΥΦΟΣ", "good\u0085bad", "good\u2028bad",
    "good\u3000bad", "👍👍👍 great", "great👍", "🔛 go!", "🆙 UP!", "🇺🇸 proud", "❤️ love",
    "I ❤ NY", "Today SUX!", "Today only kinda sux! But I'll get by, lol",
    "Make sure you :) or :D today!", "Not bad at all", "VADER is VERY SMART, uber handsome, and FRIGGIN FUNNY!!!",
    "The plot was good, but the characters are uncompelling and the dialog is not great.",
    "Roger Dodger is one of the least compelling variations on this theme.",
    "Roger Dodger is at least compelling as a variation on the theme.",
    "It was one of the worst movies I've seen, despite good reviews.",
    "NOT nope NEVER none nothing nowhere rarely seldom despite uh-uh uhuh good",
    "I don't think it's not unlike a bad thing", "shouldn't SHOULDN'T good",
    "good good good good good good good good good good good good good good good",
    "LOL", "lol LOL lol", "A", "I", "I am HAPPY", "HAPPY", "HAPPY SAD", "happy SAD",
    "no GOOD", "NO GOOD", "NO good bad", "1 2 3", "12:30 pm", "$100 refund!!!",
    "\ud83d good \ude00", "good\x00bad", "NO\u0301 GOOD good", "GOOD\u0130 bad", "great\u200bbad",
    "\u00ad good", "\u2028 great \u2029", "😁😁😁!!!!!!!!!", "🇺🇸🇺🇸 USA", "I   LOVE it",
]


@pytest.mark.parametrize("text", EDGE_CASES)
def test_identity_edge_case(text: str) -> None:
    assert mismatches([text]) == []


def test_every_rule_word_at_every_window_offset() -> None:
    # The fast path skips the rules when no rule word is within three words
    # before or two after a lexicon word: put each word the reference's rules
    # compare against at each of those offsets (and just outside them).
    literals = {"no", "or", "nor", "never", "so", "this", "without", "doubt", "least", "at", "very",
                "kind", "of", "but", "isn't", "NOT", "Never"}
    literals |= set(vs.NEGATE) | set(vs.BOOSTER_DICT)
    literals |= {w for k in (*vs.SPECIAL_CASES, *vs.BOOSTER_DICT) for w in k.split()}
    texts = []
    for lit in sorted(literals):
        for lex in ("good", "BAD", "shit", "kind", "no"):
            for pad in ([], ["p", "q", "r"]):  # at the start of the text, and well inside it
                for before in range(5):
                    texts.append(" ".join(pad + [lit] + ["x"] * before + [lex, "y", "z"]))
                for after in range(4):
                    texts.append(" ".join(pad + ["x", lex] + ["y"] * after + [lit]))
    assert mismatches(texts) == []


def test_loads_the_package_files() -> None:
    assert FAST.lexicon == REF.lexicon
    assert FAST.emojis == REF.emojis


def test_lower_is_idempotent_where_rules_rely_on_it() -> None:
    # The negation rule lower-cases an already lower-cased word; FastVader keeps
    # that, but the token cache relies on lower() being stable across calls.
    assert all(c.lower().lower() == c.lower() for c in map(chr, range(0x110000)))


def test_engine_singleton_and_tuple_api() -> None:
    eng = get_engine()
    assert eng is get_engine()
    text = "The food was GREAT, but the service was slow!!"
    d = eng.polarity_scores(text)
    assert eng.scores_tuple(text) == (d["neg"], d["neu"], d["pos"], d["compound"])
    assert eng.score_many([text, ""]) == [eng.scores_tuple(text), eng.scores_tuple("")]


@pytest.mark.parametrize("value", [b"", b"good", 5, None])
def test_non_str_input_behaves_like_reference(value: object) -> None:
    try:
        want: object = REF.polarity_scores(value)
    except Exception as exc:  # noqa: BLE001 - mirroring whatever the reference raises
        with pytest.raises(type(exc)):
            FAST.polarity_scores(value)  # type: ignore[arg-type]
    else:
        assert FAST.polarity_scores(value) == want  # type: ignore[arg-type]


def test_token_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from vocsrc.sentiment import fastvader

    monkeypatch.setattr(fastvader, "_TOKEN_CACHE_MAX", 50)
    eng = FastVader()
    # Unique "n't" words: the engine must still see them as negations after a reset.
    texts = [f"word{i} isn't{i} very good tok{i}!" for i in range(200)]
    assert [eng.polarity_scores(t) for t in texts] == [REF.polarity_scores(t) for t in texts]
    assert len(eng._tokens) <= 50 + 5  # reset happens between texts, never inside one


def test_shared_engine_is_thread_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    # Streamlit scores from several threads with one engine; cache resets from
    # one thread must not make another miss a negation.
    from concurrent.futures import ThreadPoolExecutor

    from vocsrc.sentiment import fastvader

    monkeypatch.setattr(fastvader, "_TOKEN_CACHE_MAX", 20)
    eng = FastVader()
    texts = [f"w{i} isn't{i} good, x{i} NOT{i} bad but w{i} wasn't{i} great" for i in range(400)]
    want = [REF.polarity_scores(t) for t in texts]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(eng.polarity_scores, texts))
    assert got == want


# -- property-based ---------------------------------------------------------------

_LEX = sorted(REF.lexicon)
_EMOJI = sorted(REF.emojis)
_SPECIAL_WORDS = sorted({w for k in (*vs.SPECIAL_CASES, *vs.SENTIMENT_LADEN_IDIOMS, *vs.BOOSTER_DICT)
                         for w in k.split()})
_RULE_WORDS = ["no", "or", "nor", "never", "so", "this", "without", "doubt", "least", "at", "very",
               "but", "kind", "of", "sort", "just", "enough", "the", "a", "it", "is", "was", "I"]
_PUNCT_RUNS = ["!", "!!", "!!!", "!!!!!", "?", "??", "???", "????", "?!", "...", ",", ".", ";", "'",
               '"', "-", "(", ")", "*", "#", "@", "&amp;", ":)", ":(", ":D", ":-)", ";)", "<3", "</3",
               ":P", "XD", "=)", "^_^"]
_URLS = ["http://url_removed", "https://t.co/xYz12", "www.example.com/good", "@anonymous", "#fail"]
_NON_ASCII = ["café", "naïve", "İstanbul", "straße", "ΣΊΣΥΦΟΣ", "Ω", "—", "“good”", "‘bad’",
              "日本", "ñ", "ǅ", "ﬁne", "\u00a0", "\u0085", "\u200d", "\ufe0f", "é"]
_SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "", "\u00a0", "\u3000"]

_word = st.one_of(
    st.sampled_from(_LEX),
    st.sampled_from(sorted(vs.BOOSTER_DICT)),
    st.sampled_from(vs.NEGATE),
    st.sampled_from(_SPECIAL_WORDS),
    st.sampled_from(_RULE_WORDS),
    st.sampled_from(_URLS),
    st.sampled_from(_NON_ASCII),
    st.sampled_from(_EMOJI),
    st.text(min_size=1, max_size=6),
)
_cased = st.tuples(_word, st.sampled_from(["keep", "keep", "keep", "upper", "title", "lower"])).map(
    lambda p: {"keep": p[0], "upper": p[0].upper(), "title": p[0].title(), "lower": p[0].lower()}[p[1]]
)
_piece = st.one_of(
    _cased,
    _cased,
    st.tuples(st.sampled_from(["", "", "'", '"', "(", "*", "..."]), _cased,
              st.sampled_from(_PUNCT_RUNS + ["", ""])).map("".join),
    st.sampled_from(_PUNCT_RUNS),
    st.sampled_from(_EMOJI),
)
_text = st.lists(st.tuples(_piece, st.sampled_from(_SEPARATORS)), max_size=40).map(
    lambda parts: "".join(p + s for p, s in parts)
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
def test_identity_property(text: str) -> None:
    assert mismatches([text]) == []


# Few distinct words, mostly rule words: the rules' interactions (negation
# after "no ... or", "never so", "least" after "at", idioms inside "but" texts)
# come up far more often than with the whole lexicon to draw from.
_dense_word = st.sampled_from(
    ["good", "bad", "great", "love", "hate", "kind", "no", "not", "isn't", "never", "so", "this",
     "without", "doubt", "least", "at", "very", "or", "nor", "but", "of", "sort", "the", "shit",
     "bomb", "ass", "yeah", "right", "die", "for", "to", "kiss", "death", "bus", "stop", "just",
     "enough", "extremely", "barely", "kinda", ":)", "!", "?"]
).flatmap(lambda w: st.sampled_from([w, w, w.upper(), w.title(), w + "!", w + ",", w + "?"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_dense_word, max_size=14).map(" ".join))
def test_identity_property_rule_dense(text: str) -> None:
    assert mismatches([text]) == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_identity_property_arbitrary_unicode(text: str) -> None:
    assert mismatches([text]) == []


# -- bulk and check helpers --------------------------------------------------------


def test_score_texts_matches_in_every_mode() -> None:
    texts = [t for t in EDGE_CASES for _ in range(3)]
    want = [tuple(REF.polarity_scores(t)[k] for k in KEYS) for t in texts]
    seen: list[tuple[int, int]] = []
    assert score_texts(texts, processes=1, chunk_size=50, progress=lambda d, t: seen.append((d, t))) == want
    assert seen[-1] == (len(texts), len(texts)) and len(seen) == -(-len(texts) // 50)
    seen.clear()
    assert score_texts(texts, processes=2, chunk_size=40, progress=lambda d, t: seen.append((d, t))) == want
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[-1] == (len(texts), len(texts))
    assert score_texts(texts, processes=2, chunk_size=100, start_method="spawn") == want
    assert score_texts([], processes=2) == []


def test_score_texts_reports_worker_failure() -> None:
    # Non-str input makes the reference (and so FastVader) raise inside a worker.
    for method in ("fork", "spawn"):
        with pytest.raises(RuntimeError, match="worker failed"):
            score_texts(["fine", 5, "good"], processes=2, chunk_size=1,  # type: ignore[list-item]
                        start_method=method)


def test_check_file_reports_identity(tmp_path: Path) -> None:
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(["Great service!", "awful, never again :(", "", "ok 👍"]) + "\n",
                    encoding="utf-8")
    report = check_file(path)
    assert report["n"] == 4
    assert report["max_abs_diff"] == 0.0
    assert set(report["reference"]) == set(KEYS) == set(report["fast"])


def test_marked_tokens_follow_the_token_cache(monkeypatch) -> None:
    from vocsrc.sentiment import fastvader

    engine = FastVader()
    engine.scores_tuple("Seen before. Marking")
    ends_dot = (frozenset("."), lambda tok: tok != "Mr.")
    engine.mark_tokens(*ends_dot)
    # the cache starts afresh, so a token met before the marker is marked when met again
    engine.scores_tuple("Seen before. Mr. Smith came. Good")
    assert engine.marked_tokens() == {"before.", "came."}
    engine.mark_tokens(*ends_dot)  # the same marker: nothing forgotten
    assert engine.marked_tokens() == {"before.", "came."}
    engine.clear_cache()
    engine.scores_tuple("Again. Fine")
    assert engine.marked_tokens() == {"Again."}
    # a cache replaced when full keeps marking
    monkeypatch.setattr(fastvader, "_TOKEN_CACHE_MAX", 1)
    engine.scores_tuple("New. Tokens.")
    assert engine.marked_tokens() == {"New.", "Tokens."}
    assert engine.scores_tuple("Seen before. Mr. Smith came. Good") == FastVader().scores_tuple(
        "Seen before. Mr. Smith came. Good")
