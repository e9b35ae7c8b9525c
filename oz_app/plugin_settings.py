"""Settings a plugin declares for itself (PL-5): a provider type or a worker backend names what it
reads, and the core reads and checks those values generically.

A plugin lists :class:`Setting` objects (``settings = [...]`` on its factory). The core reads each
from the environment or the TOML config file under a prefix the core chooses
(``OZ_PROVIDER_<KEY>_`` for a provider, ``OZ_WORKER_`` for a worker backend), or from the values a
person saved in Settings, converts it to the declared type and reports every problem as one
sentence naming the variable. A secret setting is never shown back or logged.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from oz_app.config import ConfigError

KINDS = (str, int, float, bool)
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("", "0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    """One value a plugin reads: ``name`` is lower_snake (``cli_cmd``), its variable is the
    prefix plus the name in capitals (``OZ_PROVIDER_LOCAL_CLI_CMD``)."""

    name: str
    kind: type = str
    default: Any = None
    secret: bool = False
    required: bool = False
    choices: tuple[str, ...] = ()
    low: float | None = None  # for int and float
    high: float | None = None
    help: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("_", "a").isalnum() or self.name != self.name.lower():
            raise ValueError(f"a setting's name must be lower_snake_case, not {self.name!r}")
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name}: kind must be one of str, int, float, bool")

    def variable(self, prefix: str) -> str:
        """The environment variable (and config-file key) that holds this setting."""
        return prefix + self.name.upper()

    @property
    def fallback(self) -> Any:
        """The value when nothing is set: the default, else the kind's empty value."""
        if self.default is not None:
            return self.default
        return {str: "", int: 0, float: 0.0, bool: False}[self.kind]

    def convert(self, raw: Any, where: str) -> tuple[Any, str]:
        """``(value, "")``, or ``(fallback, problem)`` with one sentence naming ``where``."""
        text = str(raw).strip() if not isinstance(raw, bool) else str(raw).lower()
        try:
            value = self._parse(text)
        except ValueError as exc:
            return self.fallback, f"{where} must be {exc}, not {text!r}."
        if self.choices and value not in self.choices:
            return self.fallback, f"{where} must be one of {', '.join(self.choices)}, not {text!r}."
        if isinstance(value, int | float) and not isinstance(value, bool):
            if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
                return self.fallback, f"{where} must be {self._range()}, not {text!r}."
        return value, ""

    def _parse(self, text: str) -> Any:
        if self.kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError("true or false")
        if self.kind is int:
            try:
                return int(text)
            except ValueError:
                raise ValueError("a whole number") from None
        if self.kind is float:
            try:
                number = float(text)
            except ValueError:
                raise ValueError("a number such as 1.5") from None
            if not math.isfinite(number):
                raise ValueError("a finite number")
            return number
        return text

    def _range(self) -> str:
        if self.low is not None and self.high is not None:
            return f"between {self.low:g} and {self.high:g}"
        if self.low is not None:
            return f"at least {self.low:g}"
        return f"at most {self.high:g}"

    def public(self) -> dict[str, Any]:
        """What a settings form shows about this setting (never a value)."""
        return {
            "name": self.name,
            "type": self.kind.__name__,
            "default": None if self.secret else self.default,
            "secret": self.secret,
            "required": self.required,
            "choices": list(self.choices),
            "help": self.help,
        }


def declared(factory: Any, attribute: str = "settings") -> list[Setting]:
    """The settings a plugin's factory declares (``factory.settings``), or none."""
    found = getattr(factory, attribute, None) or []
    return [item for item in found if isinstance(item, Setting)]


def read(declared_settings: Sequence[Setting], values: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """``{name: value}`` for every declared setting, from ``values`` keyed by variable name.

    Raises :class:`~oz_app.config.ConfigError` listing every problem (a value of the wrong type,
    out of range, not one of the choices, or a required one missing), each naming its variable.
    """
    problems: list[str] = []
    result = collect(declared_settings, values, prefix, problems)
    if problems:
        raise ConfigError(problems)
    return result


def collect(
    declared_settings: Sequence[Setting], values: Mapping[str, Any], prefix: str, problems: list[str]
) -> dict[str, Any]:
    """Like :func:`read`, adding problems to ``problems`` instead of raising."""
    result: dict[str, Any] = {}
    for setting in declared_settings:
        variable = setting.variable(prefix)
        raw = values.get(variable)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if setting.required:
                problems.append(f"{variable} is not set: {setting.help or 'it is required'}.")
            result[setting.name] = setting.fallback
            continue
        value, problem = setting.convert(raw, variable)
        if problem:
            problems.append(problem)
        result[setting.name] = value
    return result


def hidden(declared_settings: Sequence[Setting], values: Mapping[str, Any]) -> list[str]:
    """The secret values among ``values`` (``{name: value}``), for redacting from messages."""
    secret = {setting.name for setting in declared_settings if setting.secret}
    return [str(value) for name, value in values.items() if name in secret and value]
