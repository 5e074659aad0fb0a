"""Turning a region name as people write it into a key that compares equal across variants.

"Gadingrejo", "GADING REJO", "Kec. Gading Rejo" and "Gading-Rejo" all become ``gadingrejo``;
"Sukoharjo 1" and "Sukoharjo I" both become ``sukoharjoi``; pre-1972 spelling ("Soekarno",
"Djati", "Tjandi") is read as today's. What is left after that is handled by fuzzy scoring.
"""

from __future__ import annotations

import re
import unicodedata

_PREFIXES = {
    "provinsi",
    "prov",
    "kabupaten",
    "kab",
    "kota",
    "kecamatan",
    "kec",
    "distrik",
    "kelurahan",
    "kel",
    "desa",
    "ds",
    "pekon",
    "kampung",
    "nagari",
    "gampong",
}
_ROMAN = {
    "1": "i",
    "2": "ii",
    "3": "iii",
    "4": "iv",
    "5": "v",
    "6": "vi",
    "7": "vii",
    "8": "viii",
    "9": "ix",
    "10": "x",
}
# Only the unambiguous pre-EYD digraphs: "nj" and "j" also occur in today's spelling.
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"))


def name_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    while len(words) > 1 and words[0] in _PREFIXES:
        words.pop(0)
    key = "".join(_ROMAN.get(word, word) for word in words)
    for old, new in _OLD_SPELLING:
        key = key.replace(old, new)
    return key
