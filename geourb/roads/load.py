"""Open a network by file type: ``.npz`` cache, OSM file or GIS road layers."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from geourb._errors import DataFileNotFoundError, InvalidValueError
from geourb.coords import check_system
from geourb.network import Network
from geourb.roads.layers import network_from_layers
from geourb.roads.osm import network_from_osm


def load_network(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    coord_system: str = "wgs84",
    **kwargs: Any,
) -> Network:
    """Open a network by file type: ``.npz`` cache, OSM (``.pbf``/``.osm``) or GIS layers.

    Parameters
    ----------
    path
        A ``.npz`` file saved by :meth:`Network.save`; an OSM file (``.osm.pbf``, ``.osm``,
        ``.osm.bz2``, ``.osm.gz``, ``.xml``); a road layer (GPKG, Shapefile, FileGDB); a folder
        of such layers; or a list of layers.
    coord_system
        Datum of GIS road layers: ``"wgs84"`` (default), ``"gcj02"`` or ``"bd09"`` (converted
        to WGS84, see :func:`read_road_layer`). OSM files and ``.npz`` caches are WGS84 and
        accept only ``"wgs84"``.
    **kwargs
        Options of :func:`network_from_osm` or :func:`network_from_layers`; ignored for a
        ``.npz`` cache.

    Returns
    -------
    Network
        The loaded or built network.

    Raises
    ------
    DataFileNotFoundError
        The file does not exist, or a folder holds no ``.gdb``/``.gpkg``/``.shp`` layer.
    InvalidValueError
        Unknown ``coord_system``, or GCJ-02/BD-09 declared for an OSM file or a cache.
    NetworkGraphError, EmptyResultError, UnknownNameError
        As raised by the builder used.
    """
    system = check_system(coord_system)
    if not isinstance(path, str | os.PathLike):
        return network_from_layers(list(path), coord_system=system, **kwargs)
    p = Path(path)
    low = p.name.lower()
    osm = low.endswith((".pbf", ".osm", ".osm.bz2", ".osm.gz", ".xml"))
    if system != "wgs84" and (osm or low.endswith(".npz")):
        raise InvalidValueError(
            f"{p}: coord_system={coord_system!r} applies to GIS road layers only; OSM data and "
            ".npz caches are already WGS84. Leave coord_system at 'wgs84'."
        )
    if low.endswith(".npz"):
        return Network.load(p)
    if osm:
        return network_from_osm(p, **kwargs)
    if p.is_dir() and not low.endswith(".gdb"):
        gdbs = sorted(p.glob("*.gdb")) + sorted(p.glob("*.gpkg")) + sorted(p.glob("*.shp"))
        if not gdbs:
            raise DataFileNotFoundError(f"{p} holds no .gdb, .gpkg or .shp road layer.")
        return network_from_layers(gdbs, coord_system=system, **kwargs)
    return network_from_layers(p, coord_system=system, **kwargs)
