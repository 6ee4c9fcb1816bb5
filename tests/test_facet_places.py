"""Facets say what a document is about: places it only mentions stay out of filters and cards,
every place a Søg card shows can be picked in the sidebar, and the year comes from a date near the
top when nothing else gives it (issue 13, item 8)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import cli
from test_app_pages import app_env, app_index, page  # noqa: F401  (fixtures)
from vidensbank.app import ui_text as T
from vidensbank.ingest import schema

VARDE = "lbf-varde-fleksibilitet-og-koordination"
ARTICLE = """Fiktiv nyhed om samarbejde i Kløverparken

Publiceret 15. marts 2023 · Opdateret 2. april 2023

Helhedsplanen i den fiktive Kløverparken i Odense samarbejder med jobcentret om beskæftigelse.
Kløverparken har fået en ny beboerrådgiver, og Odense Kommune betaler halvdelen.
Beboerne i Kløverparken kan nu møde jobcentret i beboerhuset hver tirsdag.

""" + "Beboerrådgiveren fortæller om hverdagen i beboerhuset og om henvendelserne. " * 8 + """

En lignende model kendes fra Herning, men her er den ny.
"""


def test_places_mentioned_in_passing_are_kept_apart(corpus_index: Path) -> None:
    meta = json.loads(cli("show", VARDE, "--json", index=corpus_index).stdout)["metadata"]
    assert meta[schema.KOMMUNER] == ["Varde"]
    assert {"Esbjerg", "Billund", "Kolding"} <= set(meta[schema.KOMMUNER_NAEVNT])


def test_year_from_a_date_near_the_top(tmp_path: Path) -> None:
    path = tmp_path / "kloeverparken.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    index = tmp_path / "index"
    assert cli("ingest", str(path), index=index).returncode == 0
    meta = json.loads(cli("show", "kloeverparken", "--json", index=index).stdout)["metadata"]
    assert meta[schema.YEAR] == 2023
    assert meta[schema.KOMMUNER] == ["Odense"] and meta[schema.KOMMUNER_NAEVNT] == ["Herning"]
    assert meta[schema.BOLIGOMRAADER] == ["Kløverparken"]


def test_every_place_on_a_card_can_be_picked(app_env: Path) -> None:  # noqa: F811
    at = page("search").run()
    at.text_input(key="search_query").input("samarbejde med kommunen").run()
    assert not at.exception
    options = {key: set(at.multiselect(key=f"facet_{key}").options)
               for key in (schema.KOMMUNER, schema.BOLIGOMRAADER)}
    shown = {schema.KOMMUNER: set(), schema.BOLIGOMRAADER: set()}
    for caption in (c.value for c in at.caption):
        plain = re.sub(r"\\(.)", r"\1", caption)
        for key, label in ((schema.KOMMUNER, T.LABEL_KOMMUNER),
                           (schema.BOLIGOMRAADER, T.LABEL_BOLIGOMRAADER)):
            if match := re.search(rf"{label}: ([^·]+)", plain):
                shown[key] |= {name.strip() for name in match.group(1).split(",")}
    assert shown[schema.KOMMUNER], "no card showed a kommune"
    for key, names in shown.items():
        assert names <= options[key], (key, names - options[key])
