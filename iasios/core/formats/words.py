"""Words placed inside a sentence, by the rules of the active language."""

from __future__ import annotations

from django.utils.translation import get_language

# Languages whose nouns keep their capital inside a sentence (a label is printed as it is).
_CAPITALISED_NOUNS = {"de"}


def in_sentence(label: object) -> str:
    """A label (a state, a kind) placed inside a sentence: “Upheld” → “upheld”.

    Only the first letter is lowered, and not in a language that capitalises nouns (German) or
    when the label opens with an abbreviation (“ICR”); `lower` would do both wrongly.
    """
    text = str(label)
    if (get_language() or "").split("-")[0] in _CAPITALISED_NOUNS or text[1:2].isupper():
        return text
    return text[:1].lower() + text[1:]
