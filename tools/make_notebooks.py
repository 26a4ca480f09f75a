"""Write the notebooks in notebooks/ (sources only; outputs are never stored in git).

Run: python tools/make_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = '''\
import logging
from pathlib import Path

import geourb

logging.basicConfig(level=logging.WARNING)
# real data is read in place from ../shared/data (never copied into the repository)
SHARED = Path("../../shared/data").resolve()
geourb.settings.update(mirror_dirs=[SHARED], progress=False, maps_dir=Path("../maps").resolve())
'''


def nb02() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell(
            "# 1-hour metropolitan circle on a real road network: Kunming\n\n"
            "The action plan judges metropolitan areas by 1-hour commuting. This notebook builds the "
            "real Kunming road network (four FileGDB layers by class, ~500k nodes), computes nested "
            "15/30/45/60-minute isochrones from the 昆明 core, delineates the counties within an hour "
            "with their census population, compares road-only with road + high-speed rail, and "
            "writes an offline HTML map."),
        new_code_cell(SETUP),
        new_markdown_cell("## Network\nThe layers are labelled EPSG:32649 but hold degrees: geourb "
                          "detects it and relabels them (a logged warning). Road class comes from the "
                          "layer name; speeds from `CHINA_URBAN_SPEEDS_KMH`."),
        new_code_cell(
            "from geourb.roads import CHINA_URBAN_SPEEDS_KMH, load_network\n\n"
            "roads = load_network(SHARED / 'roads' / 'kunming')\n"
            "print(roads)\nCHINA_URBAN_SPEEDS_KMH"),
        new_markdown_cell("## Core city and isochrones"),
        new_code_cell(
            "from geourb.counties import load_counties\n"
            "from geourb.isochrones import isochrones\n"
            "from geourb.metro import resolve_city\n\n"
            "yunnan = load_counties(province='云南')\n"
            "core = resolve_city('Kunming', yunnan)\n"
            "bands = isochrones(roads, (core.lon, core.lat), bands_min=(15, 30, 45, 60), cell_m=150)\n"
            "assert bands['area_km2'].is_monotonic_increasing\n"
            "bands.drop(columns='geometry')"),
        new_markdown_cell("## Counties within one hour, with census population"),
        new_code_cell(
            "from geourb.metro import delineate_metro\n"
            "from geourb.stats import join_statistics, read_census_2020\n\n"
            "layer, report = join_statistics(yunnan, read_census_2020())\n"
            "road_area = delineate_metro(roads, core, layer, minutes=60, population='pop_total')\n"
            "road_area.counties[['name', 'time_min', 'area_share', 'pop_area_weighted']]"),
        new_code_cell("road_area.summary"),
        new_markdown_cell(
            "## Road + high-speed rail: Wuhan\n"
            "The station file (~2020) has no 昆明南 and the HSR station layer none in Kunming, so the "
            "rail comparison is made around Wuhan, on the **approximate** county-seat road network "
            "(straight lines x circuity; labelled approximate in every output) plus the trunk rail "
            "corridors: stations from `cnstation.csv` (GCJ-02 converted to WGS84), 10 min wait, "
            "5 min transfer, station access up to 30 km at 30 km/h."),
        new_code_cell(
            "import pandas as pd\n"
            "from geourb.metro import default_network\n"
            "from geourb.rail import link_stations_along_lines, multimodal_network, read_lines, read_stations\n\n"
            "central = load_counties(province=['湖北', '湖南', '河南', '安徽', '江西'])\n"
            "central, _ = join_statistics(central, read_census_2020())\n"
            "approx = default_network(central)\n"
            "stations = read_stations(SHARED / 'rail' / 'cnstation.csv', coord_system='gcj02')\n"
            "minx, miny, maxx, maxy = central.total_bounds\n"
            "stations = stations.cx[minx:maxx, miny:maxy]\n"
            "lines = read_lines(SHARED / 'rail' / 'hsr_lines')\n"
            "links, link_report = link_stations_along_lines(stations, lines)\n"
            "print(link_report)\n"
            "multi = multimodal_network(approx, stations, links, max_access_m=30_000)\n"
            "wuhan_road = delineate_metro(approx, '武汉', central, minutes=60, population='pop_total')\n"
            "wuhan_rail = delineate_metro(multi, '武汉', central, minutes=60, population='pop_total')\n"
            "assert wuhan_rail.summary['isochrone_km2'] >= wuhan_road.summary['isochrone_km2']\n"
            "pd.DataFrame({'road only (approx.)': wuhan_road.summary, 'road + rail (approx.)': wuhan_rail.summary})"),
        new_markdown_cell("## Map (offline, self-contained HTML)"),
        new_code_cell(
            "from geourb import maps\n\n"
            "m = maps.make_map(\n"
            "    maps.choropleth(road_area.counties, 'time_min', label='到核心县城时间', unit='分钟'),\n"
            "    maps.isochrone_bands(bands),\n"
            "    title='昆明 1 小时通勤圈 (road network)',\n"
            ")\n"
            "path = maps.save_map(m, 'kunming_1h')\n"
            "print(path, round(path.stat().st_size / 1e6, 2), 'MB')"),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def main() -> None:
    HERE.mkdir(exist_ok=True)
    nbformat.write(nb02(), HERE / "02_metropolitan_isochrones.ipynb")


if __name__ == "__main__":
    main()
