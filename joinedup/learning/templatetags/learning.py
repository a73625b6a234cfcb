from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)


@register.simple_tag
def evaluated_programmes(user: Any) -> list[Any]:
    """The programmes `user` evaluates, for their home page (one query; none when signed out)."""
    from joinedup.programmes.models import Programme

    if not getattr(user, "is_authenticated", False):
        return []
    return list(Programme.objects.filter(evaluators__user_id=user.pk).order_by("name"))
