from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.selectors import search


@require_GET
def search_results(request):
    """The navigation's search box: results in the person's own projects, grouped by kind with counts;
    one kind's results page by page."""
    page = request.GET.get("page", "")
    results = search(
        user=request.user,
        query=request.GET.get("q", ""),
        kind=request.GET.get("kind"),
        page=int(page) if page.isdigit() else 1,
    )
    return render(request, "search/results.html", {"results": results, "search_query": results.query})
