"""Sichuan province and its 21 prefecture-level divisions (GB/T 2260).

Codes and names from the domain brief (section 4.1). Re-runnable: existing codes are updated.
"""

from django.db import migrations

PROVINCE = ("510000", "四川省", "Sichuan Province")
PREFECTURES = [
    ("510100", "成都市", "Chengdu"),
    ("510300", "自贡市", "Zigong"),
    ("510400", "攀枝花市", "Panzhihua"),
    ("510500", "泸州市", "Luzhou"),
    ("510600", "德阳市", "Deyang"),
    ("510700", "绵阳市", "Mianyang"),
    ("510800", "广元市", "Guangyuan"),
    ("510900", "遂宁市", "Suining"),
    ("511000", "内江市", "Neijiang"),
    ("511100", "乐山市", "Leshan"),
    ("511300", "南充市", "Nanchong"),
    ("511400", "眉山市", "Meishan"),
    ("511500", "宜宾市", "Yibin"),
    ("511600", "广安市", "Guang'an"),
    ("511700", "达州市", "Dazhou"),
    ("511800", "雅安市", "Ya'an"),
    ("511900", "巴中市", "Bazhong"),
    ("512000", "资阳市", "Ziyang"),
    ("513200", "阿坝藏族羌族自治州", "Aba (Ngawa) Tibetan and Qiang Autonomous Prefecture"),
    ("513300", "甘孜藏族自治州", "Garzê Tibetan Autonomous Prefecture"),
    ("513400", "凉山彝族自治州", "Liangshan Yi Autonomous Prefecture"),
]


def load(apps, schema_editor):
    Division = apps.get_model("regions", "Division")
    code, name_zh, name_en = PROVINCE
    province, _ = Division.objects.update_or_create(
        code=code, defaults={"level": "province", "name_zh": name_zh, "name_en": name_en, "parent": None}
    )
    for code, name_zh, name_en in PREFECTURES:
        Division.objects.update_or_create(
            code=code,
            defaults={"level": "prefecture", "name_zh": name_zh, "name_en": name_en, "parent": province},
        )


def unload(apps, schema_editor):
    Division = apps.get_model("regions", "Division")
    Division.objects.filter(code__in=[code for code, _, _ in PREFECTURES]).delete()
    Division.objects.filter(code=PROVINCE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
