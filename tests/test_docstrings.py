"""Numpydoc sections on public functions (ruff D checks the form, this checks the sections).

Modules are listed explicitly; the lead adds the others once they pass after the merge.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

CHECKED = ["geourb.parks", "geourb.scoring", "geourb.coords", "geourb._names", "geourb._classify",
           "geourb._text", "geourb._toml", "geourb._deprecate", "geourb.contiguity", "geourb.regions",
           "geourb.rail", "geourb.rail.stations", "geourb.rail.lines", "geourb.rail.multimodal",
           "geourb.isochrones", "geourb.od", "geourb._surface", "geourb._points", "geourb._parallel",
           "geourb._kernels", "geourb._contour", "geourb.stats", "geourb.stats.census", "geourb.stats.change",
           "geourb.stats.crosswalk", "geourb.stats.join", "geourb.stats.names", "geourb.stats.read",
           "geourb.stats.report", "geourb.regions.candidates", "geourb.regions.config",
           "geourb.regions.delineate", "geourb.regions.gazetteer", "geourb.regions.naming",
           "geourb.regions.outputs", "geourb.regions.presets", "geourb.regions.ranking", "geourb.settlement",
           "geourb.indicators", "geourb.counties", "geourb.sources", "geourb._zones", "geourb._log",
           "geourb.maps", "geourb.maps.basemaps", "geourb.maps.classes", "geourb.maps.dispatch",
           "geourb.maps.labels", "geourb.maps.layers", "geourb.maps.output", "geourb.maps.points",
           "geourb.figures", "geourb.report",
           "geourb.roads", "geourb.roads.approximate", "geourb.roads.build", "geourb.roads.china",
           "geourb.roads.layers", "geourb.roads.load", "geourb.roads.osm", "geourb.roads.speeds",
           "geourb.network", "geourb.metro", "geourb.metro.cores", "geourb.metro.delineate",
           "geourb.metro.population", "geourb.metro.rail_gain", "geourb._config", "geourb._errors",
           "geourb._validate", "geourb.settings", "geourb.workflows.join", "geourb._io", "geourb._memo",
           "geourb._netutil"]
DEPRECATED = {"geourb.scoring.classify"}  # aliases document only their replacement


def _public_functions(module_name: str):
    mod = importlib.import_module(module_name)
    names = getattr(mod, "__all__", None) or [n for n in dir(mod) if not n.startswith("_")]
    for name in names:
        obj = getattr(mod, name)
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if not (obj.__module__ or "").startswith(module_name):
            continue  # imported from elsewhere
        yield f"{module_name}.{name}", obj


@pytest.mark.parametrize("module_name", CHECKED)
def test_public_functions_have_parameters_and_returns_sections(module_name):
    missing = []
    for qualname, func in _public_functions(module_name):
        if qualname in DEPRECATED:
            continue
        doc = inspect.getdoc(func) or ""
        params = [p for p in inspect.signature(func).parameters.values() if p.name not in ("self", "cls")]
        sections = (["Parameters"] if params else []) + ["Returns"]
        lacking = [s for s in sections if f"{s}\n{'-' * len(s)}" not in doc]
        if lacking:
            missing.append(f"{qualname}: {', '.join(lacking)}")
    assert not missing, missing
