"""The signed documents of the USB-stick contract (sync/offline.py), as an attacker would try them."""

from __future__ import annotations

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.offline import (
    KIND_BUNDLE,
    KIND_RECEIPT,
    SignedFileError,
    open_bundle,
    open_document,
    sign_document,
    signed_bundle,
)


@pytest.fixture
def platform():
    key = Ed25519PrivateKey.generate()
    return key, {7: key.public_key()}


def test_a_signed_bundle_opens_with_the_trusted_key(demo, platform):
    key, trusted = platform
    envelope = json.loads(json.dumps(signed_bundle(demo[0], key, 7)))  # through a file's JSON
    assert open_bundle(envelope, trusted) == demo[0]


@pytest.mark.parametrize("attack, reason", [
    (lambda e: e["document"]["keys"].append(dict(e["document"]["keys"][0], key_id=99)),
     "bad_signature"),                                   # a rogue key slipped into the trust list
    (lambda e: e["document"]["venue"].update(name="x"), "bad_signature"),
    (lambda e: e.update(key_id=8), "unknown_key"),       # claims a key the kiosk does not have
    (lambda e: e.update(key_id="7"), "unknown_key"),
    (lambda e: e.update(kind=KIND_RECEIPT), "wrong_kind"),
    (lambda e: e.update(signature="AAAA"), "bad_signature"),
    (lambda e: e.update(signature="not base64!"), "bad_signature"),
    (lambda e: e.pop("format"), "not_signed"),
])
def test_a_changed_or_foreign_bundle_is_refused(demo, platform, attack, reason):
    key, trusted = platform
    envelope = json.loads(json.dumps(signed_bundle(demo[0], key, 7)))
    attack(envelope)
    with pytest.raises(SignedFileError) as err:
        open_bundle(envelope, trusted)
    assert err.value.reason == reason


def test_an_unsigned_bundle_or_one_signed_by_another_key_is_refused(demo, platform):
    _, trusted = platform
    with pytest.raises(SignedFileError) as err:
        open_bundle(json.loads(demo[0].model_dump_json()), trusted)  # the old, unsigned file
    assert err.value.reason == "not_signed"
    rogue = signed_bundle(demo[0], Ed25519PrivateKey.generate(), 7)  # same key id, other key
    with pytest.raises(SignedFileError) as err:
        open_bundle(rogue, trusted)
    assert err.value.reason == "bad_signature"


def test_a_signature_is_bound_to_its_kind(platform):
    key, trusted = platform
    doc = {"format": "starkiosk-upload-receipt", "results": []}
    env = sign_document(doc, KIND_RECEIPT, key, 7)
    assert open_document(copy.deepcopy(env), KIND_RECEIPT, trusted) == doc
    env["kind"] = KIND_BUNDLE  # the same signature presented as another kind of document
    with pytest.raises(SignedFileError):
        open_document(env, KIND_BUNDLE, trusted)


def test_a_key_fingerprint_is_short_stable_and_distinct():
    from sync.offline import key_fingerprint

    a, b = bytes(32), bytes(31) + b"\x01"
    assert key_fingerprint(a) == key_fingerprint(a)
    assert key_fingerprint(a) != key_fingerprint(b)
    assert len(key_fingerprint(a)) == 19 and key_fingerprint(a).count("-") == 3
