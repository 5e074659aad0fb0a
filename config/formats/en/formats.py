"""English: the same order as the Indonesian formats, with a colon in the time ("5 March 2026
10:00"), so a page reads alike in both languages."""

DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
