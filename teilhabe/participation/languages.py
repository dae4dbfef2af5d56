"""Which languages are written right to left, for `dir` on contributions' text (pure)."""

# ISO 639 codes of the right-to-left scripts contributions arrive in.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "prs", "ps", "ur", "he", "yi", "ckb", "dv", "ug"})


def text_direction(language_code: str) -> str:
    """'rtl' or 'ltr' for a language code such as 'ar' or 'fa-AF'."""
    base = (language_code or "").split("-")[0].lower()
    return "rtl" if base in RIGHT_TO_LEFT else "ltr"
