"""`teilhabe check --deploy` is clean with production settings (run as a separate process, as an operator would)."""

import os
import secrets
import string
import subprocess

from . import servers


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    alphabet = string.ascii_letters + string.digits + "!#%&()*+,-./:;<=>?@[]^_{|}~"
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "TEILHABE_", "PYTEST"))
    }
    environment.update(
        {
            "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "DJANGO_SECURE": "1",
            "DJANGO_ALLOWED_HOSTS": "teilhabe.example.org",
            "DATABASE_URL": "postgres://teilhabe@127.0.0.1:5432/teilhabe",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp+tls://teilhabe:secret@mail.example.org:587",
            "TEILHABE_VAR_DIR": str(tmp_path / "var"),
        }
    )
    result = subprocess.run(
        [str(servers.BIN / "teilhabe"), "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _check(tmp_path, **settings: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "TEILHABE_", "PYTEST", "EMAIL_URL"))
    }
    environment.update({"DJANGO_SECRET_KEY": "x" * 60, "TEILHABE_VAR_DIR": str(tmp_path / "var"), **settings})
    return subprocess.run(
        [str(servers.BIN / "teilhabe"), "check"], env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_real_mail_server(tmp_path):
    """Outside debug, no EMAIL_URL (or the console backend, which would log password-reset links) stops start-up."""
    for settings in ({}, {"EMAIL_URL": "consolemail://"}):
        result = _check(tmp_path, **settings)
        assert result.returncode != 0
        assert "EMAIL_URL must name a real mail server" in result.stderr
    # debug mode (make demo) keeps the console, and a real server is accepted
    assert _check(tmp_path, DJANGO_DEBUG="1").returncode == 0
    assert _check(tmp_path, EMAIL_URL="smtp://mail.example.org:25").returncode == 0
