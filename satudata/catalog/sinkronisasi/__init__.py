"""SOP activity 1, step "sinkronisasi": an agency's file read, checked against its metadata and
stored as a version.

- ``reading``: any file as agencies have it (encodings, separators, titles, merged headers,
  workbooks of many sheets) into a table of text cells, with every notice tied to its place;
  hostile files bounded before they expand.
- ``checks``: which column is which variable, and the check's front door.
- ``engine``: the check itself, column-wise in DuckDB, and the typed Parquet it writes.
- ``rules``, ``rule_language``: validation rules per variable and across the columns of a row.
- ``recovery``: checks whose worker was killed, started again once or failed with a message.

The services that receive an upload and make its version are in ``catalog.services``; the
worker's entry points in ``catalog.tasks`` (their dotted paths are stored in queued jobs).
"""
