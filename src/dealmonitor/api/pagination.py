from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Pages of API_PAGE_SIZE rows (default 50); `?page_size=` asks for up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500
