"""A logging filter that keeps personal data out of the logs: e-mail addresses are redacted.

Our own code never logs request bodies; this filter also catches third-party messages
(a failed login naming the username, an exception message quoting a form value).
"""

import logging
import re

EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
REDACTED = "[e-mail redacted]"


def redact(text: str) -> str:
    return EMAIL_PATTERN.sub(REDACTED, text)


class RedactPersonalData(logging.Filter):
    """Render the message once, redact it, and drop the arguments so handlers cannot re-render them."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the caller's bug; do not lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        # Format the traceback here (handlers reuse exc_text) so exception messages are redacted too.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
