"""Data: upload and map an export, import it, and see the import log and rejected rows."""

import streamlit as st

from vocsrc.ui.entry import ensure_navigation
from vocsrc import queries
from vocsrc.ui.data import query
from vocsrc.ui.importer import choose_mapping, run_import, save_mapping_form, save_upload, score_unscored

ensure_navigation()

st.title("Data")
st.write("Import survey, review and complaint exports: CSV (any delimiter; UTF-8, UTF-16, cp1252), "
         "XLSX, Parquet, JSON or NDJSON. A file imports completely or not at all; re-importing adds nothing.")

upload = st.file_uploader("Export file", type=["csv", "tsv", "txt", "xlsx", "parquet", "json", "ndjson", "jsonl"])
if upload is not None:
    path = save_upload(upload)
    mapping = choose_mapping(path)
    if mapping is not None:
        save_mapping_form(mapping)
        if st.button("Import", type="primary", key="do_import"):
            run_import(path, mapping)

st.header("Scoring")
score_unscored()

st.header("Import log")
log = query(queries.import_log, 50)
st.dataframe(log.drop(columns=["checksum"]), width="stretch", hide_index=True)

st.header("Rejected rows")
rejected = query(queries.rejected_rows, None, None)
if rejected.empty:
    st.caption("No rejected rows: every row read so far was accepted or was a duplicate.")
else:
    st.caption(f"{len(rejected):,} rows kept with the reason they were not imported; nothing is dropped.")
    st.dataframe(rejected.head(1000), width="stretch", hide_index=True)
    st.download_button("Download rejected rows (CSV)", data=queries.rejected_csv(rejected),
                       file_name="rejected_rows.csv", mime="text/csv", icon=":material/download:")
