"""Customer-advocate briefing packs: build once, render to every format.

``build.build_pack(con, function, period)`` returns a ``pack.Pack`` of frozen values (every figure
with n, period, method and freshness; charts as ``vocsrc.charts`` definitions). Renderers:
``render_html`` (self-contained), ``render_pdf`` (fpdf2), ``render_pptx`` (python-pptx, plus the
leadership deck across functions), ``render_md`` (email). ``actions`` keeps the "you said, we did"
log in DuckDB; ``cli`` is ``python -m vocsrc brief``. Modules import lazily: nothing here pulls in
Streamlit, and vl-convert only when images are made.
"""
