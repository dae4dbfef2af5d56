"""A local stand-in for a LibreTranslate server (stdlib http.server in a thread) for the client's tests.

It speaks the part of LibreTranslate's HTTP API the client uses: `POST /translate` with a JSON body
(q: a text or a list of texts, source, target, format, api_key), answering `{"translatedText": ...}`, or
`{"error": "..."}` with 400 / 403 like the real server. The "translation" is a fixed dictionary of whole
texts (what a real model would do cannot be reproduced here); unknown texts are answered "[de] <text>".
Every request it receives is recorded, so a test can prove that nothing was sent.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SUPPORTED = {"de", "en", "ar", "fa", "tr", "uk", "ru", "pl", "ro", "bg", "fr", "es"}


class StandIn:
    def __init__(self, *, api_key: str = "", dictionary: dict[str, str] | None = None):
        self.api_key = api_key
        self.dictionary = dict(dictionary or {})
        self.requests: list[dict] = []
        self.delay_seconds = 0.0  # set above the client's timeout to test it
        self.fail_with: tuple[int, str] | None = None  # (status, error) for the next answers
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep the test output clean
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    return self._answer(400, {"error": "Invalid request: body is not JSON"})
                standin.requests.append({"path": self.path, "body": body})
                if standin.delay_seconds:
                    time.sleep(standin.delay_seconds)
                if self.path != "/translate":
                    return self._answer(404, {"error": "Not Found"})
                if standin.fail_with is not None:
                    status, error = standin.fail_with
                    return self._answer(status, {"error": error})
                if standin.api_key and body.get("api_key") != standin.api_key:
                    return self._answer(403, {"error": "Invalid API key"})
                for name in ("q", "source", "target"):
                    if not body.get(name):
                        return self._answer(400, {"error": f"Invalid request: missing {name} parameter"})
                for name in ("source", "target"):
                    if body[name] != "auto" and body[name] not in SUPPORTED:
                        return self._answer(400, {"error": f"{body[name]} is not supported"})
                texts = body["q"]
                translated = [standin.translate(text) for text in (texts if isinstance(texts, list) else [texts])]
                return self._answer(200, {"translatedText": translated if isinstance(texts, list) else translated[0]})

            def _answer(self, status: int, payload: dict):
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def translate(self, text: str) -> str:
        return self.dictionary.get(text, f"[de] {text}")

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
