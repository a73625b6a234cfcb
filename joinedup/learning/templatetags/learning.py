from typing import Any

from django import template

register = template.Library()


@register.filter
def get(mapping: dict[Any, Any], key: Any) -> Any:
    return mapping.get(key)
