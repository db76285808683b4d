"""Method: how scores and themes are made, which engine made them, and how well they agree with people."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import method
from vocsrc.errors import VocError
from vocsrc.themes.user_bank import user_bank_path
from vocsrc.ui.data import query
from vocsrc.ui.discovery import bank_or_stop

ensure_navigation()

st.title("Method")
st.write("How the app turns comments into sentiment and themes, and how far to trust the result.")
st.markdown(method.method_text())

bank = bank_or_stop()
user = user_bank_path()
st.header("The theme bank")
st.dataframe(method.bank_table(bank), width="stretch", hide_index=True, column_config={
    "description": st.column_config.TextColumn("Description", width="large"),
    "phrases": st.column_config.TextColumn("Phrases", width="medium")})
st.caption(f"{len(bank.themes)} themes · default bank plus "
           + (f"your bank {user}" if user.exists() else f"no user bank yet (adoptions will create {user})"))

st.header("The CX rules")
st.dataframe(method.cx_rules_table(), width="stretch", hide_index=True, column_config={
    "description": st.column_config.TextColumn("What it is for", width="large"),
    "valence": st.column_config.NumberColumn("Adds", format="%+.1f", help="on VADER's raw scale, per match")})

st.header("What scored the stored comments")
scorers = query(method.scorer_counts)
current = method.current_scorer()
if scorers.empty:
    st.info("No comments have been scored yet.")
else:
    st.dataframe(scorers, width="stretch", hide_index=True, column_config={
        "scorer": "Engine + lexicon and bank version",
        "texts": st.column_config.NumberColumn("Distinct comments", format="%d"),
        "share": st.column_config.NumberColumn("Share", format="percent")})
    stale = int(scorers.loc[scorers["scorer"] != current, "texts"].sum())
    st.caption(f"n = {int(scorers['texts'].sum()):,} distinct comments in the store · a version is the engine "
               f"name plus a digest of the CX lexicon and theme bank files · the current files give {current}"
               + (f" · {stale:,} comments were scored with other files: `python -m vocsrc rescore` "
                  "brings them up to date." if stale else " · every comment is up to date."))

st.header("How well the scores agree with people")
report = method.evaluation_report()
if report:
    with st.container(border=True):
        st.markdown(report)
else:
    st.info("No evaluation report yet. The evaluation compares the scores and themes with human-rated "
            "data sets (VADER's ground truth, airline tweets, reviews with stars, CFPB complaints), which "
            f"it reads from {method.EXTERNAL_DIR}.")
    if not method.external_data_present():
        st.warning(f"Those data sets are not on this machine ({method.EXTERNAL_DIR} is missing or empty), "
                   "so the evaluation cannot run here.")
    elif st.button("Run the evaluation", key="run_evaluate", icon=":material/play_arrow:"):
        from vocsrc.ui.jobs import run_cli

        with st.spinner("Running the evaluation (a few minutes)…"):
            try:
                run_cli(["evaluate"], lambda f, m: None)
            except VocError as exc:
                st.error(f"The evaluation failed: {exc}")
            else:
                st.rerun()
