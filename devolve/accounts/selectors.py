from django.db.models import QuerySet

from devolve.accounts.models import User


def get_user_by_username(*, username: str) -> User | None:
    return User.objects.filter(username=username).first()


def list_users() -> QuerySet[User]:
    return User.objects.select_related("department", "prefecture", "zone").order_by(
        "role", "username"
    )
