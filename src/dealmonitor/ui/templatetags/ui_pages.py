from django import template

register = template.Library()


@register.simple_tag
def page_query(request, number):
    """The current query string with `page` set to `number`: filters survive paging."""
    query = request.GET.copy()
    query["page"] = number
    return query.urlencode()
