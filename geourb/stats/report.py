"""The report of a statistics join: what matched how, and why the rest did not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def _norm_name(name: object) -> str:
    return re.sub(r"[\s\u3000]+", "", str(name)) if isinstance(name, str) else ""


@dataclass
class JoinReport:
    """What a statistics join matched, and how, and what it did not match on each side."""

    n_layer: int
    n_table: int
    n_outside_layer: int = 0
    matched_by_code: list[str] = field(default_factory=list)
    by_crosswalk: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_name: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched_table: pd.DataFrame = field(default_factory=pd.DataFrame)
    unmatched_layer: pd.DataFrame = field(default_factory=pd.DataFrame)
    by_zone: pd.DataFrame = field(default_factory=pd.DataFrame)
    set_aside: pd.DataFrame = field(default_factory=pd.DataFrame)
    outside: pd.DataFrame = field(default_factory=pd.DataFrame)
    vintage: int | None = None
    table_total: dict[str, float] = field(default_factory=dict)

    def summary(self) -> dict[str, int]:
        """Return the counts of each outcome."""
        return {
            "layer_units": self.n_layer,
            "table_rows": self.n_table,
            "table_rows_outside_layer": self.n_outside_layer,
            "table_total_rows_set_aside": len(self.set_aside),
            "matched_by_code": len(self.matched_by_code),
            "code_matches_adjusted_by_crosswalk": len(
                set(self.matched_by_code) & set(self.by_crosswalk.get("new_adcode", []))),
            "layer_units_by_crosswalk": int(self.by_crosswalk["new_adcode"].nunique())
            if len(self.by_crosswalk) else 0,
            "table_rows_by_crosswalk": int(self.by_crosswalk["old_adcode"].nunique())
            if len(self.by_crosswalk) else 0,
            "matched_by_name": len(self.by_name),
            "zones_allocated": len(self.by_zone),
            "unmatched_table_rows": len(self.unmatched_table),
            "unmatched_layer_units": len(self.unmatched_layer),
        }

    def placed_share(self, column: str = "pop_total") -> float:
        """Share of the table's county and zone rows' ``column`` placed in layer units (0-1)."""
        total = self.table_total.get(column, np.nan)
        lost = pd.to_numeric(self.unmatched_table.get(column, pd.Series(dtype=float)), errors="coerce").sum()
        return float((total - lost) / total) if total else float("nan")

    def __str__(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.summary().items()]
        if self.vintage is not None:
            lines.insert(0, f"table vintage: {self.vintage}")
        if "pop_total" in self.table_total:
            lines.append(f"population placed: {self.placed_share():.2%}")
        if len(self.unmatched_table):
            reasons = self.unmatched_table["reason"].value_counts()
            lines += [f"  table rows unmatched, {r}: {n}" for r, n in reasons.items()]
        if len(self.unmatched_layer):
            reasons = self.unmatched_layer["reason"].value_counts()
            lines += [f"  layer units unmatched, {r}: {n}" for r, n in reasons.items()]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per table row or layer unit that did not match by code, with how and why."""
        parts = []
        for frame, outcome in ((self.by_crosswalk, "crosswalk"), (self.by_name, "name"),
                               (self.by_zone, "functional_zone_allocated"),
                               (self.unmatched_table, "unmatched_table_row"),
                               (self.unmatched_layer, "unmatched_layer_unit"),
                               (self.set_aside, "total_row_set_aside"),
                               (self.outside, "table_row_outside_layer")):
            if len(frame):
                parts.append(frame.assign(outcome=outcome))
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


_OUTSIDE_CENSUS = {"71": "Taiwan: not covered by the mainland census",
                   "81": "Hong Kong: not covered by the mainland census",
                   "82": "Macao: not covered by the mainland census"}


def _table_reason(code: object, name: object = None) -> str:
    text = _norm_name(name)
    if text in {"松岭区", "新林区", "呼中区"}:
        return "大兴安岭 district (松岭/新林/呼中) with no separate unit in the boundary layer"
    if text.endswith("行委"):
        return "海西 行政委员会 (芒崖/冷湖/大柴旦), not a county in the boundary layer's list"
    if not isinstance(code, str):
        return "no unit with this name in the prefecture (or scope) of the layer"
    if code in {"232762", "232763", "232764"}:
        return "大兴安岭 district (松岭/新林/呼中) with no separate unit in the boundary layer"
    if code[4:6].isdigit() and 70 <= int(code[4:6]) < 80:
        return "functional zone (开发区/新区/管理区) with no administrative boundary"
    return "no unit with this code, crosswalk entry or name in the layer"


def _layer_reason(code: str) -> str:
    if code[:2] in _OUTSIDE_CENSUS:
        return _OUTSIDE_CENSUS[code[:2]]
    if code == "350527":
        return "金门县: administered from Taiwan, not covered by the mainland census"
    return "no table row with this code, crosswalk entry or name"
