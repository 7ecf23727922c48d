"""Entry changes as people read them: labels and names, one line for the receiving scope. No DB."""

from django.utils import translation

from devolve.matters.readable import ShownChange, ValueLabels, entry_changes

LABELS = ValueLabels(
    modes={"delegate": "Delegate", "entrust": "Entrust"},
    departments={"justice": "Department of Justice"},
    zones={"chengdu-east": "Chengdu Eastern New Area", "tianfu": "Tianfu New Area"},
)


def test_codes_booleans_and_slugs_become_labels_and_names() -> None:
    changed = {
        "mode": ["delegate", "entrust"],
        "all_areas": [True, False],
        "receiving_areas": [[], ["chengdu-east", "tianfu"]],
        "supervising_department": ["", "justice"],
    }

    with translation.override("en"):
        shown = entry_changes(changed, LABELS)

    assert shown == [
        ShownChange("mode", "Mode", "Delegate", "Entrust"),
        ShownChange(
            "receiving_areas",
            "Receiving areas",
            "All pilot areas of the batch",
            "Chengdu Eastern New Area, Tianfu New Area",
        ),
        ShownChange(
            "supervising_department", "Supervising department", "—", "Department of Justice"
        ),
    ]


def test_named_areas_changing_read_as_one_scope_line() -> None:
    with translation.override("en"):
        shown = entry_changes({"receiving_areas": [["tianfu"], ["chengdu-east"]]}, LABELS)

    assert shown == [
        ShownChange(
            "receiving_areas", "Receiving areas", "Tianfu New Area", "Chengdu Eastern New Area"
        )
    ]


def test_the_page_language_names_the_fields() -> None:
    changed = {"all_areas": [False, True], "receiving_areas": [["tianfu"], []]}
    with translation.override("zh-hans"):
        (shown,) = entry_changes(changed, LABELS)

    assert (shown.label, shown.before, shown.after) == (
        "承接区域",
        "Tianfu New Area",
        "本批次全部试点区域",
    )
