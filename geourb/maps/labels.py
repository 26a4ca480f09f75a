"""Map labels that never overlap: a greedy collision pass in screen space at every zoom.

Labels are placed in priority order (region rank, else size); a label whose box would touch
one already shown is hidden at that zoom and reappears when zooming in gives it room.
Optional rank badges (a small number in a circle) mark ranked regions.
"""

from __future__ import annotations

from collections.abc import Sequence

from branca.element import MacroElement
from folium.template import Template

from geourb.maps._html import _esc


class Labels(MacroElement):
    """Permanent text labels tied to their parent layer, placed without overlap at each zoom.

    Parameters
    ----------
    points
        ``(lat, lon, html, priority)`` per label; ``html`` must already be escaped; a lower
        ``priority`` is placed first.
    css_class
        Extra CSS class (``"geourb-minor"`` for small context labels).
    padding_px
        Minimum gap between two labels in pixels.
    group_priority
        Order between label groups on one map (lower first): a map's own labels (0) are
        placed before the context basemap's seat labels (10); all share one collision pass.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var parent = {{ this._parent.get_name() }};
            var data = {{ this.points|tojson }};
            data.sort(function(a, b) { return a[3] - b[3]; });
            var markers = data.map(function(d) {
                var icon = L.divIcon({className: {{ this.css_class|tojson }}, html: d[2],
                                      iconSize: null});
                return L.marker([d[0], d[1]], {icon: icon, interactive: false, keyboard: false});
            });
            parent.addLayer(L.layerGroup(markers));
            var reg = window.geourbLabels = window.geourbLabels || {groups: []};
            reg.groups.push({parent: parent, markers: markers,
                             prio: {{ this.group_priority|tojson }},
                             pad: {{ this.padding_px|tojson }}});
            reg.groups.sort(function(a, b) { return a.prio - b.prio; });
            reg.place = reg.place || function() {
                var kept = [];
                reg.shown = 0;
                reg.groups.forEach(function(g) {
                    var map = g.parent._map;
                    if (!map) { return; }
                    g.markers.forEach(function(mk) {
                        var el = mk.getElement();
                        if (!el) { return; }
                        el.style.display = '';
                        var w = el.offsetWidth, h = el.offsetHeight;
                        el.style.marginLeft = (-w / 2) + 'px';
                        el.style.marginTop = (-h / 2) + 'px';
                        var p = map.latLngToContainerPoint(mk.getLatLng());
                        var box = [p.x - w / 2 - g.pad, p.y - h / 2 - g.pad,
                                   p.x + w / 2 + g.pad, p.y + h / 2 + g.pad];
                        var hit = kept.some(function(b) {
                            return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3];
                        });
                        if (hit) { el.style.display = 'none'; } else { kept.push(box); reg.shown++; }
                    });
                });
                document.documentElement.setAttribute('data-geourb-labels', String(reg.shown));
            };
            function attach() {
                var map = parent._map;
                if (!map) { return; }
                if (!map._geourbLabels) { map._geourbLabels = true; map.on('zoomend', reg.place); }
                setTimeout(reg.place, 0);
            }
            parent.on('add', attach);
            parent.on('remove', function() { setTimeout(reg.place, 0); });
            attach();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, points: Sequence[tuple[float, float, str, float]], *,
                 css_class: str = "geourb-label", padding_px: int = 2,
                 group_priority: int = 0) -> None:
        super().__init__()
        self._name = "GeourbLabels"
        self.points = [[float(a), float(b), str(c), float(d)] for a, b, c, d in points]
        self.css_class = css_class
        self.padding_px = int(padding_px)
        self.group_priority = int(group_priority)


def label_html(name: object, rank: object = None) -> str:
    """Return the escaped label text, with a rank badge when ``rank`` is a number.

    Parameters
    ----------
    name
        The label (any value, shown as escaped text).
    rank
        A rank shown in a badge before the name; None or NaN: no badge.

    Returns
    -------
    str
        HTML.
    """
    badge = ""
    try:
        if rank is not None and rank == rank:  # not NaN
            badge = f'<span class="geourb-rank">{int(rank)}</span>'  # type: ignore[call-overload]
    except (TypeError, ValueError):
        badge = ""
    return badge + _esc(name)
