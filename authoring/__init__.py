"""Ruleset authoring for the people who correct rulesets: test cases as data (`cases`), the score sheet
out to Excel (`sheet_export`) and back in as a checked overlay (`sheet_import`)."""
