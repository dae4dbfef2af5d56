"""A client for a self-hosted LibreTranslate server's HTTP API (`POST /translate`), for staff translations.

Pure: the standard library only, no Django; services.py reads the settings and stores the result
(docs/translations.md). The client talks to the configured server directly (no proxy from the environment),
so a contribution's text goes to that server and nowhere else.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

ENGINE_NAME = "LibreTranslate"
# Codes of participation.models.Language that LibreTranslate knows under another code.
_SERVER_CODES = {"prs": "fa"}
# How much of an error answer is quoted back to staff.
_MAX_ERROR_LENGTH = 300


class TranslationError(Exception):
    """The server could not be reached or refused the request; the message says which, for staff."""


@dataclass(frozen=True)
class Translation:
    texts: tuple[str, ...]
    engine: str  # e.g. "LibreTranslate (translate.example.org)"


def source_digest(*, language: str, title: str, text: str) -> str:
    """What a stored translation was made from: when the title, text or language change, it is outdated."""
    return hashlib.sha256("\x1f".join([language, title, text]).encode("utf-8")).hexdigest()


def server_code(language: str) -> str:
    return _SERVER_CODES.get(language, language)


class LibreTranslateClient:
    def __init__(self, url: str, *, api_key: str = "", timeout: float = 20.0):
        parts = urllib.parse.urlsplit(url or "")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise TranslationError(f"The translation server address {url!r} is not an http(s) URL.")
        self.endpoint = url.rstrip("/") + "/translate"
        self.engine = f"{ENGINE_NAME} ({parts.netloc})"
        self.api_key = api_key
        self.timeout = timeout
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def translate(self, texts: Sequence[str], *, source: str, target: str) -> Translation:
        """`texts` translated from `source` into `target` (plain text), in the same order.

        Raises TranslationError for a timeout, an unreachable server, an error answer (LibreTranslate sends
        `{"error": "..."}` with 400, 403, 429 or 500) or an answer that is not what the API promises.
        """
        texts = list(texts)
        if not texts:
            return Translation(texts=(), engine=self.engine)
        body = {"q": texts, "source": server_code(source), "target": server_code(target), "format": "text"}
        if self.api_key:
            body["api_key"] = self.api_key
        request = urllib.request.Request(
            self.endpoint,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise TranslationError(
                f"The translation server answered {error.code}: {_error_message(error.read())}"
            ) from error
        except TimeoutError as error:
            raise TranslationError(f"The translation server did not answer within {self.timeout:g} seconds.") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise TranslationError(
                    f"The translation server did not answer within {self.timeout:g} seconds."
                ) from error
            raise TranslationError(f"The translation server could not be reached: {error.reason}.") from error
        except OSError as error:
            raise TranslationError(f"The translation server could not be reached: {error}.") from error
        return Translation(texts=_translated_texts(raw, len(texts)), engine=self.engine)


def _error_message(raw: bytes) -> str:
    try:
        message = json.loads(raw.decode("utf-8")).get("error")
    except (ValueError, AttributeError, UnicodeDecodeError):
        message = None
    text = str(message) if message else raw.decode("utf-8", "replace").strip() or "no reason given"
    return text[:_MAX_ERROR_LENGTH]


def _translated_texts(raw: bytes, count: int) -> tuple[str, ...]:
    try:
        answer = json.loads(raw.decode("utf-8"))
        translated = answer["translatedText"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as error:
        raise TranslationError("The translation server's answer has no translatedText.") from error
    if isinstance(translated, str):
        translated = [translated]
    if not isinstance(translated, list) or not all(isinstance(t, str) for t in translated):
        raise TranslationError("The translation server's translatedText is not a list of texts.")
    if len(translated) != count:
        raise TranslationError(f"The translation server returned {len(translated)} texts for {count}.")
    return tuple(translated)
