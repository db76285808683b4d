"""How one comment is shown: trimmed to a readable length around its evidence sentence."""

from __future__ import annotations

import math

MAX_CHARS = 400


def _score_bits(row: dict) -> list[str]:
    bits = []
    for key, label in (("nps", "NPS"), ("csat", "CSAT"), ("ces", "CES"), ("stars", "stars")):
        value = row.get(key)
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            bits.append(f"{label} {int(value)}")
    return bits


def display_parts(row: dict, evidence_key: str | None = None) -> tuple[str, str, str, str]:
    """(text before, evidence sentence, text after, meta line) with personal data redacted."""
    from vocsrc.privacy import redact

    text = redact(str(row.get("text") or ""))
    sentiment = row.get("sentiment")
    key = evidence_key or ("neg_sentence" if (sentiment or 0) < 0 else "pos_sentence")
    evidence = redact(str(row.get(key) or ""))
    when = row.get("date")
    when = when.strftime("%Y-%m-%d") if hasattr(when, "strftime") else when
    meta = " · ".join(_score_bits(row) + [str(v) for v in (when, row.get("source"), row.get("function")) if v])
    if evidence and evidence in text:
        i = text.index(evidence)
        before, after = text[:i], text[i + len(evidence):]
    else:
        before, evidence, after = text, "", ""
    room = MAX_CHARS - len(evidence)
    if len(before) + len(after) > room:
        keep_before = min(len(before), max(room // 2, room - len(after)))
        before = ("…" + before[-keep_before:].lstrip()) if keep_before < len(before) else before
        keep_after = max(room - len(before), 0)
        after = (after[:keep_after].rstrip() + "…") if keep_after < len(after) else after
    return before, evidence, after, meta
