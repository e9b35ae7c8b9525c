"""Validation errors in words a person reads (UX-8): a form's field named by its label, and what
to type instead, never the validator's own text ("base_url: String should match pattern ...")."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

# The labels the forms show, by field name (provider settings, agents).
LABELS = {
    "key": "Key",
    "type": "Type",
    "model": "Model",
    "base_url": "Base URL",
    "api_key": "API key",
    "msg_limit": "Messages per window",
    "window_seconds": "Window in seconds",
    "cli_cmd": "Command",
    "cli_args": "Command arguments",
    "name": "Name",
    "harness": "Harness",
    "provider": "Provider",
    "system_prompt": "System prompt",
    "environment_id": "Environment",
    "repository": "Repository",
}
# What a field that does not match its pattern must look like.
PATTERNS = {"base_url": "must start with http:// or https://", "provider": "is lowercase letters and digits"}


def explain(exc: ValidationError) -> str:
    """The first problem of ``exc`` as one sentence (the form shows one problem at a time)."""
    problem: dict[str, Any] = dict(exc.errors()[0])
    field = str(problem["loc"][0]) if problem.get("loc") else ""
    label = LABELS.get(field, field.replace("_", " ").capitalize() or "The value")
    return f"{label} {_what(problem, field)}."


def _what(problem: dict[str, Any], field: str) -> str:
    kind, limits = problem.get("type", ""), problem.get("ctx") or {}
    if kind in ("missing", "string_too_short") and limits.get("min_length", 1) <= 1:
        return "cannot be empty"
    if kind == "string_too_short":
        return f"needs at least {limits['min_length']} characters"
    if kind == "string_too_long":
        return f"is longer than {limits.get('max_length')} characters"
    if kind == "string_pattern_mismatch":
        return PATTERNS.get(field, "is not in the expected form")
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "must be a whole number"
    if kind == "greater_than_equal":
        return f"must be {limits.get('ge')} or more"
    if kind == "less_than_equal":
        return f"must be at most {limits.get('le')}"
    if kind == "string_type":
        return "must be text"
    if kind == "extra_forbidden":
        return "is not a setting here"
    if kind == "text":  # the API's own sentence: "contains a control character (U+0007 at ...)"
        return str(problem.get("msg", "")).rstrip(".")
    return "is not valid"
