"""Logging through loguru: readable on a terminal, JSON lines otherwise (CL-7)."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from typing import IO, Any

from loguru import logger


def _json_sink(message: Any, stream: IO[str] | None = None) -> None:
    record = message.record
    line = {
        "time": record["time"].isoformat(),
        "level": record["level"].name,
        "message": record["message"],
        "logger": record["name"],
    }
    line.update({k: v for k, v in record["extra"].items() if not k.startswith("_")})
    if record["exception"] is not None:
        kind, value, trace = record["exception"]
        line["exception"] = repr(value)
        line["traceback"] = "".join(traceback.format_exception(kind, value, trace))
    (stream or sys.stderr).write(json.dumps(line, default=str) + "\n")


class _InterceptHandler(logging.Handler):
    """Sends records of stdlib loggers (uvicorn, tortoise, aiohttp) to loguru."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            level: str | int = logger.level(record.levelname).name
        except ValueError:
            level = record.levelno
        logger.opt(depth=6, exception=record.exc_info).log(level, record.getMessage())


def setup_logging(level: str = "INFO", fmt: str = "") -> None:
    """Configure loguru once; ``fmt`` is "json", "text" or "" (json unless stderr is a TTY)."""
    logger.remove()
    use_json = fmt == "json" or (fmt == "" and not sys.stderr.isatty())
    if use_json:
        logger.add(_json_sink, level=level)
    else:
        logger.add(
            sys.stderr,
            level=level,
            format="<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> {message} <dim>{extra}</dim>",
        )
    logging.basicConfig(handlers=[_InterceptHandler()], level=logging.WARNING, force=True)
