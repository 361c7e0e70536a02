"""Log records as JSON lines on stderr, the form a log collector reads without parsing rules.

A traceback spans many lines; written plainly, a collector would split it into unrelated
records. As one JSON object a line, each record (with its traceback) stays whole.
"""

from __future__ import annotations

import datetime
import json
import logging


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # django.request and django.security attach the request and the response's status.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            entry["method"] = request.method
            entry["path"] = request.get_full_path()
        status_code = getattr(record, "status_code", None)
        if status_code is not None:
            entry["status_code"] = status_code
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["traceback"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
