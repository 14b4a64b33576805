"""The ``[digital]`` section of the run config."""

from __future__ import annotations

import math
from dataclasses import dataclass

from territorio.digital.sites import STATES, TECHNOLOGIES
from territorio.plausibility import plausible_radius
from territorio.settings import doc

FIVE_G = ["5G", "5G NR", "5G SA", "5G NSA", "5G DSS"]


def _default_radii() -> dict[str, float]:
    # Planning radii of a macro cell in a mixed urban/suburban area; 3.4-3.8 GHz 5G reaches less
    # than low-band 5G DSS and 4G. Replace with the operators' coverage when available.
    return {
        "5G": 600.0,
        "5G NR": 600.0,
        "5G SA": 600.0,
        "5G NSA": 600.0,
        "5G DSS": 1200.0,
        "4G": 1500.0,
        "3G": 2000.0,
        "2G": 3000.0,
    }


@dataclass
class DigitalConfig:
    """Digital infrastructure (digitale): 5G coverage and siting, fibre."""

    radius_by_technology: dict[str, float] = doc(
        "Macro-cell radius in metres per technology; a site takes the largest of its "
        "technologies unless its register row gives raggio_m.",
        factory=_default_radii,
    )
    small_cell_radius_m: float = doc("Radius of sites with tipo_cella = small.", 150.0)
    coverage_technologies: list[str] = doc(
        "Technologies that count as 5G coverage.", factory=lambda: list(FIVE_G)
    )
    coverage_states: list[str] = doc(
        "Register states that count as in service.", factory=lambda: ["attivo"]
    )
    sites_area: str = doc(
        "Area the register's sites must lie in: 'cmm' or the id of a custom area.", "cmm"
    )
    sites_crs: str = doc("CRS of x/y columns of a register without a crs column.", "")
    scenario_sites: int = doc(
        "Without a register: number of sites of the scenario on CMM school sites.", 55
    )
    new_sites: int = doc("With a register: new sites to choose by greedy siting.", 20)
    new_site_radius_m: float = doc("Radius of a new or scenario site.", 600.0)
    candidates: str = doc(
        "Extra candidate locations (CSV lon/lat or x/y with id, nome; or GeoPackage).", ""
    )
    school_candidates: bool = doc(
        "Use the upper-secondary school sites (properties managed by the CMM) as candidates.",
        True,
    )
    grid_cell_m: float = doc("Cell size of the population grid used for siting.", 50.0)
    siting_method: str = doc(
        "Which plan becomes the scenario: 'ottimo' (maximum coverage as an integer programme, "
        "HiGHS) or 'greedy'; both are always computed and compared.",
        "ottimo",
    )
    solver_time_limit_s: float = doc(
        "Seconds per solve of the integer programme; past it the best plan and the bound are "
        "reported with their gap.",
        60.0,
    )
    coverage_targets_pct: list[float] = doc(
        "Shares of all residents for which the run finds the fewest new sites needed.",
        factory=lambda: [25.0, 50.0, 95.0],
    )
    budgets_eur: list[float] = doc(
        "Budgets (EUR) to price when the candidates have a costo_eur column; empty: ten equal "
        "steps up to the cost of every candidate with a cost.",
        factory=list,
    )
    curve_max_sites: int = doc("Largest number of new sites on the coverage curve.", 200)
    default_technology: str = doc(
        "Technology of register rows when the file has no tecnologie column.", "5G NR"
    )

    def __post_init__(self) -> None:
        unknown = sorted(set(self.radius_by_technology) - set(TECHNOLOGIES))
        unknown += sorted(set(self.coverage_technologies) - set(TECHNOLOGIES))
        if unknown:
            raise ValueError(f"unknown technology {unknown}; known: {', '.join(TECHNOLOGIES)}")
        bad = sorted(set(self.coverage_states) - set(STATES))
        if bad:
            raise ValueError(f"unknown coverage_states {bad}; known: {', '.join(STATES)}")
        for name in ("small_cell_radius_m", "new_site_radius_m"):
            if not plausible_radius(getattr(self, name)):
                raise ValueError(f"{name} must be a radius in metres above 0 and at most 50000")
        if not (math.isfinite(self.grid_cell_m) and self.grid_cell_m > 0):
            raise ValueError("grid_cell_m must be > 0")
        if any(not plausible_radius(r) for r in self.radius_by_technology.values()):
            raise ValueError(
                "radius_by_technology values must be radii in metres above 0 and at most 50000"
            )
        if self.default_technology not in TECHNOLOGIES:
            raise ValueError(
                f"default_technology {self.default_technology!r}; known: {', '.join(TECHNOLOGIES)}"
            )
        if self.siting_method not in ("ottimo", "greedy"):
            raise ValueError("siting_method must be 'ottimo' or 'greedy'")
        if not (math.isfinite(self.solver_time_limit_s) and self.solver_time_limit_s > 0):
            raise ValueError("solver_time_limit_s must be a number of seconds > 0")
        if any(not (0 < t <= 100) for t in self.coverage_targets_pct):
            raise ValueError("coverage_targets_pct values must be percentages above 0, at most 100")
        if any(not (math.isfinite(b) and b > 0) for b in self.budgets_eur):
            raise ValueError("budgets_eur values must be amounts in EUR above 0")
        if self.curve_max_sites < 1:
            raise ValueError("curve_max_sites must be ≥ 1")
        if self.scenario_sites < 0 or self.new_sites < 0:
            raise ValueError("scenario_sites and new_sites must be ≥ 0")
