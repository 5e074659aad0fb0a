"""The one error every product part raises for input it cannot use."""

from __future__ import annotations


class ProductError(ValueError):
    """Input a product cannot be built from, said in the user's language. ``field`` names the
    form field or API parameter at fault (empty when the error concerns the whole product)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
