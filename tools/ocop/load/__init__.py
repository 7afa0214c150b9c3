"""Stage 1, load: bytes → a strict, safe YAML parse → Document (data, NFC text, positions on demand).
rapidyaml answers first where it agrees with the strict loader (fast.py).

Registers the YAML-*, FILE-* and TEXT-* rules it reports. Imports only `ocop.findings`.
"""

from ocop.load.fast import quiet_stderr
from ocop.load.loader import BOM, MAX_FILE_BYTES, Document, LoadError, dotted, load_document, parse_yaml

__all__ = ["BOM", "MAX_FILE_BYTES", "Document", "LoadError", "dotted", "load_document", "parse_yaml", "quiet_stderr"]
