from functools import partial

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request

from tools_registry.pagination import CachedPaginator


class Pagination(PageNumberPagination):
    """Numbered pages with a total count; `page_size` from 1 to 500, anything else is refused."""

    django_paginator_class = CachedPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request: Request, view=None) -> list | None:
        # A view may name its list for the cache keys of its count and pages (`list_key()`, else the
        # list's SQL names it), say what a page shows of its items (`page_rows(queryset, ids)`) and
        # whether its list is ordered by relevance (`list_ranked()`), and read its blocks otherwise than
        # from the queryset (`list_block(start, stop)`, see CachedPaginator's `ordered`).
        key = view.list_key() if hasattr(view, "list_key") else None
        ranked = view.list_ranked() if hasattr(view, "list_ranked") else False
        self.django_paginator_class = partial(
            CachedPaginator,
            key=key,
            rows=getattr(view, "page_rows", None),
            ranked=ranked,
            ordered=getattr(view, "list_block", None),
        )
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        # The envelope of the lists' examples (drf-spectacular reads these): one page holding everything,
        # rather than REST framework's 123 items and links to pages of "accounts".
        for name, example in {"count": 1, "next": None, "previous": None}.items():
            paginated["properties"][name]["example"] = example
        return paginated

    def get_page_size(self, request: Request) -> int:
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit():
            raise ValidationError(
                {"page_size": [_("Un entier de 1 à %(max)d est attendu.") % {"max": self.max_page_size}]}
            )
        size = int(values[0])
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {"page_size": [_("Un entier de 1 à %(max)d est attendu.") % {"max": self.max_page_size}]}
            )
        return size

    def get_page_number(self, request: Request, paginator) -> int | str:
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        if len(values) > 1 or not values[0].isascii() or not values[0].isdigit() or int(values[0]) < 1:
            raise ValidationError({"page": [_("Un numéro de page (entier à partir de 1) est attendu.")]})
        return values[0]
