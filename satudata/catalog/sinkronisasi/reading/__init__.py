"""Reading tables as agencies really send them (SOP activity 1, issue 3 item 4).

Each rule is a small pure function over text or rows, so each can be tested alone:
``text`` decodes bytes, ``delimiter`` finds the separator, ``layout`` finds titles, headers,
totals and footnotes, ``values`` reads Indonesian numbers, dates and missing-value markers.
"""
