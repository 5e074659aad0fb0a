"""The FAQ form (part C)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from satudata.support.models import FaqEntry

MAX_ANSWER = 20_000


class FaqForm(forms.ModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "answer", "question_en", "answer_en", "category", "is_published"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 8}),
            "answer_en": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "answer": _("Markdown: **bold**, lists, links. HTML is removed."),
            "question_en": _(
                "Optional. Without an English question and answer, English readers "
                "see the Indonesian text with a note."
            ),
            "is_published": _(
                "Only published entries are shown to the public and suggested to visitors."
            ),
        }

    def _text(self, name: str, max_length: int) -> str:
        value = (self.cleaned_data.get(name) or "").replace("\x00", "").strip()
        if len(value) > max_length:
            raise forms.ValidationError(
                _("Too long (%(n)s characters); at most %(max)s.")
                % {"n": len(value), "max": max_length}
            )
        return str(value)

    def clean_question(self) -> str:
        return self._text("question", 300)

    def clean_answer(self) -> str:
        return self._text("answer", MAX_ANSWER)

    def clean_question_en(self) -> str:
        return self._text("question_en", 300)

    def clean_answer_en(self) -> str:
        return self._text("answer_en", MAX_ANSWER)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("question_en")) != bool(data.get("answer_en")):
            self.add_error(
                "answer_en" if data.get("question_en") else "question_en",
                _("Write both the English question and its answer, or neither."),
            )
        return data
