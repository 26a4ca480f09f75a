"""Industrial parks (development zones): reading, validation against counties, aggregates, per-mu benefits.

The reference input is the 2018 national catalogue of development zones (中国开发区审核公告目录,
2,543 zones), registered as source ``development_zones_2018``. Any CSV/XLSX with longitude and
latitude columns in WGS84, GCJ-02 or BD-09 and any point or polygon layer can be read too.

The package has one module per step, re-exported here:

- :mod:`geourb.parks.schema`: normalised columns, code tables, flags, text helpers;
- :mod:`geourb.parks.read`: :func:`read_parks` and the 2018-catalogue adapter
  :func:`read_catalogue_2018`;
- :mod:`geourb.parks.validate`: :func:`validate_parks`;
- :mod:`geourb.parks.metrics`: :func:`aggregate_by_county`, :func:`industry_keywords`,
  :func:`benefit_per_mu`.

Units: areas in hectares (``approved_ha``) and mu (``approved_mu`` = ha x 15); money in 10k yuan
(万元); per-mu values in 10k yuan per mu.

Examples
--------
The catalogue's zones in 宁夏 (22 counties), located, checked and counted per county:

>>> from geourb.counties import load_counties
>>> ningxia = load_counties(province="宁夏")
>>> len(ningxia)
22
>>> parks = read_parks()
>>> checked, report = validate_parks(parks[parks["province"] == "宁夏回族自治区"], ningxia)
>>> per_county = aggregate_by_county(checked, ningxia)
>>> int(per_county["n_parks"].sum()), int(per_county["n_national"].sum())
(16, 5)
>>> split_industries("装备制造、新材料，生物医药; 物流 ")
['装备制造', '新材料', '生物医药', '物流']
"""

from __future__ import annotations

from geourb.parks.metrics import aggregate_by_county, benefit_per_mu, industry_keywords
from geourb.parks.read import read_catalogue_2018, read_parks
from geourb.parks.schema import (
    CATALOGUE_2018_COLUMNS,
    FLAGS,
    LEVELS,
    MU_PER_HA,
    PARK_COLUMNS,
    TYPE_EN,
    WEAK_PRECISION,
    WGS84,
    OnDuplicate,
    ParkFormat,
    short_place,
    split_industries,
)
from geourb.parks.validate import validate_parks

__all__ = [
    "CATALOGUE_2018_COLUMNS",
    "FLAGS",
    "LEVELS",
    "MU_PER_HA",
    "PARK_COLUMNS",
    "TYPE_EN",
    "WEAK_PRECISION",
    "WGS84",
    "OnDuplicate",
    "ParkFormat",
    "aggregate_by_county",
    "benefit_per_mu",
    "industry_keywords",
    "read_catalogue_2018",
    "read_parks",
    "short_place",
    "split_industries",
    "validate_parks",
]
