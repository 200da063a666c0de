"""Benchmarks (scripts, not tests: see README.md); a package so that the tests can write the same dated archives."""
