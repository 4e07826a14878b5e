"""Measurements of erpteam at scale, run by hand (`make bench`, `make loadtest`), never by the test suite."""
