"""Finding people, organizations, places and outlets by name in either language.

``?_name=`` on the people, organizations, places and outlets tables (a substring of any name):
Matches any part of the English name, the Chinese names (simplified or traditional, typed in either
script), the slug or any alias ("Pompeo", "蓬佩奥", "龐培歐" and "mike-pompeo" all find Mike Pompeo).
``_name`` starts with an underscore so Datasette does not take it for a column filter.

``name_matches(input, name, name_zh, name_zh_hant, slug, aliases)``, an SQL function for canned queries
whose inputs name one person: true when the input is any of the names or aliases (any case, traditional or
simplified), or a whole word of the English name or an English alias ("Pompeo" is Mike Pompeo).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from datasette import hookimpl
from datasette.filters import FilterArguments

REPO_ROOT = str(Path(__file__).resolve().parents[1])
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from newsarchive.textnorm import to_simplified  # noqa: E402

ARGUMENT = "_name"
# table -> columns searched (fixed names; the tables' own schema).
NAME_COLUMNS = {
    "people": ("name", "name_zh", "name_zh_hant", "slug", "aliases"),
    "organizations": ("name", "name_zh", "slug", "aliases"),
    "places": ("name", "name_zh", "slug", "aliases"),
    "outlets": ("name", "name_zh", "slug", "aliases"),
}


def like_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, with LIKE's own wildcards taken literally (escape \\)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_condition(table: str, text: str) -> tuple[str, dict]:
    """SQL (and parameters) true for rows of ``table`` whose names contain ``text`` in either script."""
    text = text.strip()
    params = {"name_q": like_pattern(text), "name_q_simplified": like_pattern(to_simplified(text))}
    ors = [
        f"{column} like :{param} escape '\\'"
        for column in NAME_COLUMNS[table]
        for param in ("name_q", "name_q_simplified")
    ]
    return f"({' or '.join(ors)})", params


WORD = re.compile(r"[^\W\d_]+(?:['’.-][^\W\d_]+)*")


def folded(text: str) -> str:
    return to_simplified(text.strip()).casefold()


def name_matches(
    text: str | None,
    name: str | None,
    name_zh: str | None,
    name_zh_hant: str | None,
    slug: str | None,
    aliases: str | None,
) -> bool:
    """Does ``text`` name this entity: one of its names or aliases, or a word of an English one?"""
    wanted = folded(text or "")
    if not wanted:
        return False
    try:
        alias_list = [a for a in json.loads(aliases or "[]") if isinstance(a, str)]
    except ValueError:
        alias_list = []
    names = [n for n in (name, name_zh, name_zh_hant, slug, *alias_list) if n]
    if any(folded(n) == wanted for n in names):
        return True
    english = [n for n in (name, *alias_list) if n and n.isascii()]
    return any(wanted in (word.casefold() for word in WORD.findall(n)) for n in english)


@hookimpl
def prepare_connection(conn) -> None:
    conn.create_function("name_matches", 6, name_matches, deterministic=True)


@hookimpl
def filters_from_request(request, database, table, datasette):
    text = (request.args.get(ARGUMENT) or "").strip()
    if table not in NAME_COLUMNS or not text:
        return None
    where, params = name_condition(table, text)
    return FilterArguments([where], params, [f'name contains "{text}"'])
