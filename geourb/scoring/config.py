"""The validated scoring settings :class:`ScoringConfig` (a ``[scoring]`` TOML table)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import ClassVar

from geourb._config import TomlConfig
from geourb._errors import InvalidValueError, SettingsError, plain, suggest
from geourb.scoring.normalize import NORMALIZATIONS, _check_names
from geourb.scoring.weights import DEFAULT_AHP_MATRIX, DEFAULT_INDICATORS, ahp_weights, manual_weights

__all__ = ["CLASS_SCHEMES", "MISSING_POLICIES", "WEIGHT_METHODS", "ScoringConfig"]

WEIGHT_METHODS = ("auto", "equal", "entropy", "ahp")
MISSING_POLICIES = ("skip", "median", "raise")
CLASS_SCHEMES = ("NaturalBreaks", "Quantiles", "EqualInterval", "FisherJenks", "JenksCaspall",
                 "HeadTailBreaks", "StdMean", "Percentiles")


@dataclass
class ScoringConfig(TomlConfig):
    """Validated scoring settings (unknown keys refused; readable from a TOML table).

    Attributes
    ----------
    indicators
        Indicator names: registry entries (:data:`geourb.indicators.INDICATORS`) or any numeric
        column of the table scored; checked by :func:`score_counties` against that table.
    weights
        ``"auto"`` (default: the built-in AHP matrix :data:`DEFAULT_AHP_MATRIX` for the default
        indicators, equal weights for others), ``"equal"``, ``"entropy"`` (熵权法), ``"ahp"`` (needs
        ``ahp_matrix``), a list (one per
        indicator) or a mapping ``{indicator: weight}``; manual weights are scaled to sum 1.
    normalization
        ``minmax``, ``zscore`` or ``rank``.
    directions
        ``{indicator: "benefit" | "cost"}`` overriding the registry defaults.
    ahp_matrix
        Pairwise comparison matrix (rows/columns in the order of ``indicators``).
    missing
        Counties with a missing indicator: ``skip`` (score NaN, listed in the result),
        ``median`` (filled with the median, listed) or ``raise``.
    classes, k
        mapclassify scheme and number of classes for ``score_class``.
    sensitivity_draws, sensitivity_perturbation, seed
        Monte Carlo weight perturbation (0 draws: none), +-fraction, random seed.
    """

    _section: ClassVar[str] = "scoring"

    indicators: list[str] = field(default_factory=lambda: list(DEFAULT_INDICATORS))
    weights: str | list[float] | dict[str, float] = "auto"
    normalization: str = "rank"
    directions: dict[str, str] = field(default_factory=dict)
    ahp_matrix: list[list[float]] | None = None
    missing: str = "skip"
    classes: str = "NaturalBreaks"
    k: int = 5
    sensitivity_draws: int = 200
    sensitivity_perturbation: float = 0.2
    seed: int = 0

    def __post_init__(self) -> None:
        """Validate on construction."""
        self.validate()

    def validate(self, *, available: Sequence[str] | None = None) -> ScoringConfig:
        """Check every field.

        Indicator names (in ``indicators``, ``directions`` and mapping weights) are checked
        lazily: only when ``available`` is given, against the registry plus ``available`` (the
        numeric columns of the data, as :func:`score_counties` does), so a config may name any
        column of the table it will score.

        Parameters
        ----------
        available
            Column names usable as indicators beyond :data:`geourb.indicators.INDICATORS`;
            ``None`` (construction time): names are not checked yet.

        Returns
        -------
        ScoringConfig
            ``self`` (``weights = "auto"`` resolved to ``"ahp"`` or ``"equal"``).

        Raises
        ------
        SettingsError
            A bad value (empty or repeated indicators, unknown method, class scheme ...).
        UnknownNameError
            With ``available``: an indicator is neither in the registry nor available.
        """
        self._check_types()
        if not self.indicators:
            raise SettingsError("scoring.indicators must be a non-empty list of indicator names.")
        if available is not None:
            _check_names(self.indicators, available)
        if len(set(self.indicators)) != len(self.indicators):
            raise SettingsError(f"scoring.indicators lists an indicator twice: {self.indicators}.")
        if isinstance(self.weights, str):
            if self.weights not in WEIGHT_METHODS:
                raise SettingsError(f"Unknown weight method {self.weights!r}; use {', '.join(WEIGHT_METHODS)}, "
                                    "a list or a mapping." + suggest(self.weights, WEIGHT_METHODS))
            if self.weights == "auto":
                # the built-in AHP matrix for the default indicators, equal weights otherwise
                if list(self.indicators) == list(DEFAULT_INDICATORS) and self.ahp_matrix is None:
                    self.weights, self.ahp_matrix = "ahp", [list(row) for row in DEFAULT_AHP_MATRIX]
                else:
                    self.weights = "ahp" if self.ahp_matrix is not None else "equal"
            if self.weights == "ahp" and self.ahp_matrix is None:
                raise SettingsError("weights = 'ahp' needs ahp_matrix (pairwise comparisons of the indicators).")
            if self.weights == "ahp":
                try:  # size, reciprocity and consistency, before any data loads
                    ahp_weights(self.ahp_matrix or [], names=self.indicators)
                except InvalidValueError as exc:
                    raise SettingsError(f"scoring.ahp_matrix: {exc}") from exc
        else:
            try:
                manual_weights(self.weights, names=self.indicators)
            except InvalidValueError as exc:
                raise SettingsError(f"scoring.weights: {exc}") from exc
        if self.normalization not in NORMALIZATIONS:
            raise SettingsError(f"Unknown normalization {self.normalization!r}; use {', '.join(NORMALIZATIONS)}."
                                + suggest(self.normalization, NORMALIZATIONS))
        for name, d in self.directions.items():
            if available is not None:
                _check_names([name], [*available, *self.indicators])
            if d not in ("benefit", "cost"):
                raise SettingsError(f"Direction of {name!r} must be 'benefit' or 'cost', got {d!r}.")
        if self.missing not in MISSING_POLICIES:
            raise SettingsError(f"scoring.missing must be one of {', '.join(MISSING_POLICIES)}, got {self.missing!r}.")
        if self.classes not in CLASS_SCHEMES:
            raise SettingsError(f"Unknown class scheme {self.classes!r}; use {', '.join(CLASS_SCHEMES)}."
                                + suggest(self.classes, CLASS_SCHEMES))
        if self.k < 2:
            raise SettingsError(f"scoring.k (number of classes) must be an integer >= 2, got {self.k}.")
        if self.sensitivity_draws < 0:
            raise SettingsError(f"scoring.sensitivity_draws must be >= 0 (0: no sensitivity analysis), "
                                f"got {self.sensitivity_draws}.")
        if not 0 <= self.sensitivity_perturbation < 1:
            raise SettingsError("scoring.sensitivity_perturbation must lie in [0, 1) (a fraction of each "
                                f"weight), got {plain(self.sensitivity_perturbation)}.")
        return self

    def _check_types(self) -> None:
        """Raise :class:`SettingsError` naming the key, its type and the expected type.

        The same check as :meth:`TomlConfig.from_dict`, also for an object built directly.
        """
        type(self).check({f.name: getattr(self, f.name) for f in fields(self)})


