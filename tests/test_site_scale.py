"""A site of many requests carries no per-request figures, and each page says why and how to draw one."""

from __future__ import annotations

import cstograph
from cgtest import FIXTURES
from cstograph.output.site import build as site_build
from cstograph.output.site import build_site


def test_above_the_figure_limit_pages_say_the_figure_is_left_out(tmp_path, monkeypatch):
    monkeypatch.setattr(site_build, "FIGURES_UP_TO", 2)  # mini.trig holds three requests
    data, _ = build_site(cstograph.open(FIXTURES / "mini.trig"), tmp_path / "site")
    assert data.figures and all(svg is None for svg, _ in data.figures.values())
    for page in (tmp_path / "site" / "request").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<svg" not in text and "this site holds 3 requests" in text and "viz --focus REQUEST" in text


def test_up_to_the_limit_pages_carry_their_figure(tmp_path, monkeypatch):
    monkeypatch.setattr(site_build, "FIGURES_UP_TO", 3)
    data, _ = build_site(cstograph.open(FIXTURES / "mini.trig"), tmp_path / "site")
    assert not any("left out" in note for _, note in data.figures.values())
