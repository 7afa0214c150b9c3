"""Findings and rules: the bottom of the package (imports nothing else of `ocop`)."""

from ocop.findings.finding import MAX_TEXT, PER_RULE_AND_FILE, Finding, Related, bounded, capped, has_errors, make
from ocop.findings.rule import RULES, Rule, Severity, rule, rule_page

__all__ = ["MAX_TEXT", "PER_RULE_AND_FILE", "RULES", "Finding", "Related", "Rule", "Severity", "bounded", "capped", "has_errors", "make", "rule", "rule_page"]
