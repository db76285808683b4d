"""The Themes page's discovery section: suggest candidate themes, adopt one into the
user's bank file, and rescore so the bank change reaches the stored themes."""

from __future__ import annotations

import re

import streamlit as st

from vocsrc.errors import VocError
from vocsrc.filters import Filters
from vocsrc.themes import queries
from vocsrc.themes.bank import ThemeBank
from vocsrc.ui.data import query

SAMPLE_PER_SIDE = 5000
SEED = 7
NEW = "A new theme…"


def bank_or_stop() -> ThemeBank:
    """The theme bank in effect; a malformed user bank file stops the page with its message."""
    from vocsrc.themes.user_bank import bank_in_effect

    try:
        return bank_in_effect()
    except VocError as exc:
        st.error(f"The theme bank cannot be read: {exc}. Fix or remove that file, then reload.")
        st.stop()


def discovery_section(filters: Filters, bank: ThemeBank) -> None:
    """Candidates on request (discovery reads up to 10k comments), then the adopt form."""
    st.write("Phrases that negative comments use far more often than positive ones, in the current "
             "selection, leaving out phrases already in the theme bank. A phrase worth following can be "
             "adopted into an existing theme or start a new one.")
    if not st.toggle("Suggest candidate themes", key="disc_on"):
        return
    found = query(queries.suggest_themes, filters, 25, SAMPLE_PER_SIDE, SEED, 5, queries.known_phrases(bank))
    if found.candidates.empty:
        st.info("Too few negative and positive comments in this selection to suggest anything.")
        return
    st.dataframe(found.candidates, width="stretch", hide_index=True, column_config={
        "phrase": st.column_config.TextColumn("Phrase"),
        "z": st.column_config.NumberColumn("z", format="%.1f", help="How much more the negative comments use "
                                           "it: weighted log-odds with an informative prior, as a z score"),
        "neg_count": st.column_config.NumberColumn("Negative comments", format="%d"),
        "pos_count": st.column_config.NumberColumn("Positive comments", format="%d")})
    st.caption(f"n = {found.n_negative:,} negative and {found.n_positive:,} positive distinct comments "
               f"(a reproducible sample of at most {SAMPLE_PER_SIDE:,} each, seed {found.seed}) · "
               f"{filters.describe()} · CX-aware labels · log-odds ratio with an informative Dirichlet prior "
               "(Monroe, Colaresi & Quinn 2008), 1-3 word phrases counted once per comment")
    adopt_form(found.candidates["phrase"].tolist(), bank)


def adopt_form(phrases: list[str], bank: ThemeBank) -> None:
    from vocsrc.themes.discovery import adopt
    from vocsrc.themes.user_bank import user_bank_path

    path = user_bank_path()
    with st.form("adopt_form"):
        st.markdown("**Adopt into theme bank**")
        phrase = st.selectbox("Phrase", phrases, key="adopt_phrase")
        names = queries.theme_labels(bank)
        target = st.selectbox("Add it to", [*bank.keys(), NEW], key="adopt_theme",
                              format_func=lambda k: k if k == NEW else f"{names[k]} ({k})")
        c1, c2 = st.columns([1, 2])
        new_key = c1.text_input("New theme key", key="adopt_key", placeholder="e.g. repeat_contact",
                                help="lower-case letters, digits and _; only for a new theme")
        description = c2.text_input("Description of the new theme", key="adopt_description",
                                    placeholder="What belongs here (and what does not)")
        submitted = st.form_submit_button("Adopt into theme bank")
    st.caption(f"Adopted phrases are written to {path} (set VOC_THEME_BANK to use another file).")
    if submitted:
        key = target if target != NEW else new_key.strip()
        if target == NEW and not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            st.error("A new theme needs a key of lower-case letters, digits and _, starting with a letter.")
        elif target == NEW and not description.strip():
            st.error("A new theme needs a description: say what belongs in it.")
        else:
            try:
                adopt(phrase, key, path, description=(description.strip() or None) if target == NEW else None)
            except (VocError, ValueError) as exc:
                st.error(str(exc))
            else:
                st.session_state["adopted"] = f"'{phrase}' added to theme {key} in {path.name}."
    if st.session_state.get("adopted"):
        st.success(st.session_state["adopted"] + " Stored themes change once every comment is re-tagged: "
                   "press Rescore now, or run `python -m vocsrc rescore`.")
        rescore_button()


def rescore_button() -> None:
    from vocsrc.ui.jobs import run_cli

    if not st.button("Rescore now", key="rescore_now", icon=":material/refresh:"):
        return
    bar = st.progress(0.0, text="Rescoring…")
    try:
        message = run_cli(["rescore"], lambda f, m: bar.progress(f, text=f"Rescoring: {m}"))
    except VocError as exc:
        bar.empty()
        st.error(f"Rescoring failed: {exc}")
        return
    bar.empty()
    st.session_state.pop("adopted", None)
    st.success(message.splitlines()[-1] if message else "Rescored.")
