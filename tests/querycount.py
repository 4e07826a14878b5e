"""Query counting for the 'constant queries per page' tests."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_for(client, url: str, *, status: int = 200) -> int:
    """Queries one GET of `url` runs; the statements are printed if the status is not the expected one."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return len(captured)


def assert_same_queries(small: int, large: int, *, url: str = "") -> None:
    assert small == large, f"{url}: {small} queries at the small size, {large} at the large one"
