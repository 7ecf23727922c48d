"""Matter types of the national catalogue (ten administrative powers + public service) and the
four authorization modes. Sort order of types follows the national type numbers (1–10, 20).
Re-runnable: rows are matched by code.
"""

from django.db import migrations

MATTER_TYPES = [
    ("licensing", "行政许可", "Administrative licensing", True, 1),
    ("penalty", "行政处罚", "Administrative penalty", True, 2),
    ("coercion", "行政强制", "Administrative coercion", True, 3),
    ("levy", "行政征收", "Administrative levy", True, 4),
    ("payment", "行政给付", "Administrative payment", True, 5),
    ("inspection", "行政检查", "Administrative inspection", True, 6),
    ("confirmation", "行政确认", "Administrative confirmation", True, 7),
    ("reward", "行政奖励", "Administrative reward", True, 8),
    ("adjudication", "行政裁决", "Administrative adjudication", True, 9),
    ("other_power", "其他行政权力", "Other administrative power", True, 10),
    ("public_service", "公共服务", "Public service", False, 20),
]

MODES = [
    (
        "delegate", "下放", "Delegate",
        "事项及其名义移交承接主体，由其以自己的名义实施；自决定公布之日起一定期限后生效。",
        "The matter passes to the receiving body, which acts in its own name; effective a set "
        "number of days after publication.",
        1,
    ),
    (
        "entrust", "委托", "Entrust",
        "省直部门仍为法定主体，承接主体以委托部门名义实施；签订行政委托书后生效。",
        "The provincial department remains the legal owner and the receiving body acts in its "
        "name; effective once the entrustment agreement is signed.",
        2,
    ),
    (
        "both", "既下放又委托", "Delegate and entrust",
        "事项的子项分别下放或委托。",
        "The matter's sub-items are split: some delegated, others entrusted.",
        3,
    ),
    (
        "support", "支持事项", "Support",
        "省级支持承诺（政策、资源、试点），不转移行政权力，由责任部门推进。",
        "A provincial support commitment (policy, resources, pilots); no power changes hands and "
        "the responsible department carries it out.",
        4,
    ),
]


def load(apps, schema_editor):
    MatterType = apps.get_model("matters", "MatterType")
    AuthorizationMode = apps.get_model("matters", "AuthorizationMode")
    for code, name_zh, name_en, is_power, order in MATTER_TYPES:
        MatterType.objects.update_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "is_administrative_power": is_power,
                      "sort_order": order},
        )
    for code, name_zh, name_en, description_zh, description_en, order in MODES:
        AuthorizationMode.objects.update_or_create(
            code=code,
            defaults={"name_zh": name_zh, "name_en": name_en, "description_zh": description_zh,
                      "description_en": description_en, "sort_order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("matters", "MatterType").objects.filter(code__in=[row[0] for row in MATTER_TYPES]).delete()
    apps.get_model("matters", "AuthorizationMode").objects.filter(code__in=[row[0] for row in MODES]).delete()


class Migration(migrations.Migration):
    dependencies = [("matters", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
