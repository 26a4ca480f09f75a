"""Nested band outlines of a travel-time grid in one compiled pass (internal; needs numba).

The outline of ``minutes <= band`` for every band, with holes assigned to their shells, the
same polygons as marching squares on each band's 0/1 raster at level 0.5 (what
:func:`geourb._surface._band_rings_contourpy` computes with :mod:`contourpy`, one band at a
time): the boundary runs through the midpoints between inside and outside cell centres, i.e.
along the cell edges with the staircase corners cut diagonally. At a saddle (two inside cells
touching only at a corner) the inside cells are kept apart, so a polygon is a 4-connected set
of cells and the outside is 8-connected.

How:

1. :func:`band_quads` gives each cell the index of the first band containing it (``nb`` when
   none) and, in the same pass, lists the 2 x 2 blocks of cells ("quads") whose levels differ;
2. for each band :func:`trace_bands` links the quads' directed segments (inside on the left in
   row-down grid coordinates, so exteriors run counter-clockwise on a north-up map) through the
   crossing points they share, walks the links into closed rings keeping only the vertices
   where the direction changes (exact: all vertices lie on a half-cell lattice) and measures
   each ring with the shoelace formula (exact integers);
3. a ring of negative area is a hole; its shell is found by walking left along the row from
   the hole's leftmost crossing to the first outside cell: the crossing there belongs to the
   same polygon (its shell, or another hole whose shell is resolved first).

Coordinates are returned as doubled integer grid coordinates (``X2 = 2 * column edge``,
``Y2 = 2 * row edge``) so that all arithmetic is exact; the caller maps them to metres with the
grid's affine transform. The scratch arrays come from the caller, which reuses them between
calls (:func:`geourb._surface._scratch`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from geourb._kernels import njit

_Ints = NDArray[np.integer[Any]]

# quad corners: TL = cell (i, j), TR = (i, j + 1), BR = (i + 1, j + 1), BL = (i + 1, j);
# case bits TL 8, TR 4, BR 2, BL 1 (inside = 1); edges 0 top, 1 right, 2 bottom, 3 left
_CORNER_XY = {"TL": (0, 0), "TR": (2, 0), "BR": (2, 2), "BL": (0, 2)}
_EDGE_XY = ((1, 0), (2, 1), (1, 2), (0, 1))
_EDGE_ENDS = (("TL", "TR"), ("TR", "BR"), ("BR", "BL"), ("BL", "TL"))
_BITS = {"TL": 8, "TR": 4, "BR": 2, "BL": 1}


def _segment_table() -> tuple[NDArray[np.int8], NDArray[np.int8]]:
    """Directed segments (from edge, to edge) of each of the 16 quad cases.

    Each segment has the inside corners on its left in row-down coordinates (a negative
    cross product of the direction with the vector to an inside corner), so that on a
    north-up map exteriors run counter-clockwise and holes clockwise. Saddles (cases 5 and
    10) cut off each inside corner on its own.
    """
    table = np.zeros((16, 2, 2), dtype=np.int8)
    count = np.zeros(16, dtype=np.int8)
    for case in range(1, 15):
        inside = {c for c, bit in _BITS.items() if case & bit}
        crossing = [e for e, (a, b) in enumerate(_EDGE_ENDS) if (a in inside) != (b in inside)]
        if len(crossing) == 4:  # saddle: one segment around each inside corner
            pairs = [(tuple(e for e in crossing if c in _EDGE_ENDS[e]), c) for c in sorted(inside)]
        else:
            ref = next(iter(inside)) if len(inside) != 3 else next(
                c for c in _BITS if c not in inside)
            pairs = [((crossing[0], crossing[1]), ref)]
        for s, ((ea, eb), ref) in enumerate(pairs):
            ax, ay = _EDGE_XY[ea]
            bx, by = _EDGE_XY[eb]
            qx, qy = _CORNER_XY[ref][0] - ax, _CORNER_XY[ref][1] - ay
            cross = (bx - ax) * qy - (by - ay) * qx
            if (cross < 0) != (ref in inside):  # reference on the wrong side: flip
                ea, eb = eb, ea
            table[case, s] = (ea, eb)
        count[case] = len(pairs)
    return table, count


SEGMENTS, SEGMENT_COUNT = _segment_table()
# the move (in doubled coordinates) along a segment from edge a to edge b, indexed 4 a + b
_STEP_X = np.array([_EDGE_XY[b][0] - _EDGE_XY[a][0] for a in range(4) for b in range(4)],
                   dtype=np.int64)
_STEP_Y = np.array([_EDGE_XY[b][1] - _EDGE_XY[a][1] for a in range(4) for b in range(4)],
                   dtype=np.int64)
_U8 = np.uint32(8)
_U16 = np.uint32(16)
_U24 = np.uint32(24)
_SHIFT8 = np.uint64(8)
_LOW56 = np.uint64(0x00FFFFFFFFFFFFFF)
_BYTE = np.uint64(0xFF)


@njit(cache=True, nogil=True, inline="always")
def _edge_id(edge: int, i: int, j: int, width: int) -> int:  # pragma: no cover - compiled
    """Crossing id of a quad's edge (quad (i, j) has the top-left cell (i, j), box coordinates).

    Crossings are numbered by cell, interleaved: ``2 * cell`` is the crossing on the cell's
    right edge (to cell (r, c + 1)), ``2 * cell + 1`` the one on its bottom edge (to (r + 1,
    c)), with ``cell = (r + 1) * width + c + 1`` over the box padded by one cell (``width =
    ncol + 2``), so that the crossings around a quad are close in memory.
    """
    if edge == 0:  # top: between cells (i, j) and (i, j + 1)
        return 2 * ((i + 1) * width + j + 1)
    if edge == 2:  # bottom: between (i + 1, j) and (i + 1, j + 1)
        return 2 * ((i + 2) * width + j + 1)
    if edge == 3:  # left: between (i, j) and (i + 1, j)
        return 2 * ((i + 1) * width + j + 1) + 1
    return 2 * ((i + 1) * width + j + 2) + 1  # right: between (i, j + 1) and (i + 1, j + 1)


@njit(cache=True, nogil=True, inline="always")
def _id_xy(cid: int, width: int) -> tuple[int, int]:  # pragma: no cover - compiled
    """Doubled grid coordinates (X2, Y2) of a crossing id (box coordinates)."""
    cell = cid >> 1
    r = cell // width - 1
    c = cell - (r + 1) * width - 1
    if cid & 1 == 0:  # right edge of cell (r, c)
        return 2 * c + 2, 2 * r + 1
    return 2 * c + 1, 2 * r + 2  # bottom edge


@njit(cache=True, nogil=True)
def band_quads(minutes: NDArray[np.floating[Any]], bands: NDArray[np.float64], lev: NDArray[np.uint8],
               words: NDArray[np.uint64], q_i: NDArray[np.int32], q_j: NDArray[np.int32],
               q_lev: NDArray[np.uint32], q_min: NDArray[np.uint8], q_max: NDArray[np.uint8]
               ) -> tuple[int, int]:  # pragma: no cover - compiled
    """Band levels of the cells and the quads whose four cells differ, in one pass.

    ``lev`` (``(rows + 2, width)``, ``width`` a multiple of 8 and at least ``cols + 9``)
    receives each cell's level at ``lev[r + 1, c + 1]``: the index of the first band
    containing it, ``bands.size`` when none (NaN or beyond the last band; ``minutes`` float32
    or float64, compared in float64, as NumPy's ``minutes <= band`` with a float64 band); the border and the columns
    past the grid are ``bands.size`` (outside). ``words`` is ``lev`` viewed as ``uint64``:
    eight quads whose cells all have the same level are skipped with two word comparisons.

    Quad ``(i, j)`` (``-1 <= i < rows``, ``-1 <= j < cols``) has the cells ``(i, j)`` (top
    left), ``(i, j + 1)``, ``(i + 1, j + 1)``, ``(i + 1, j)``. Each row of quads is listed
    as soon as its two rows of levels exist: ``i``, ``j``, the four levels in that order (one
    byte each, the first lowest) and the lowest and highest level go into ``q_*`` (at least
    ``(rows + 1) * (cols + 1)`` items). Returns ``(n_quads, span)``, ``span`` the sum of
    ``q_max - q_min`` (the number of (quad, band) boundary pairs).
    """
    rows, cols = minutes.shape
    nb = bands.size
    last = bands[nb - 1]
    width = lev.shape[1]
    if q_i.size < (rows + 1) * (cols + 1) or width < cols + 9 or width % 8:
        raise ValueError("band_quads: arrays too small")
    for c in range(width):
        lev[0, c] = nb
        lev[rows + 1, c] = nb
    n_quads = 0
    span = 0
    w_last = cols // 8  # word holding the left cell (padded column cols) of quad j = cols - 1
    for r in range(rows + 1):
        if r < rows:  # levels of cell row r -> padded row r + 1
            out = lev[r + 1]
            out[0] = nb
            for c in range(cols):
                m = np.float64(minutes[r, c])
                k = nb
                if m <= last:  # NaN compares False
                    k = 0
                    while m > bands[k]:
                        k += 1
                out[c + 1] = k
            for c in range(cols + 1, width):
                out[c] = nb
        # quads of row i = r - 1: padded rows r and r + 1
        top = lev[r]
        bot = lev[r + 1]
        top_w = words[r]
        bot_w = words[r + 1]
        for w in range(w_last + 1):
            tw = top_w[w]
            if (tw == bot_w[w] and (tw >> _SHIFT8) == (tw & _LOW56)
                    and (top_w[w + 1] & _BYTE) == (tw & _BYTE)
                    and (bot_w[w + 1] & _BYTE) == (tw & _BYTE)):
                continue  # the 8 quads whose left cells are in this word are uniform
            for p in range(8 * w, min(8 * w + 8, cols + 1)):
                a = top[p]
                b = top[p + 1]
                c = bot[p + 1]
                d = bot[p]
                if a == b and b == c and c == d:
                    continue
                q_i[n_quads] = r - 1
                q_j[n_quads] = p - 1
                q_lev[n_quads] = (np.uint32(a) | (np.uint32(b) << _U8) | (np.uint32(c) << _U16)
                                  | (np.uint32(d) << _U24))
                q_min[n_quads] = min(min(a, b), min(c, d))
                q_max[n_quads] = max(max(a, b), max(c, d))
                span += q_max[n_quads] - q_min[n_quads]
                n_quads += 1
    return n_quads, span


@njit(cache=True, nogil=True)
def trace_bands(nrow: int, ncol: int, nb: int, seg: NDArray[np.int8],
                seg_count: NDArray[np.int8], q_i: NDArray[np.int32], q_j: NDArray[np.int32],
                q_lev: NDArray[np.uint32], q_min: NDArray[np.uint8], q_max: NDArray[np.uint8],
                lev: NDArray[np.uint8], n_quads: int, bucket: NDArray[np.int32],
                nxt: NDArray[np.int32], step: NDArray[np.uint8], froms: NDArray[np.int64],
                x2: NDArray[np.int32], y2: NDArray[np.int32], ring_start: NDArray[np.int64],
                ring_band: NDArray[np.int64], ring_shell: NDArray[np.int64],
                ring_area8: NDArray[np.int64], ring_left: NDArray[np.int64]
                ) -> tuple[int, int]:  # pragma: no cover - compiled
    """Trace the rings of every band's outline from the quads of :func:`band_quads`.

    All arrays after ``n_quads`` are caller-provided space whose contents do not matter on
    entry (only items written in this call are read): ``bucket``: ``span`` (the quads of each
    band, grouped by band); ``nxt``, ``step``: one per crossing (``2 * (nrow + 2) * (ncol +
    2)``); ``froms``: ``2 * n_quads + 1``; ``x2``, ``y2``: ``2.5 * span + 16`` (vertices);
    ``ring_*``: ``span / 2 + 16`` (rings; ``ring_start`` one more). Returns ``(n_vertices,
    n_rings)``; the outputs are:

    - ``x2``, ``y2``: the turning vertices of each ring in doubled grid coordinates (cell
      ``(i, j)`` spans ``X2`` in ``[2j, 2j + 2]``), each ring closed (first vertex
      repeated), exteriors counter-clockwise on a north-up map, holes clockwise;
      ``ring_start``: offsets of the rings;
    - ``ring_band``: band index; ``ring_shell``: the ring's polygon's shell ring (itself for a
      shell); ``ring_area8``: eight times the signed area in cells (positive for shells).
    """
    width = ncol + 2
    n_out = 0
    n_rings = 0
    ring_start[0] = 0
    # the quads on each band's boundary, grouped by band (a counting sort)
    band_start = np.zeros(nb + 1, dtype=np.int64)
    for t in range(n_quads):
        for k in range(q_min[t], q_max[t]):
            band_start[k + 1] += 1
    for k in range(nb):
        band_start[k + 1] += band_start[k]
    fill = band_start[:nb].copy()
    for t in range(n_quads):
        for k in range(q_min[t], q_max[t]):
            bucket[fill[k]] = t
            fill[k] += 1
    for k in range(nb):
        # link the band's directed segments: nxt[from crossing] = to crossing
        n_from = 0
        for b in range(band_start[k], band_start[k + 1]):
            t = bucket[b]
            i = q_i[t]
            j = q_j[t]
            packed = q_lev[t]
            case = 0
            if (packed & 0xFF) <= k:
                case += 8
            if ((packed >> 8) & 0xFF) <= k:
                case += 4
            if ((packed >> 16) & 0xFF) <= k:
                case += 2
            if (packed >> 24) <= k:
                case += 1
            for s in range(seg_count[case]):
                ea = seg[case, s, 0]
                eb = seg[case, s, 1]
                fa = _edge_id(ea, i, j, width)
                nxt[fa] = _edge_id(eb, i, j, width)
                step[fa] = 4 * ea + eb
                froms[n_from] = fa
                n_from += 1
        # walk the links into rings, keeping the vertices where the direction changes (the
        # others lie on straight runs); a visited crossing gets nxt = -(ring + 2)
        first_ring = n_rings
        for f in range(n_from):
            start = froms[f]
            if nxt[start] < 0:
                continue
            begin = n_out
            cx, cy = _id_xy(start, width)
            code = step[start]
            dx0 = _STEP_X[code]
            dy0 = _STEP_Y[code]
            left_x = cx if cx & 1 == 0 else 1 << 40  # leftmost crossing between row cells
            left_id = start
            cur = nxt[start]
            nxt[start] = -(n_rings + 2)
            cx += dx0
            cy += dy0
            pdx = dx0
            pdy = dy0
            while cur != start:
                code = step[cur]
                dx = _STEP_X[code]
                dy = _STEP_Y[code]
                if dx != pdx or dy != pdy:
                    x2[n_out] = cx
                    y2[n_out] = cy
                    n_out += 1
                if cx & 1 == 0 and cx < left_x:
                    left_x = cx
                    left_id = cur
                following = nxt[cur]
                nxt[cur] = -(n_rings + 2)
                cur = following
                cx += dx
                cy += dy
                pdx = dx
                pdy = dy
            if dx0 != pdx or dy0 != pdy:  # the start itself turns
                x2[n_out] = cx
                y2[n_out] = cy
                n_out += 1
            x2[n_out] = x2[begin]
            y2[n_out] = y2[begin]
            n_out += 1
            area = 0
            for m in range(begin, n_out - 1):  # shoelace in row-down coordinates: negate
                area -= np.int64(x2[m]) * y2[m + 1] - np.int64(x2[m + 1]) * y2[m]
            ring_start[n_rings + 1] = n_out
            ring_band[n_rings] = k
            ring_area8[n_rings] = area
            ring_shell[n_rings] = n_rings
            ring_left[n_rings] = left_id
            n_rings += 1
        # holes: walk left along the row from the leftmost crossing to the first outside
        # cell; that crossing's ring bounds the same polygon
        for h in range(first_ring, n_rings):
            if ring_area8[h] > 0:
                continue
            cid = ring_left[h]
            r = (cid >> 1) // width - 1
            c = (cid >> 1) - (r + 1) * width - 1  # inside cell (r, c), hole cell (r, c + 1)
            while c >= 0 and lev[r + 1, c + 1] <= k:
                c -= 1
            ring_shell[h] = -nxt[2 * ((r + 1) * width + c + 1)] - 2
        for h in range(first_ring, n_rings):
            s = ring_shell[h]
            while ring_area8[s] < 0:  # another hole of the same polygon, farther left
                s = ring_shell[s]
            ring_shell[h] = s
    return n_out, n_rings
