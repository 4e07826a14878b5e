from django.shortcuts import render
from django.views.decorators.http import require_GET

from search.selectors import search


@require_GET
def search_results(request):
    """The navigation's search box: results in the person's own projects, grouped by kind."""
    results = search(user=request.user, query=request.GET.get("q", ""))
    return render(request, "search/results.html", {"results": results, "search_query": results.query})
