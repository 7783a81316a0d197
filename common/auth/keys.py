"""Ed25519 key pairs for tokens: generation, the public key set, and loading by `kid`.

Layout of a key folder (`JWT_KEYS_DIR`, `.keys/` locally):

    public.json                    every public key (a JWKS); each key names its owner (`iss`)
                                   and what it may sign (`use_for`: `user` or `service`)
    <service>/private.pem          that service's key for its SERVICE tokens
    user_service/user_tokens.pem   user_service's key for USER and ADMIN tokens

A service reads `public.json` and its own private key only. The `kid` of a key is its RFC 7638
thumbprint, so a private key names itself and no index of private keys is kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"
USER_TOKENS = "user"
SERVICE_TOKENS = "service"
USER_TOKEN_ISSUER = "user_service"
PUBLIC_SET = "public.json"
SERVICE_KEY_FILE = "private.pem"
USER_KEY_FILE = "user_tokens.pem"


class KeyFileError(Exception):
    """A key file is missing, unreadable or not an Ed25519 key."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint of an Ed25519 public key."""
    canonical = json.dumps({"crv": "Ed25519", "kty": "OKP", "x": _b64(_raw_public(public_key))},
                           separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def public_jwk(public_key: Ed25519PublicKey, *, owner: str, use_for: str) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(_raw_public(public_key)),
            "kid": key_id(public_key), "alg": ALGORITHM, "use": "sig",
            "iss": owner, "use_for": use_for}


@dataclass(frozen=True)
class PublicKey:
    kid: str
    owner: str
    use_for: str
    key: Ed25519PublicKey
    jwk: dict


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: Ed25519PrivateKey


def _public_from_jwk(jwk: dict) -> Ed25519PublicKey:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise KeyFileError("only Ed25519 (OKP) keys are accepted")
    x = jwk["x"]
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


@lru_cache(maxsize=8)
def load_public_keys(path: str) -> dict[str, PublicKey]:
    """Every public key of the set at `path`, by `kid` (read once per process)."""
    try:
        document = json.loads(Path(path).read_text())
        keys = {}
        for jwk in document["keys"]:
            key = _public_from_jwk(jwk)
            if jwk["use_for"] not in (USER_TOKENS, SERVICE_TOKENS) or not jwk["iss"]:
                raise KeyFileError(f"key {jwk.get('kid')} has no owner or use")
            kid = key_id(key)  # never trust a kid that does not match the key
            keys[kid] = PublicKey(kid=kid, owner=jwk["iss"], use_for=jwk["use_for"], key=key,
                                  jwk=jwk)
        return keys
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KeyFileError(f"cannot read the public key set {path}: {exc}") from exc


@lru_cache(maxsize=8)
def load_signing_key(path: str) -> SigningKey:
    """The Ed25519 private key in the PEM file at `path` (read once per process)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"cannot read the private key {path}: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} is not an Ed25519 private key")
    return SigningKey(kid=key_id(key.public_key()), key=key)


def clear_caches() -> None:
    load_public_keys.cache_clear()
    load_signing_key.cache_clear()


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def _read_set(keys_dir: Path) -> list[dict]:
    path = keys_dir / PUBLIC_SET
    return json.loads(path.read_text())["keys"] if path.exists() else []


def _write_set(keys_dir: Path, jwks: list[dict]) -> None:
    path = keys_dir / PUBLIC_SET
    fd, temporary = tempfile.mkstemp(dir=keys_dir, prefix=".public-", suffix=".json")
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps({"keys": jwks}, indent=2) + "\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def _key_file(keys_dir: Path, owner: str, use_for: str) -> Path:
    return keys_dir / owner / (USER_KEY_FILE if use_for == USER_TOKENS else SERVICE_KEY_FILE)


def key_pairs_wanted(services: list[str]) -> list[tuple[str, str]]:
    return [(USER_TOKEN_ISSUER, USER_TOKENS)] + [(name, SERVICE_TOKENS) for name in services]


def keys_ensure(*, keys_dir: Path, services: list[str]) -> list[str]:
    """Create every missing key pair (and its public key in the set); returns what was made."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(keys_dir, 0o700)
    jwks = _read_set(keys_dir)
    made = []
    for owner, use_for in key_pairs_wanted(services):
        path = _key_file(keys_dir, owner, use_for)
        if path.exists():
            signing = load_signing_key(str(path))
            if not any(jwk.get("kid") == signing.kid for jwk in jwks):
                jwks.append(public_jwk(signing.key.public_key(), owner=owner, use_for=use_for))
            continue
        key = Ed25519PrivateKey.generate()
        _write_private(path, key)
        jwks.append(public_jwk(key.public_key(), owner=owner, use_for=use_for))
        made.append(f"{owner}/{path.name}")
    _write_set(keys_dir, jwks)
    clear_caches()
    return made


def key_rotate(*, keys_dir: Path, owner: str, use_for: str) -> str:
    """Step 1 of a rotation: a new key pair replaces the private key; the old public key stays
    in the set (both are valid) until `key_retire` removes it. Returns the new kid."""
    path = _key_file(keys_dir, owner, use_for)
    key = Ed25519PrivateKey.generate()
    jwks = _read_set(keys_dir)
    jwks.append(public_jwk(key.public_key(), owner=owner, use_for=use_for))
    _write_set(keys_dir, jwks)
    _write_private(path, key)
    clear_caches()
    return key_id(key.public_key())


def key_retire(*, keys_dir: Path, kid: str) -> None:
    """The last step of a rotation: drop a public key once no token it signed is still valid."""
    _write_set(keys_dir, [jwk for jwk in _read_set(keys_dir) if jwk.get("kid") != kid])
    clear_caches()


_throwaway: dict[str, Path] = {}


def throwaway_keys_dir(*, services: list[str]) -> Path:
    """A fresh key folder for one test process (made once, removed by the OS's temp cleanup)."""
    if "dir" not in _throwaway:
        keys_dir = Path(tempfile.mkdtemp(prefix="shop-test-keys-"))
        keys_ensure(keys_dir=keys_dir, services=services)
        _throwaway["dir"] = keys_dir
    return _throwaway["dir"]


def main(argv: list[str]) -> int:
    """`python -m common.auth.keys ensure|rotate OWNER user|service|retire KID` on JWT_KEYS_DIR."""
    from common.services import SERVICE_PORTS

    keys_dir = Path(os.environ.get("JWT_KEYS_DIR") or Path(__file__).resolve().parents[2] / ".keys")
    if argv[:1] == ["ensure"]:
        made = keys_ensure(keys_dir=keys_dir, services=list(SERVICE_PORTS))
        print("created: " + (", ".join(made) or "nothing (every key exists)"))
    elif argv[:1] == ["rotate"] and len(argv) == 3 and argv[2] in (USER_TOKENS, SERVICE_TOKENS):
        print(f"new key {key_rotate(keys_dir=keys_dir, owner=argv[1], use_for=argv[2])}")
    elif argv[:1] == ["retire"] and len(argv) == 2:
        key_retire(keys_dir=keys_dir, kid=argv[1])
        print(f"retired {argv[1]}")
    else:
        print(main.__doc__)
        return 2
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
