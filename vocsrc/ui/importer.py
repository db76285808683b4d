"""The Data page's import form: upload, preview, mapping editor, import with progress."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from vocsrc import config
from vocsrc.errors import VocError
from vocsrc.ingest.mapping import Mapping, available_mappings, complete_mapping, resolve_mapping, save_mapping
from vocsrc.ingest.readers import preview
from vocsrc.store.schema import IMPORT_KINDS, fields_for

AUTO = "auto (guess from column names)"
NONE = "—"
FIELD_HELP = {
    "source_id": "the export's own row id (makes re-imports exact)", "received_at": "date received",
    "nps": "0-10", "csat": "1-5", "ces": "1-7, agree = easy", "stars": "1-5",
    "timely": "yes/no", "disputed": "yes/no", "due_at": "promised or due date",
}


def save_upload(upload) -> Path:
    """Keep the uploaded bytes under their own name so messages name the user's file."""
    data = upload.getvalue()
    folder = Path(tempfile.gettempdir()) / "voc_uploads" / hashlib.sha256(data).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name
    if not path.exists():
        path.write_bytes(data)
    return path


def choose_mapping(path: Path) -> Mapping | None:
    """Preset picker, preview and per-field column pickers; returns the edited mapping."""
    names = [AUTO, *available_mappings()]
    picked = st.selectbox("Column mapping", names, key="map_preset",
                          help="Presets: qualtrics (three header rows), cfpb (CFPB complaint export), "
                               "reviews; or a mapping you saved.")
    base = Mapping(auto=True) if picked == AUTO else resolve_mapping(picked)
    try:
        headers, rows = preview(path, n=20, header_rows=base.header_rows, sheet=base.sheet)
    except VocError as exc:
        st.error(str(exc))
        return None
    questions = None
    if base.question_row and len(rows) >= base.question_row:
        questions = {h: v or "" for h, v in zip(headers, rows[base.question_row - 1])}
    shown = rows[base.skip_after_header:]
    st.caption(f"Preview: first {len(shown)} rows of {path.name}, as the import will read them.")
    st.dataframe(pd.DataFrame(shown, columns=headers), width="stretch", height=220)
    try:
        proposal = complete_mapping(base, headers, path.name, questions=questions)
    except VocError as exc:
        st.error(str(exc))
        return None
    c1, c2 = st.columns(2)
    kind = c1.selectbox("Kind", IMPORT_KINDS, index=IMPORT_KINDS.index(proposal.kind), key="map_kind",
                        help="survey, review or complaint feedback, or a customer file (CRM export)")
    if kind != proposal.kind:
        try:
            proposal = complete_mapping(replace(base, kind=kind, source=None), headers, path.name, kind=kind,
                                        questions=questions)
        except VocError as exc:
            st.error(str(exc))
            return None
    source = c2.text_input("Source name", value=proposal.source or "", key="map_source",
                           help="e.g. 'Relationship survey' or 'App store reviews'")
    st.markdown("**Which column fills each field?** Unmapped columns are kept as extra data.")
    chosen: dict[str, str] = {}
    grid = st.columns(4)
    for i, target in enumerate(fields_for(kind)):
        current = proposal.columns.get(target)
        options = [NONE, *headers]
        value = grid[i % 4].selectbox(
            target.replace("_", " "), options, index=options.index(current) if current in options else 0,
            key=f"map_{picked}_{kind}_{target}", help=FIELD_HELP.get(target))
        if value != NONE:
            chosen[target] = value
    return replace(proposal, columns=chosen, kind=kind, source=source or proposal.source, auto=False)


def save_mapping_form(mapping: Mapping) -> None:
    with st.expander("Save this mapping for next time"):
        name = st.text_input("Mapping name", key="map_save_name", placeholder="e.g. zendesk_csat")
        if st.button("Save mapping", key="map_save") and name:
            try:
                path = save_mapping(mapping, name)
                st.success(f"Saved as {path.name}; use it here or with `--mapping {name}`.")
            except VocError as exc:
                st.error(str(exc))


def run_import(path: Path, mapping: Mapping) -> None:
    from vocsrc.ingest.pipeline import import_file

    bar = st.progress(0.0, text="Importing…")
    try:
        result = import_file(path, db=config.db_path(), mapping=mapping, kind=mapping.kind,
                             source=mapping.source, file_name=path.name,
                             progress=lambda f, m: bar.progress(min(f, 1.0), text=f"Importing: {m}"))
    except VocError as exc:
        bar.empty()
        st.error(f"Nothing was imported. {exc}")
        return
    added = (f"{result.file}: {result.accepted:,} rows added, {result.rejected:,} rejected, "
             f"{result.duplicate:,} already in the store (of {result.rows_read:,}).")
    try:
        scored = _score_new_texts(bar)
    except VocError as exc:
        # the rows are in: only their scores are missing, and "Score them now" finishes the job
        st.warning(f"{added} Scoring the new texts stopped: {exc}. Score them under Scoring below.")
        return
    st.success(f"{added} {scored}")
    if result.rejected:
        st.warning("Rejected rows are listed below with file, line, column and reason.")


def score_unscored() -> None:
    """The Data page's Scoring section: how many texts have no score yet, and a button that scores them."""
    from vocsrc import queries
    from vocsrc.ui.data import query

    done = st.session_state.pop("_scored_message", None)
    if done:
        st.success(done)
    texts = query(queries.unscored_texts)
    if not texts["unscored"]:
        st.caption(f"All {texts['distinct']:,} distinct texts are scored.")
        return
    st.warning(f"{texts['unscored']:,} of {texts['distinct']:,} distinct texts have no score yet (an import "
               "stopped while scoring them): sentiment, CX scores and themes leave them out until they are scored.")
    if st.button("Score them now", key="score_unscored", icon=":material/play_arrow:"):
        try:
            message = _score_new_texts(st.progress(0.0, text="Scoring…"))
        except VocError as exc:
            st.error(f"Scoring stopped: {exc}. What was scored is kept; run it again to finish.")
            return
        st.session_state["_scored_message"] = message
        st.rerun()  # the counts above, and every page, from the store as it is now


def _score_new_texts(bar) -> str:
    """``rescore --new-only`` in a child process, its progress on ``bar`` (cleared either way)."""
    from vocsrc.ui.jobs import run_cli

    try:
        return run_cli(["rescore", "--new-only"], lambda f, m: bar.progress(f, text=f"Scoring: {m}"))
    finally:
        bar.empty()
