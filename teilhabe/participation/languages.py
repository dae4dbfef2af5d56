"""Which languages are written right to left, for `dir` on contributions' text, and which language a text is
written in (pure: no Django)."""

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lingua import LanguageDetector

# ISO 639 codes of the right-to-left scripts contributions arrive in.
RIGHT_TO_LEFT = frozenset({"ar", "fa", "prs", "ps", "ur", "he", "yi", "ckb", "dv", "ug"})


def text_direction(language_code: str) -> str:
    """'rtl' or 'ltr' for a language code such as 'ar' or 'fa-AF'."""
    base = (language_code or "").split("-")[0].lower()
    return "rtl" if base in RIGHT_TO_LEFT else "ltr"


# --- Detecting the language of a text (offline, lingua-language-detector ships its models) -------------

# Below this confidence the text is too short or too mixed to tell; the caller keeps its own guess.
MIN_DETECTION_CONFIDENCE = 0.5
# Codes lingua has no model for under the same name: Dari is written and detected as Persian.
_DETECTED_AS = {"prs": "fa"}


@lru_cache(maxsize=4)
def _detector(codes: frozenset[str]) -> "LanguageDetector":
    """A detector for the given ISO 639-1 codes, built once per set (building loads the language models)."""
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    iso_codes = [getattr(IsoCode639_1, code.upper()) for code in sorted(codes)]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*iso_codes).build()


def detectable(codes: Iterable[str]) -> frozenset[str]:
    """The codes among `codes` that lingua can recognise (e.g. not Pashto, Kurmanji or Tigrinya)."""
    from lingua import IsoCode639_1

    return frozenset(
        _DETECTED_AS.get(code, code)
        for code in codes
        if len(_DETECTED_AS.get(code, code)) == 2 and hasattr(IsoCode639_1, _DETECTED_AS.get(code, code).upper())
    )


def detect_language(text: str, accepted: Iterable[str]) -> str | None:
    """The code of the accepted language `text` is written in, or None when it cannot be told with
    confidence (too short, mixed, or in a language the detector does not know)."""
    codes = detectable(accepted)
    if len(codes) < 2:
        return next(iter(codes), None)
    text = (text or "").strip()
    if not text:
        return None
    confidences = _detector(codes).compute_language_confidence_values(text)
    if not confidences or confidences[0].value < MIN_DETECTION_CONFIDENCE:
        return None
    return confidences[0].language.iso_code_639_1.name.lower()
