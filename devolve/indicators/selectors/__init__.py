"""Named reads of indicators: the catalogue, the latest release of each figure as of a date, the
headline comparison of pilot areas with the province, the panel an evaluation runs on, and the
stored runs and imports.

Economic statistics and evaluation runs are public (the portal shows them); imports are staff
business and only the reform office reads them.
"""

from devolve.indicators.selectors.headline import (
    Headline,
    HeadlineComparison,
    HeadlineRow,
    get_headline_comparison,
    get_headlines,
)
from devolve.indicators.selectors.observations import (
    batch_first_treated_year,
    get_evaluation_run,
    get_indicator,
    get_latest_run,
    get_observation_import,
    get_province,
    latest_observations,
    list_evaluation_runs,
    list_growth_indicators,
    list_indicators,
    list_observation_import_preview,
    list_observation_imports,
    list_observations,
    observations_last_changed,
    zone_cohorts,
)
from devolve.indicators.selectors.panels import PanelInputs, get_panel_inputs

__all__ = [
    "Headline",
    "HeadlineComparison",
    "HeadlineRow",
    "PanelInputs",
    "batch_first_treated_year",
    "get_evaluation_run",
    "get_headline_comparison",
    "get_headlines",
    "get_indicator",
    "get_latest_run",
    "get_observation_import",
    "get_panel_inputs",
    "get_province",
    "latest_observations",
    "list_evaluation_runs",
    "list_growth_indicators",
    "list_indicators",
    "list_observation_import_preview",
    "list_observation_imports",
    "list_observations",
    "observations_last_changed",
    "zone_cohorts",
]
