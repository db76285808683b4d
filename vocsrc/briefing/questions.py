"""'Questions to take back to your team', derived from the pack's own findings.

Each rule fires only on a finding that is beyond noise (or, for the middle, on a theme the test
flagged), so the questions point at what the data supports, and each says which finding raised
it. Pure: the built sections in, questions out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vocsrc.briefing.pack import Action, ComplaintsSection, Headline, MiddleTheme, Question, ThemeImpact
from vocsrc.briefing.sections import METRIC_SHORT
from vocsrc.stats.sentences import fmt_pct

MAX_QUESTIONS = 6


def short_sentence(sentence: str) -> str:
    """The sentence without its method in brackets (kept for the 'because' line and the notes)."""
    return re.sub(r" \([^()]*(?:n = |test|against six)[^()]*\)", "", sentence)


def _theme_name(key: str) -> str:
    return key.replace("_", " ")


def derive_questions(
    function: str,
    period: str,
    headlines: Sequence[Headline],
    middle_sentences: Sequence[str],
    band_moves: Sequence[tuple[str, float, float, bool]],  # (band noun, share before, after, significant)
    themes_negative: Sequence[ThemeImpact],
    middle_themes: Sequence[MiddleTheme],
    complaints: ComplaintsSection | None,
    disagreements: dict[str, tuple[int, int]],
    actions: Sequence[Action],
) -> tuple[Question, ...]:
    out: list[Question] = []
    nps = next((h for h in headlines if h.metric == "nps"), None)
    passives = next((b for b in band_moves if b[0] == "passives"), None)
    if passives and passives[3] and nps is not None and not nps.significant:
        verb = "fell" if passives[2] < passives[1] else "rose"
        out.append(Question(
            f"Passives {verb} from {fmt_pct(passives[1])} to {fmt_pct(passives[2])} while NPS held: which customers "
            f"moved up, which moved down, and what did each group experience?",
            f"{nps.sentence} Band change beyond noise, NPS change within noise."))
    elif passives and passives[3]:
        verb = "fell" if passives[2] < passives[1] else "rose"
        out.append(Question(f"Passives {verb} from {fmt_pct(passives[1])} to {fmt_pct(passives[2])}: what changed "
                            f"for them in {period}, and can we repeat (or undo) it?", "band change beyond noise"))
    elif (steps := [s for s in middle_sentences if s.startswith("From ") and "beyond noise" in s]):
        same = next((s for s in middle_sentences if s.startswith("Over the same months, NPS")), "")
        held = bool(same) and "within noise" in same
        while_nps = ", while NPS did not move beyond noise" if held else ""
        out.append(Question(
            f"{short_sentence(steps[0]).rstrip('.')}{while_nps}: which customers moved up, which moved down, "
            f"and what changed for {function} customers around then?", f"{steps[0]} {same}".strip()))
    for h in headlines:
        if h.significant and h.previous is not None:
            down = h.current.value < h.previous.value
            out.append(Question(
                f"{METRIC_SHORT.get(h.metric, h.metric)} {'fell' if down else 'rose'} beyond noise: "
                + ("what went wrong, and who is fixing it?" if down else "what did we do that we should keep doing?"),
                h.sentence))
    for t in [t for t in themes_negative if t.significant][:2]:
        out.append(Question(
            f"Customers who mention {_theme_name(t.theme)} score {t.impact.fmt(abs(t.impact.value))} "
            f"{'points' if t.impact.unit == 'points' else 'percentage points'} lower: what would remove the cause?",
            f"theme impact {t.impact.text}, {t.mentions:,} responses mention it"))
    for mt in [m for m in middle_themes if m.beyond_noise][:1]:
        out.append(Question(
            f"The middle mentions {_theme_name(mt.theme)} more than promoters do ({mt.middle_share.fmt()} against "
            f"{mt.top_share.fmt()}): what would it take to lift them?",
            "over-represented among the middle band, Benjamini-Hochberg"))
    if complaints is not None:
        for d in [d for d in complaints.drivers if d.rising][:2]:
            out.append(Question(
                f"Complaints about '{d.driver}' rose from {d.previous:,} to {d.current:,}: is this one team's "
                f"problem or a systemic one, and who owns the fix?", "driver rate beyond noise against the previous period"))
    at_risk = sum(c for name, (c, _) in disagreements.items() if name.startswith("at risk"))
    if at_risk >= 10:
        out.append(Question(
            f"{at_risk:,} customers gave a high score with negative words: are we reading the score and "
            f"missing the complaint?", "score versus text: promoters or 4-5 star reviews with negative text"))
    open_actions = [a for a in actions if a.status != "done"]
    if open_actions:
        out.append(Question(f"{len(open_actions)} action(s) from earlier briefings are still open: what is "
                            f"blocking '{open_actions[0].you_said[:80]}'?", "actions log"))
    if not out:
        out.append(Question(f"Nothing moved beyond noise in {period}: which question would you like the next "
                            f"briefing to answer?", "no change beyond noise"))
    return tuple(out[:MAX_QUESTIONS])
