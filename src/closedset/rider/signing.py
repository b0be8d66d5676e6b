"""The key that seals rider PDFs: generated for development and tests, never written in code.

Production sets CLOSEDSET_PDF_SIGNING_KEY and CLOSEDSET_PDF_SIGNING_CERT (PEM, or *_FILE).
Settings imports this module, so it must not import Django.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

DEV_NAME = "closedset development rider seal (not trusted)"


def self_signed_pair(common_name: str = DEV_NAME) -> tuple[str, str]:
    """A fresh P-256 key and a self-signed certificate for it, both PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def dev_signing_pair(path: Path) -> tuple[str, str]:
    """The development pair, generated once and kept beside the other dev secrets (mode 0600)."""
    from closedset.lib.env import json_created_once

    def make() -> dict[str, str]:
        key_pem, cert_pem = self_signed_pair()
        return {"key": key_pem, "cert": cert_pem}

    data = json_created_once(path, make)
    return str(data["key"]), str(data["cert"])
