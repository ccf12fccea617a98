"""The deployment files hold together. docker-compose was not run here (no
Docker engine in the development environment): these checks are structural."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_health_and_restart():
    compose = _compose()
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis"} <= set(services)
    for name, service in services.items():
        assert service.get("restart") in {"unless-stopped", "always"}, name
    for name in ("web", "worker", "db", "redis"):
        check = services[name]["healthcheck"]
        assert check["test"] and check["interval"], name
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_compose_volumes_keep_data_and_uploads():
    compose = _compose()
    services = compose["services"]
    declared = set(compose["volumes"])
    assert {"pgdata", "media", "redisdata"} <= declared
    assert any(v.startswith("pgdata:/var/lib/postgresql/data") for v in services["db"]["volumes"])
    # web stores uploads, the worker reads them: the same volume at the same path.
    web_media = [v for v in services["web"]["volumes"] if v.startswith("media:")]
    worker_media = [v for v in services["worker"]["volumes"] if v.startswith("media:")]
    assert web_media and web_media == worker_media
    for service in services.values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in declared or source.startswith((".", "/")), volume


def test_services_start_in_order_and_read_the_env_file():
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["env_file"] == ".env", name
        depends = services[name]["depends_on"]
        assert "redis" in depends, name
    assert services["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    # The web port is published on loopback only: the reverse proxy is in front.
    assert all(p.startswith("127.0.0.1:") for p in services["web"]["ports"])


def _names_read_by_settings() -> set[str]:
    names = set()
    for path in (ROOT / "config" / "settings.py", ROOT / "config" / "gunicorn.py"):
        text = path.read_text()
        names |= set(re.findall(r"env_(?:str|bool|int|list)\(\s*\"([A-Z_0-9]+)\"", text))
        names |= set(re.findall(r"os\.environ\.get\(\s*\"([A-Z_0-9]+)\"", text))
    return names


def test_env_example_documents_every_setting():
    example = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z_0-9]+)=", example, flags=re.M))
    missing = _names_read_by_settings() - documented - {"GUNICORN_BIND", "GUNICORN_THREADS",
                                                         "GUNICORN_GRACEFUL_TIMEOUT",
                                                         "GUNICORN_MAX_REQUESTS"}
    assert not missing, f"read by settings but not in .env.example: {sorted(missing)}"
    assert re.search(r"^DEBUG=0$", example, flags=re.M)


def test_dockerfile_runs_as_non_root_and_collects_static():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^USER app$", dockerfile, flags=re.M)
    assert "collectstatic --noinput" in dockerfile
    assert "config/gunicorn.py" in dockerfile
    user_line = dockerfile.index("USER app")
    assert dockerfile.index("collectstatic") < user_line  # built as root, run as app
