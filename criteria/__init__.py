"""Ruleset declarations: the YAML format, its validated model, expressions and the registry of versions.

Nothing here evaluates a commune; `chuanxa.engine` compiles these models into evaluators.
"""
