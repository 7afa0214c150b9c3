"""Stage 1, load: bytes → a strict, safe YAML parse → Document (data, NFC text, positions on demand).

Registers the YAML-*, FILE-* and TEXT-* rules it reports. Imports only `ocop.findings`.
"""

from ocop.load.loader import BOM, MAX_FILE_BYTES, Document, LoadError, dotted, load_document, parse_yaml

__all__ = ["BOM", "MAX_FILE_BYTES", "Document", "LoadError", "dotted", "load_document", "parse_yaml"]
