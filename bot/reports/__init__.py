"""Summaries, charts, digests, workbooks and printable sheets: query -> aggregate -> render."""
