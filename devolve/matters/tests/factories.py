import factory

from devolve.matters.models import Department, Matter, MatterType


def matter_type(code: str = "licensing") -> MatterType:
    """Matter types come from the data migration."""
    return MatterType.objects.get(code=code)


class DepartmentFactory(factory.django.DjangoModelFactory[Department]):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda number: f"department-{number}")
    name_zh = factory.Sequence(lambda number: f"测试厅{number}")
    name_en = factory.Sequence(lambda number: f"Test Department {number}")


class MatterFactory(factory.django.DjangoModelFactory[Matter]):
    class Meta:
        model = Matter

    code = factory.Sequence(lambda number: f"511A{number:010d}")
    name_zh = factory.Sequence(lambda number: f"测试事项{number}")
    name_en = factory.Sequence(lambda number: f"Test matter {number}")
    kind = Matter.Kind.POWER
    matter_type = factory.LazyFunction(matter_type)
    competent_department = factory.SubFactory(DepartmentFactory)

    class Params:
        support = factory.Trait(kind=Matter.Kind.SUPPORT, matter_type=None, code="")
