"""The configuration reference (docs/configuration.md), rendered from the config model in warehouse/config/.

`python -m warehouse.config_doc` writes the page; tests/test_docs.py fails when the committed page differs.
Every key's type, default and constraints come from the pydantic fields, its text from `Field(description=...)`
and each section's text from its class docstring, so the page cannot drift from what the loader accepts.
"""

from __future__ import annotations

import inspect
import sys
import typing
from pathlib import Path

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from warehouse.config import SECRET_ENV, Config

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
COMMAND = "python -m warehouse.config_doc"

# what each secret's environment variable is for (every name in SECRET_ENV must be here)
ENV_USES = {
    "COPILOT_USAGE_CLIENT_SECRET": '`[auth] method = "client_secret"`',
    "COPILOT_USAGE_CERTIFICATE_PASSWORD": '`method = "certificate"` with an encrypted PEM',
    "COPILOT_USAGE_GRAPH_TOKEN": '`method = "token"`: sent as is as the bearer token, only to the `[graph] base_url` '
                                 "host (test endpoints, pre-obtained tokens)",
    "COPILOT_USAGE_SMTP_PASSWORD": "`[alerts.smtp] username` is set (a `password` key in the file is an error)",
    "COPILOT_USAGE_PSEUDONYM_KEY": "`[privacy] pseudonymise = true`: the HMAC key of the pseudonyms (never printed)",
    "COPILOT_CONFIG": "the default for `--config` (otherwise `./config.toml`)",
}

INTRO = """\
# Configuration reference

<!-- Generated from warehouse/config/ by `{command}`; do not edit by hand. -->

One TOML file configures everything. Copy [`config.example.toml`](../config.example.toml) (every key with its
default and a comment) to `config.toml` and edit it; commands take `--config PATH` (default `./config.toml`, or
`$COPILOT_CONFIG`). The file is validated once at start-up and every error names the file and the key
(`[graph.base_url] …`); unknown keys are errors, so a typo does not pass silently. Every key is optional: a
missing key takes its default.

## Secrets: environment variables only

Secrets are never read from the file (a `client_secret` or `password` key there is an error naming the variable
to set instead) and never logged.

| environment variable | used when |
| --- | --- |
"""

_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean"}


def _toml(v: object) -> str:
    """A default value as it is written in TOML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.items()) + " }"
    if isinstance(v, BaseModel):
        return "{ " + ", ".join(f"{k} = {_toml(x)}" for k, x in v.model_dump().items()) + " }"
    return repr(v)


def _type(annotation: object) -> tuple[str, list[str]]:
    """A field's type in words and the constraints its type implies (the allowed values of a Literal)."""
    if typing.get_origin(annotation) is typing.Literal:
        return "string", ["one of " + ", ".join(_toml(a) for a in typing.get_args(annotation))]
    if typing.get_origin(annotation) is list:
        (item,) = typing.get_args(annotation)
        if inspect.isclass(item) and issubclass(item, BaseModel):
            keys = ", ".join(f"`{k}`" for k in item.model_fields)
            return f"list of tables ({keys})", []
        word, allowed = _type(item)
        return f"list of {word}s", [f"each {a}" for a in allowed]
    if typing.get_origin(annotation) is dict:
        key, value = typing.get_args(annotation)
        return f"table of {_type(value)[0]}s by {_type(key)[0]}", []
    return _TYPES[annotation], []  # type: ignore[index]


def _constraints(field: FieldInfo) -> list[str]:
    out = []
    for m in field.metadata:
        for kind, attr, sign in ((Gt, "gt", ">"), (Ge, "ge", "≥"), (Lt, "lt", "<"), (Le, "le", "≤")):
            if isinstance(m, kind):
                out.append(f"{sign} {getattr(m, attr)}")
        if getattr(m, "pattern", None):
            out.append(f"matches `{m.pattern}`")
    return out


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _sections(model: type[BaseModel], name: str) -> list[tuple[str, type[BaseModel]]]:
    """The model's sections in declaration order, each followed by its subsections ("alerts", "alerts.smtp")."""
    out = []
    for key, field in model.model_fields.items():
        ann = field.annotation
        if inspect.isclass(ann) and issubclass(ann, BaseModel):
            full = f"{name}.{key}" if name else key
            out += [(full, ann), *_sections(ann, full)]
    return out


def _section(name: str, model: type[BaseModel]) -> list[str]:
    doc = inspect.getdoc(model) or ""
    if not doc or doc == inspect.getdoc(BaseModel):
        raise ValueError(f"[{name}] ({model.__name__}) has no docstring to describe the section")
    lines = [f"## [{name}]", "", " ".join(doc.split()), "",
             "| key | type | default | allowed | description |", "| --- | --- | --- | --- | --- |"]
    for key, field in model.model_fields.items():
        ann = field.annotation
        if inspect.isclass(ann) and issubclass(ann, BaseModel):
            continue  # a subsection: its own heading below
        if not field.description:
            raise ValueError(f"[{name}] {key} has no Field(description=...) in warehouse/config/")
        word, allowed = _type(ann)
        allowed += _constraints(field)
        lines.append(f"| `{key}` | {word} | `{_cell(_toml(field.default))}` | {_cell('; '.join(allowed)) or '–'} "
                     f"| {_cell(field.description)} |")
    return [*lines, ""]


def render() -> str:
    """The whole page, from the config model."""
    missing = set(SECRET_ENV.values()) - set(ENV_USES)
    if missing:
        raise ValueError(f"no description of {', '.join(sorted(missing))} in ENV_USES")
    text = INTRO.format(command=COMMAND)
    text += "".join(f"| `{var}` | {use} |\n" for var, use in ENV_USES.items()) + "\n"
    body = [line for name, model in _sections(Config, "") for line in _section(name, model)]
    return text + "\n".join(body).rstrip("\n") + "\n"


def main() -> int:
    """Write docs/configuration.md."""
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
