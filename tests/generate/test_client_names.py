"""The names a generated client carries come from `client:` of spec/client/config.yaml (issue 18).

A team that generates a client for its own API changes the config, not the templates or the
runtime: the client classes, environment variables and command name all follow it, and nothing of
Ravan's is left in the package's Python code.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.generate.scratch import CLIENT_PROJECT_DIR, describe, package_paths, replace_once, run_generate, run_python

ACME_SETTINGS = """client:
  env_prefix: ACME
  cli_name: acme
  class_name: AcmeClient
  vendor: Acme
"""


def _use_acme_names(repo: Path) -> None:
    config = repo / "spec" / "client" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    settings = re.search(r"^client:\n(?:  .*\n)+", text, flags=re.MULTILINE)
    assert settings is not None, "spec/client/config.yaml has no client: block"
    replace_once(config, settings.group(0), ACME_SETTINGS)
    replace_once(config, "project_name_override: ravan-client", "project_name_override: acme-client")


def test_the_client_classes_env_vars_and_command_follow_the_config(scratch_repo: Path) -> None:
    _use_acme_names(scratch_repo)
    result = run_generate(scratch_repo)
    assert result.returncode == 0, describe(result)

    package = scratch_repo / CLIENT_PROJECT_DIR / "ravan_client"
    leftovers = [
        f"{path.relative_to(package.parent)}:{number}"
        for path in [*sorted(package.rglob("*.py")), package.parent / "pyproject.toml"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        # `ravan-` is how a distribution, a command, a thread or a scratch directory is named.
        if re.search(r"RavanClient|RAVAN_|ravan-", line)
    ]
    assert leftovers == []
    made = run_python(
        "import json, ravan_client, ravan_client.cli\n"
        "from ravan_client._client import IDENTITY\n"
        "from ravan_client import AcmeClient, AsyncAcmeClient\n"
        "client = AcmeClient(api_key='k')\n"
        "print(json.dumps([type(client).__name__, AsyncAcmeClient.__name__, ravan_client.cli.PROGRAM.name,\n"
        "    list(IDENTITY.schemes[0].credentials[0].env_vars), IDENTITY.base_url_env_var,\n"
        "    hasattr(ravan_client, 'RavanClient'), ravan_client.cli.PROGRAM.install_hint,\n"
        "    ravan_client.cli.PROGRAM.sync_install_hint]))\n",
        pythonpath=package_paths(scratch_repo),
        cwd=scratch_repo,
    )
    assert made == [
        "AcmeClient",
        "AsyncAcmeClient",
        "acme",
        ["ACME_API_KEY"],
        "ACME_BASE_URL",
        False,
        "pip install 'acme-client[cli]'",
        "pip install 'acme-client[sync]'",
    ]


def test_a_class_name_that_is_not_a_pascal_case_client_name_is_refused_in_one_line(scratch_repo: Path) -> None:
    _use_acme_names(scratch_repo)
    replace_once(scratch_repo / "spec" / "client" / "config.yaml", "AcmeClient", "acme_client; import os")
    result = run_generate(scratch_repo)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "client.class_name 'acme_client; import os' must be a PascalCase name ending in Client" in result.stderr
