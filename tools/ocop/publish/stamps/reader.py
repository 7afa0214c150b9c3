"""`ocop verify`: read a stamp from a photo or a scanned URL and judge it against the registry itself
(its public keys in registry/keys/ and its certificates' status), as the verify page does online."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ocop.check.pipeline import load_registry
from ocop.config import mkdocs_config, site_url_of
from ocop.model.gs1 import gtin14
from ocop.model.keys import NATIONAL, keys_of
from ocop.publish.site import model as site_model
from ocop.publish.stamps import site, trust, verify


class Unreadable(Exception):
    """No stamp URL could be read from the source (Vietnamese message)."""


def read_qr(path: Path) -> str:
    """The text of the QR code in an image (zxing-cpp)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    except (OSError, UnidentifiedImageError) as err:
        raise Unreadable(f"không mở được ảnh «{path}»: {err}") from err
    texts = [b.text for b in found if b.valid and b.text]
    if not texts:
        raise Unreadable(f"không tìm thấy mã QR đọc được trong «{path}».")
    return texts[0]


def verify_source(root: Path, source: str, today: dt.date) -> verify.Verdict:
    url = source if source.lower().startswith(("http://", "https://")) else read_qr(Path(source))
    parsed = verify.parse_url(url)
    if parsed is None:
        raise Unreadable(f"«{url[:200]}» không phải đường dẫn tem OCOP (…/xac-minh/<mã>#… hoặc …/01/<GTIN>#…).")
    return verify_url(root, parsed, today)


def verify_url(root: Path, parsed: verify.StampUrl, today: dt.date) -> verify.Verdict:
    registry, _findings, _files = load_registry(root)
    model = site_model.build(registry, today, site_url_of(mkdocs_config(root)))
    keys, _problems = keys_of(registry)
    trusted = {k.kid: trust.Entry(k, trust.signer_name(model.province_names.get(k.province, k.province)))
               for k in keys if k.province != NATIONAL}
    if parsed.certificate:
        expected = frozenset({parsed.certificate})
    else:
        product = site.gtin_products(model).get(gtin14(parsed.gtin or ""))
        expected = frozenset(c.id for c in product.certs) if product else frozenset()

    def status_of(cert_id: str) -> str | None:
        cert = model.certs.get(cert_id)
        return site.status_of_cert(cert) if cert else None

    return verify.check(parsed.fragment, trusted, today, status_of, expected)
