"""Registering without git: `ocop new` (prompts), issue forms → pull requests, and the web editor's config.

Everything an officer sees here (prompts, form labels, CMS labels) is generated from the JSON Schemas'
Vietnamese titles and descriptions, so the three paths never drift from what `ocop validate` checks.
"""
