"""What this app's audit-event codes, and the estimators' diagnostic notes, read as on pages
(devolve.core.actions)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The prefix of a diagnostic note's sentence code (``Note.sentence`` in indicators/analytics).
NOTE = "evaluation_note."

# The words of every diagnostic note the estimators write, by sentence code. The parameters are
# numbers already formatted, periods, unit names and codes (indicators.analytics.panel.Note).
NOTE_LABELS: dict[str, Promise] = {
    # The panel (analytics/panel.py).
    "unbalanced_dropped": _(
        "Dropped to balance the panel: %(units)s of %(total)s units are not observed with an "
        "outcome in every one of the %(periods)s periods (%(first)s–%(last)s): %(listed)s."
    ),
    "covariate_time_varying": _(
        "The covariate %(covariate)s changes over time in some units (%(count)s, e.g. "
        "%(listed)s); its value in the first period (%(first)s) is used."
    ),
    "cohort_before_first_period": _(
        "Cohort %(cohort)s (units: %(units)s) is treated in or before the first observed period "
        "(%(first)s): it has no pre-treatment period, so the estimators drop it."
    ),
    "cohort_outside_periods": _(
        "Cohort %(cohort)s (units: %(units)s) is first treated after the last observed period "
        "(%(last)s): within the data these units are untreated, so the estimators use them as "
        "never treated."
    ),
    "cohort_between_periods": _(
        "Cohort %(cohort)s (units: %(units)s) is not one of the observed periods; its first "
        "treated period is taken as the first observed period after %(cohort)s."
    ),
    # Callaway–Sant'Anna (analytics/did.py, analytics/aggregation.py).
    "cohort_after_last_period": _(
        "Units of cohorts %(cohorts)s (%(units)s) are first treated after the last period "
        "(%(last)s); they are used as never treated."
    ),
    "no_never_treated": _(
        "No unit is never treated: cohort %(cohort)s serves only as the not-yet-treated "
        "comparison, its own effect is not estimated, and the periods from %(start)s on are "
        "dropped (%(count)s)."
    ),
    "treated_in_first_period": _(
        "Dropped the units of cohorts %(cohorts)s (%(units)s): treated in or before the first "
        "period (%(first)s), they have no pre-treatment period."
    ),
    "few_pre_periods": _(
        "Cohort %(cohort)s has too few pre-treatment periods (%(periods)s): its parallel trend "
        "before treatment cannot be checked."
    ),
    "wild_not_computed": _("No wild cluster bootstrap: all units are in one cluster."),
    "few_treated_clusters": _(
        "A cohort's units lie in only %(treated)s of the %(clusters)s clusters: with so few "
        "treated clusters even the wild cluster bootstrap covers too rarely."
    ),
    "no_pretrend_test": _(
        "No pre-treatment ATT(g,t) could be estimated, so parallel trends before treatment are "
        "untested."
    ),
    "pretrend_singular": _(
        "The pre-trend Wald test is not reported: the covariance of the pre-treatment estimates "
        "is singular."
    ),
    "pretrend_rejected": _(
        "The pre-treatment ATT(g,t) differ jointly from zero (Wald χ² = %(chi2)s, df = %(df)s, "
        "asymptotic p = %(p)s): parallel trends are doubtful."
    ),
    "pretrend_rejected_randomisation": _(
        "The pre-treatment ATT(g,t) differ jointly from zero (randomisation p = "
        "%(randomisation_p)s over %(draws)s permutations of the cohorts; Wald χ² = %(chi2)s, "
        "df = %(df)s, asymptotic p = %(p)s): parallel trends are doubtful."
    ),
    "pretrend_wald_oversized": _(
        "The asymptotic Wald test rejects (χ² = %(chi2)s, df = %(df)s, p = %(p)s), but with few "
        "units per cohort its covariance is too noisy for the χ² reference; the randomisation "
        "test, whose size is exact, does not (p = %(randomisation_p)s over %(draws)s "
        "permutations of the cohorts)."
    ),
    "cells_not_estimated": _(
        "ATT(g,t) cells not estimated (%(count)s, %(reason)s), left out of every aggregate: "
        "%(cells)s."
    ),
    "pscore_trimmed": _(
        "Comparison units with a propensity score ≥ %(trim)s get no weight (as R DRDID): "
        "%(count)s unit-cells were trimmed in total."
    ),
    "cohort_not_estimated": _(
        "No post-treatment ATT(g,t) could be estimated for cohorts %(cohorts)s; they are "
        "missing from every aggregate."
    ),
    # Imputation (analytics/imputation.py).
    "imputation_cohort_after_last_period": _(
        "Units first treated after the last period (%(last)s): %(units)s; they are used as "
        "never treated."
    ),
    "imputation_treated_in_first_period": _(
        "Dropped the units treated in or before the first period (%(first)s): %(units)s; "
        "nothing untreated to impute from."
    ),
    "not_imputable": _(
        "Treated observations in periods %(periods)s cannot be imputed (no untreated unit is "
        "observed then) and are left out: %(count)s."
    ),
    "horizon_not_observed": _("No treated observation at event times %(event_times)s."),
    "imputation_pretrend_wild_singular": _(
        "The imputation pre-trend test has no wild cluster bootstrap: %(clusters)s clusters are "
        "too few for %(leads)s leads."
    ),
    "imputation_pretrend_rejected": _(
        "Leads of treatment in the untreated model differ jointly from zero (asymptotic p = "
        "%(p)s): parallel trends before treatment are doubtful."
    ),
    "imputation_pretrend_rejected_bootstrap": _(
        "Leads of treatment in the untreated model differ jointly from zero (wild cluster "
        "bootstrap p = %(wild_p)s, %(clusters)s clusters, %(draws)s draws; asymptotic p = "
        "%(p)s): parallel trends before treatment are doubtful."
    ),
    "imputation_pretrend_asymptotic_oversized": _(
        "The asymptotic imputation pre-trend test rejects (p = %(p)s), but its wild cluster "
        "bootstrap does not (p = %(wild_p)s, %(clusters)s clusters, %(draws)s draws)."
    ),
    "imputation_no_pretrend_test": _(
        "No treated unit is observed before treatment, so the imputation pre-trend test cannot "
        "be computed."
    ),
    "imputation_pretrend_collinear": _(
        "The imputation pre-trend test is not reported: the leads are collinear with the fixed "
        "effects."
    ),
    "imputation_pretrend_singular": _(
        "The imputation pre-trend test is not reported: its covariance is singular."
    ),
    "estimators_not_compared": _("Callaway–Sant'Anna has no overall estimate to compare with."),
    "estimators_overall": _(
        "Overall ATT: Callaway–Sant'Anna %(cs_att)s (SE %(cs_se)s), imputation %(bjs_att)s "
        "(SE %(bjs_se)s); they differ by %(gap)s standard errors."
    ),
    "estimators_disagree": _(
        "Overall ATT: Callaway–Sant'Anna %(cs_att)s (SE %(cs_se)s), imputation %(bjs_att)s "
        "(SE %(bjs_se)s); they differ by %(gap)s standard errors — the estimators disagree."
    ),
    "estimators_event_time": _(
        "The estimators disagree by more than %(threshold)s standard errors at %(count)s event "
        "times: %(listed)s."
    ),
    # The evaluation run (indicators/evaluation.py).
    "synth_skipped": _(
        "No synthetic control: it needs at least %(min_donors)s never-treated zones (each "
        "placebo is synthesised from the others) and %(min_pre)s years before %(cohort)s "
        "(found %(donors)s and %(pre)s)."
    ),
    "synth_variant_skipped": _(
        "One synthetic control (%(variant)s) could not be fitted for %(unit)s."
    ),
    "estimation_failed": _("The effect could not be estimated on these data:"),
    "bjs_failed": _("The imputation estimator could not be computed on these data:"),
}

ACTION_LABELS: dict[str, Promise] = {
    "indicators.indicator_created": _("Indicator added"),
    "indicators.observations_recorded": _("Statistics recorded"),
    "indicators.statistics_checked": _("Statistics file checked (dry run)"),
    "indicators.statistics_imported": _("Statistics file imported"),
    "indicators.evaluation_run": _("Effect evaluation run"),
    **{f"{NOTE}{sentence}": label for sentence, label in NOTE_LABELS.items()},
}


# The errors of a statistics file (``statistics_file.FileError.message``), with their
# parameters: numbers, codes, dates in ISO form and cells as the file holds them.
IMPORT_ERROR_LABELS: dict[str, Promise] = {
    "statistics_import.error.no_header": _(
        "No header row naming the columns indicator, subject, year and value was found."
    ),
    "statistics_import.error.too_many_rows": _("The file has more than %(max)d rows."),
    "statistics_import.error.duplicate_row": _(
        "Repeats row %(row)d: same indicator, subject and period."
    ),
    "statistics_import.error.empty": _("The file has no rows below its header."),
    "statistics_import.error.unknown_indicator": _("Unknown indicator “%(value)s”."),
    "statistics_import.error.unknown_subject": _(
        "Unknown subject “%(value)s”: give a zone's key or name, a prefecture's or the "
        "province's code or name."
    ),
    "statistics_import.error.bad_year": _("The year must be four digits, e.g. 2023."),
    "statistics_import.error.bad_quarter": _("A quarter is 1, 2, 3 or 4."),
    "statistics_import.error.annual_indicator": _(
        "%(indicator)s is published by year, not by quarter."
    ),
    "statistics_import.error.not_a_number": _("“%(value)s” is not a number."),
    "statistics_import.error.already_released": _(
        "The release of %(vintage)s already has this value; a revision is a new release with a "
        "later date."
    ),
}
ACTION_LABELS |= IMPORT_ERROR_LABELS
