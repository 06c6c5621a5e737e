"""The deployment files name only what exists: compose.yaml, the Dockerfile and the systemd
units run real `chibo` commands with real settings; .env.example lists exactly the settings.
(`docker compose config` checks compose.yaml too where Docker's compose plugin is installed.)"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.cli.arguments import build_parser
from bot.core.config import Settings
from bot.core.i18n import translator

ROOT = Path(__file__).resolve().parents[1]


def _setting_names() -> set[str]:
    """Every environment name Settings reads: TELEGRAM_BOT_TOKEN for settings.telegram..."""
    names = set()
    for name, field in Settings.model_fields.items():
        nested = getattr(field.annotation, "model_fields", None)
        if nested:
            names |= {f"{name}_{sub}".upper() for sub in nested}
        else:
            names.add(name.upper())
    return names


SETTINGS = _setting_names()


def _commands() -> set[str]:
    parser = build_parser(translator("en"))
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices or ())


def _unit(path: Path) -> dict[str, list[str]]:
    """A systemd unit as key -> values (keys may repeat), sections ignored."""
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key, []).append(value)
    return found


def _chibo_args(command: str) -> list[str]:
    """The arguments given to the chibo executable in a shell-like command line."""
    words = shlex.split(command.replace("%%", "%"))
    for index, word in enumerate(words):
        if word.endswith("/chibo") or word == "chibo":
            return words[index + 1 :]
        if " " in word:  # sh -c '...'
            return _chibo_args(word)
    raise AssertionError(f"no chibo in {command!r}")


def test_env_example_lists_exactly_the_settings() -> None:
    keys = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if re.match(r"^[A-Z_]+=", line)
    }
    assert keys == SETTINGS


def test_compose_runs_migrate_once_then_two_bots_on_a_healthy_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["db"]["healthcheck"]["test"]
    assert compose["volumes"].keys() >= {"db"}
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    bot = services["bot"]
    assert bot["command"] == ["run"] and bot["deploy"]["replicas"] == 2
    assert bot["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    commands = _commands()
    for name, service in services.items():
        if service.get("image") != "chibo:local":
            continue
        assert set(service["environment"]) <= SETTINGS, name
        assert service["environment"]["MIGRATE_ON_START"] == "false"
        if "command" in service:
            assert service["command"][0] in commands, name
        else:
            assert _chibo_args(service["entrypoint"][-1])[0] in commands, name
    for volume in services["db"]["volumes"]:
        assert volume.split(":")[0] in compose["volumes"]
    nginx = services["nginx"]
    for mount in nginx["volumes"]:
        source = mount.split(":")[0]
        assert source == "./certs" or (ROOT / source).is_file(), mount


def test_dockerfile_installs_the_lock_and_runs_chibo_as_a_user() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    runs = [line for line in lines if line.startswith("RUN ")]
    assert any("uv sync --frozen" in line for line in runs)
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert 'ENTRYPOINT ["chibo"]' in lines
    cmd = next(line for line in lines if line.startswith("CMD "))
    assert cmd.removeprefix("CMD ").strip('[]"').split('", "')[0] in _commands()
    for line in lines:
        if line.startswith("COPY ") and "--from" not in line:
            for source in line.split()[1:-1]:
                assert (ROOT / source).exists(), line
    for line in lines:  # every setting the image sets is a real one
        if line.strip().startswith(("HTTP_", "ENV HTTP_")):
            assert line.strip().removeprefix("ENV ").split("=")[0] in SETTINGS


def test_systemd_units_run_real_commands_with_hardening() -> None:
    unit = _unit(ROOT / "deploy/systemd/chibo@.service")
    assert _chibo_args(unit["ExecStart"][0]) == ["run"]
    assert "HTTP_PORT=%i" in unit["ExecStart"][0]
    assert unit["Restart"] == ["on-failure"] and unit["EnvironmentFile"]
    assert unit["User"] == ["chibo"]
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "CapabilityBoundingSet": "",
    }.items():
        assert unit[key] == [value], key
    backup = _unit(ROOT / "deploy/systemd/chibo-backup.service")
    assert _chibo_args(backup["ExecStart"][0])[0] == "backup"
    assert _chibo_args(backup["ExecStart"][0])[0] in _commands()
    assert (ROOT / "deploy/systemd/chibo-backup.timer").is_file()


def test_nginx_passes_the_webhooks_limits_bodies_and_hides_metrics() -> None:
    for name in ("chibo.conf", "compose.conf"):
        conf = (ROOT / "deploy/nginx" / name).read_text()
        assert "client_max_body_size 1m;" in conf
        assert "location /telegram/" in conf and "location /zalo/" in conf
        assert "location = /healthz" in conf
        assert "/metrics" not in conf.replace("# /metrics", "")
        assert "underscores_in_headers" not in conf
        assert not re.search(r"proxy_set_header\s+X-(Telegram-)?Bot-Api-Secret-Token", conf)


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_accepts_compose_yaml(tmp_path: Path) -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("the docker client has no compose plugin here")
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={"POSTGRES_PASSWORD": "x", "PATH": "/usr/bin:/bin:/usr/local/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
