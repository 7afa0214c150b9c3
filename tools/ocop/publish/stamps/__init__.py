"""Signed stamps: the payload in a stamp QR's fragment, the keys that sign it, the trust list and the status
lists a phone checks it against, and the verdict (docs-src/…/tem-ky-so.md describes the format)."""
