"""Hostile SQL from readers: runaway queries are stopped, huge values refused, and the site keeps serving."""

from __future__ import annotations

import time

import httpx
import pytest

RUNAWAY = [
    "with recursive r(i) as (select 1 union all select i + 1 from r) select count(*) from r",
    "with recursive r(i) as (select 1 union all select i + 1 from r limit 100000) "
    "select count(*) from r a, r b, articles c",
]
HUGE_VALUES = [
    "select length(randomblob(900000000))",
    "select length(zeroblob(2000000000))",
    "with recursive r(i, s) as (select 1, 'x' union all select i + 1, s || s from r) "
    "select max(length(s)) from r",
]
TIME_LIMIT_S = 2  # sql_time_limit_ms in scripts/serve.sh


def run_sql(site: str, sql: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = httpx.get(f"{site}/archive.json", params={"sql": sql}, timeout=60)
    return response, time.monotonic() - started


@pytest.mark.parametrize("sql", RUNAWAY)
def test_runaway_queries_are_interrupted(live_server: str, sql: str) -> None:
    response, seconds = run_sql(live_server, sql)
    assert response.status_code == 400
    assert "too long" in response.json()["error"]
    assert seconds < TIME_LIMIT_S + 3


@pytest.mark.parametrize("sql", HUGE_VALUES)
def test_huge_values_are_refused_at_once(live_server: str, sql: str) -> None:
    response, seconds = run_sql(live_server, sql)
    assert response.status_code == 400
    assert "too big" in response.json()["error"]
    assert seconds < TIME_LIMIT_S


def test_site_answers_after_hostile_queries(live_server: str) -> None:
    for sql in RUNAWAY + HUGE_VALUES:
        run_sql(live_server, sql)
    response, seconds = run_sql(live_server, "select count(*) as n from articles")
    assert response.status_code == 200 and response.json()["rows"][0][0] > 0
    assert seconds < 1
