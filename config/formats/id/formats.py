"""Indonesian: the day before the month, the month's name, and a full stop between hours and
minutes ("5 Maret 2026 10.00"), as Indonesian government documents write them."""

DATETIME_FORMAT = "j F Y H.i"
SHORT_DATETIME_FORMAT = "j M Y H.i"
TIME_FORMAT = "H.i"
