"""No public page embeds anything from another host: scripts, styles, images, fonts and frames are ours."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/konzept/",
    "/konzept/2013/",
    "/konzept/2017/bildung/",
    "/indikatoren/B1/",
    "/indikatoren/A1/",
    "/bezirke/d1/",
    "/massnahmen/sprachfoerderung/",
    "/suche/?q=schul",
    "/barrierefreiheit/",
    "/impressum/",
    "/datenschutz/",
    "/leichte-sprache/",
    "/kontakt/",
]
# Attributes that make the browser fetch something (as opposed to a link the reader may follow).
EMBEDDING = {
    "img": ("src", "srcset"),
    "script": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
    "input": ("src",),
}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)")


class ResourceCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.embedded: list[str] = []
        self.forms: list[str] = []
        self.inline_css: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in EMBEDDING.get(tag, ()):
            if values.get(name):
                self.embedded.extend(part.strip().split(" ")[0] for part in values[name].split(","))
        if tag == "link" and values.get("href") and values.get("rel") not in ("alternate", "canonical"):
            self.embedded.append(values["href"])  # stylesheet, icon, preload, font
        if tag == "form":
            self.forms.append(values.get("action") or "")
        if values.get("style"):
            self.inline_css.append(values["style"])
        self._in_style = tag == "style"

    def handle_data(self, data):
        if self._in_style:
            self.inline_css.append(data)


def is_same_host(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data",) and not url.startswith("data:text/html"):
        return True
    return not parts.scheme and not parts.netloc


def test_no_page_embeds_anything_from_another_host(client, portal_data):
    for language in ("", "/en"):
        for path in PAGES:
            response = client.get(language + path)
            assert response.status_code == 200, path
            collector = ResourceCollector()
            collector.feed(response.content.decode())
            foreign = [url for url in collector.embedded if not is_same_host(url)]
            assert foreign == [], (path, foreign)
            assert all(is_same_host(action) for action in collector.forms), (path, collector.forms)
            assert collector.inline_css == [], (path, collector.inline_css)  # the CSP forbids inline styles
            # scripts only as files of our own (the chart enhancement), never inline code
            scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", response.content.decode(), re.S)
            assert all(re.search(r'\bsrc="/static/', attrs) and not body.strip() for attrs, body in scripts), path


def test_outbound_links_stay_plain_links(client, portal_data):
    page = client.get("/en/indikatoren/B1/").content.decode()
    assert '<a href="https://statistik.example.org/">' in page


def test_the_stylesheets_load_nothing_from_another_host():
    for css in Path(settings.BASE_DIR, "teilhabe", "static").rglob("*.css"):
        for match in CSS_URL.finditer(css.read_text()):
            url = match.group(1) or match.group(2)
            assert is_same_host(url.strip()), (css, url)


@pytest.mark.parametrize(
    ("url", "same"),
    [
        ("/static/x.css", True),
        ("x.css", True),
        ("data:image/png;base64,AA", True),
        ("https://cdn.example.org/x.js", False),
        ("//cdn.example.org/x.js", False),
        ("http://localhost/x", False),
    ],
)
def test_same_host_rule(url, same):
    assert is_same_host(url) is same
