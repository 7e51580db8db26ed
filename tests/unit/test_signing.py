"""The audit chain's signing key: from the environment when given, else a file created
once (mode 0600) and read again by every later process."""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from taolun.infra.config import load_config
from taolun.infra.signing import load_signer


def test_the_key_file_is_created_on_first_use_with_mode_0600_and_kept(tmp_path):
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path)})
    first = load_signer(config)
    assert config.signing_key_file.stat().st_mode & 0o777 == 0o600
    assert load_signer(config).key_id == first.key_id
    assert [p.name for p in tmp_path.iterdir()] == [config.signing_key_file.name]  # no temporary left


def test_a_key_given_in_the_environment_is_used_and_no_file_is_made(tmp_path):
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path), "TAOLUN_AUDIT_SIGNING_KEY": pem})
    signer = load_signer(config)
    signature = signer.sign(b"checkpoint")
    public = serialization.load_pem_public_key(signer.public_key_pem.encode())
    public.verify(signature, b"checkpoint")  # raises if the pair does not match
    assert not config.signing_key_file.exists()


def test_the_key_file_can_live_elsewhere(tmp_path):
    elsewhere = tmp_path / "keys" / "audit.pem"
    config = load_config({"TAOLUN_DATA_DIR": str(tmp_path / "data"), "TAOLUN_AUDIT_KEY_FILE": str(elsewhere)})
    load_signer(config)
    assert config.signing_key_file == elsewhere and elsewhere.exists()
