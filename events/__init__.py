"""The write side: pure domain (aggregates, rules, applications). No Django, no infra."""
