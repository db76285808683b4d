"""The Briefing page's Streamlit parts: the cached pack, lazy exports and the actions editor."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from vocsrc import config
from vocsrc.briefing.actions import STATUSES, save_edits
from vocsrc.briefing.build import build_pack
from vocsrc.briefing.pack import Figure, Pack
from vocsrc.errors import VocError
from vocsrc.privacy import escape_markdown as esc
from vocsrc.store import data_version
from vocsrc.ui.data import query

MIME = {"html": "text/html", "pdf": "application/pdf", "md": "text/markdown",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}


def get_pack(function: str, period: str, include_text: bool, seed: int = 7) -> Pack:
    return query(build_pack, function, period, seed, include_text)


@st.cache_data(show_spinner="Drawing the charts…", max_entries=16)
def _images(function: str, period: str, include_text: bool, seed: int, version: tuple) -> dict[str, bytes]:
    from vocsrc.briefing.render_common import chart_images

    return chart_images(get_pack(function, period, include_text, seed))


def export_bytes(function: str, period: str, include_text: bool, fmt: str, seed: int = 7) -> bytes:
    """One format of the pack; chart images are made once per pack and store version."""
    from vocsrc.briefing.cli import render

    pack = get_pack(function, period, include_text, seed)
    images = None
    if fmt != "md":
        images = _images(function, period, include_text, seed, data_version(str(config.db_path())))
    return render(pack, (fmt,), images)[fmt]


def download_buttons(function: str, period: str, include_text: bool) -> None:
    """Four buttons; each file is made only when its button is clicked (callable data)."""
    from vocsrc.briefing.cli import slug

    cols = st.columns(4)
    for col, (fmt, label) in zip(cols, (("html", "HTML"), ("pdf", "PDF"), ("pptx", "PowerPoint"), ("md", "Markdown"))):
        col.download_button(
            label, data=lambda fmt=fmt: export_bytes(function, period, include_text, fmt),
            file_name=f"briefing-{slug(function)}-{period}.{fmt}", mime=MIME[fmt], on_click="ignore",
            key=f"brief_dl_{fmt}", icon=":material/download:")


def figure_caption(f: Figure) -> None:
    st.caption(esc(f.footnote))


def customers(pack: Pack) -> None:
    """'Our customers': heard from, value and churn by band (Wilson intervals), the sentences, the
    association caveat and the footnote. One plain line without a customer file."""
    from vocsrc.briefing.render_common import (CUSTOMER_COLUMNS, customer_rows, customers_footnote,
                                               customers_unavailable_line, heard_text)

    c = pack.customers
    if c is None:
        return
    if not c.available:
        st.caption(esc(customers_unavailable_line(c)))
        return
    st.markdown(esc(heard_text(c)))
    if c.bands:
        st.dataframe(pd.DataFrame(customer_rows(c), columns=list(CUSTOMER_COLUMNS)), hide_index=True,
                     width="stretch")
    for s in c.sentences:
        st.markdown(f"- {esc(s)}")
    st.info(esc(c.caveat), icon=":material/info:")
    st.caption(esc(customers_footnote(pack)))


def verbatims(pack: Pack) -> None:
    if not pack.include_text:
        st.caption("Free text is left out.")
        return
    if not pack.verbatims:
        st.caption("No comments in this period.")
        return
    for v in pack.verbatims:
        body = esc(v.before) + (f"**{esc(v.evidence)}**" if v.evidence else "") + esc(v.after)
        st.markdown(f"> {body}\n\n<small>{esc(v.band)} · {esc(v.meta)}</small>", unsafe_allow_html=True)


def actions_editor(pack: Pack) -> None:
    """Edit the 'you said, we did' log for this function and period; saved to the store."""
    rows = [a for a in pack.actions if a.period == pack.period]
    frame = pd.DataFrame([{"action_id": a.action_id, "you_said": a.you_said, "we_did": a.we_did,
                           "owner": a.owner, "status": a.status} for a in rows],
                         columns=["action_id", "you_said", "we_did", "owner", "status"])
    edited = st.data_editor(
        frame, num_rows="dynamic", width="stretch", hide_index=True, key=f"actions_{pack.function}_{pack.period}",
        column_config={
            "action_id": st.column_config.NumberColumn("#", disabled=True, width="small"),
            "you_said": st.column_config.TextColumn("You said", required=True, max_chars=2000),
            "we_did": st.column_config.TextColumn("We did", max_chars=2000),
            "owner": st.column_config.TextColumn("Owner", max_chars=200),
            "status": st.column_config.SelectboxColumn("Status", options=list(STATUSES), default="planned"),
        })
    if st.button("Save actions", key="brief_save_actions", icon=":material/save:"):
        from vocsrc.store import open_store

        try:
            with open_store(config.db_path()) as con:
                counts = save_edits(con, pack.function, pack.period, edited.to_dict("records"),
                                    now=dt.datetime.now())
        except VocError as exc:
            st.error(str(exc))
            return
        st.success(f"Saved: {counts['added']} added, {counts['updated']} updated, {counts['deleted']} deleted.")
    if pack.actions:
        from vocsrc.briefing.actions import actions_csv
        from vocsrc.briefing.cli import slug

        st.download_button("Actions log (CSV)", data=actions_csv(pack.actions), mime="text/csv",
                           file_name=f"actions-{slug(pack.function)}.csv", key="brief_actions_csv",
                           on_click="ignore", icon=":material/download:")
    older = [a for a in pack.actions if a.period != pack.period]
    if older:
        st.caption("Earlier periods")
        st.dataframe(pd.DataFrame([{"period": a.period, "you said": a.you_said, "we did": a.we_did,
                                    "owner": a.owner, "status": a.status} for a in older]),
                     hide_index=True, width="stretch")
