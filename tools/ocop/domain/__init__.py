"""The OCOP rules themselves: scoring, validity and who may issue which star. Rules that change over
time are dated data in `data/` (criteria sets, star bands, issuer authority), not code."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
